"""The embedded admin panel (Shopify embedded app, WordPress admin page).

It is served under `/admin`; this package registers its blueprint on the app.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("admin_ui", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    """Register the admin panel's routes."""
    app.register_blueprint(bp)
