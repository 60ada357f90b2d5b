"""The admin panel: the Shopify embedded app, its JSON API and the standalone sign-in.

Served under `/admin`: pages (`pages.py`), the JSON API under `/admin/api`
(`api.py`), the standalone sign-in (`login.py`), store connection flows under
`/admin/connect` (`connect.py`). Who may call what is decided in `auth.py`. The
customer's page for an incident is under `/incident/<signed token>` (`customer_page.py`).
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask

from admin_ui import (
    api,
    api_templates,
    assets,
    connect,
    customer_page,
    headers,
    i18n,
    login,
    pages,
    pages_templates,
    report_api,
    report_pages,
    settings_api,
    settings_pages,
)
from admin_ui.converters import RowIdConverter
from admin_ui.sessions import AdminSessions

SESSION_HOURS = 12
# Modules that add their routes to the API's blueprint and the pages' blueprint.
ROUTES_OF_THEIR_OWN = (
    api_templates,
    pages_templates,
    report_api,
    report_pages,
    settings_api,
    settings_pages,
)


def init_app(app: Flask) -> None:
    """Register the panel's routes, and sessions that only the admin opens."""
    runtime = app.extensions["amends"]
    app.session_interface = AdminSessions("/admin")
    app.config.update(
        SESSION_COOKIE_NAME="amends_admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=runtime.settings.public_url.startswith("https://"),
        SESSION_COOKIE_PATH="/admin",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    app.url_map.converters["id"] = RowIdConverter  # before the routes that use it
    i18n.init_app(app)
    headers.init_app(app)
    for blueprint in (assets.bp, api.bp, login.bp, pages.bp, connect.bp, customer_page.bp):
        app.register_blueprint(blueprint)
