"""The embedded admin panel (Shopify embedded app, WordPress admin page).

It is served under `/admin`; store connection flows live under `/admin/connect`.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from admin_ui.connect import bp as connect_bp
from admin_ui.sessions import AdminSessions

bp = Blueprint("admin_ui", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    """Register the admin panel's routes, and sessions that only the admin opens."""
    app.session_interface = AdminSessions(bp.url_prefix or "/")
    app.register_blueprint(bp)
    app.register_blueprint(connect_bp)
