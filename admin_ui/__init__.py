"""The embedded admin panel (Shopify embedded app, WordPress admin page).

It is served under `/admin`; store connection flows live under `/admin/connect`.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from admin_ui.connect import bp as connect_bp

bp = Blueprint("admin_ui", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    """Register the admin panel's routes."""
    app.register_blueprint(bp)
    app.register_blueprint(connect_bp)
