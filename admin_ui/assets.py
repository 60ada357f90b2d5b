"""What the panel serves to anyone: its own scripts and styles, and the token bounce page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from admin_ui import i18n, signed

bp = Blueprint(
    "admin_assets",
    __name__,
    url_prefix="/admin",
    static_folder="static",
    template_folder="templates",
    static_url_path="/static",
)


@bp.get("/bounce")
def bounce() -> ResponseReturnValue:
    """Load App Bridge only, which reloads `shopify-reload` with a fresh id token.

    Shopify's admin sends a document request without `id_token` when the panel is
    reloaded inside it; its libraries answer with this page ("patch id token").
    """
    i18n.use_locale(request.args.get("locale"))
    settings = signed.runtime().settings
    return render_template(
        "panel/bounce.html", api_key=settings.shopify_api_key, lang=i18n.language()
    )
