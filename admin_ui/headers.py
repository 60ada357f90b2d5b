"""The headers every page of the panel carries: who may frame it, what it may load.

An embedded page may be framed by its own shop and Shopify's admin only
(shopify.md §5.5); any other page by nobody. Scripts are never inline; an embedded
page loads App Bridge and Polaris from Shopify's CDN, a standalone page (a
self-hosted panel, perhaps on a network that cannot reach Shopify) nothing but this
origin's own files.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request

from admin_ui.callers import current_caller
from admin_ui.session_tokens import is_shop_domain

SHOPIFY_ADMIN = "https://admin.shopify.com"
CDN = "https://cdn.shopify.com"


def frame_shop_from_query() -> None:
    """Let this page be framed by the shop its query names (a page without actions)."""
    shop = (request.args.get("shop") or "").lower()
    if is_shop_domain(shop):
        g.frame_shop = shop


def content_security_policy(shop: str | None, admin_origin: str | None = None) -> str:
    """Return the page's policy; `shop` is the shop whose admin may frame it.

    `admin_origin` is where the shop's admin is served instead of Shopify's, when
    Amends is pointed at a sandbox store (AMENDS_SHOPIFY_ADMIN_URL): its admin page
    frames the app as Shopify's does, and may.
    """
    if not shop:
        return _STANDALONE_POLICY
    framers = [f"https://{shop}", SHOPIFY_ADMIN, *([admin_origin] if admin_origin else [])]
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {CDN}",
            # Polaris web components set styles on their own elements.
            f"style-src 'self' 'unsafe-inline' {CDN}",
            f"img-src 'self' data: {CDN}",
            f"font-src 'self' {CDN}",
            "connect-src 'self' https://*.shopify.com https://*.myshopify.com",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {' '.join(framers)}",
        )
    )


_STANDALONE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _panel_headers(response: Response) -> Response:
    if not request.path.startswith("/admin") or response.mimetype != "text/html":
        return response
    shop = current_caller().shop_domain or g.get("frame_shop")
    admin_url = current_app.extensions["amends"].settings.shopify_admin_url
    response.headers["Content-Security-Policy"] = content_security_policy(
        shop, _origin(admin_url) if admin_url else None
    )
    response.headers["Referrer-Policy"] = "same-origin"  # a page's links carry its pass
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _customer_headers(response: Response) -> Response:
    """Keep the customer's page out of frames and caches, and its link out of referrers."""
    if not request.path.startswith("/incident/") or response.mimetype != "text/html":
        return response
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Add the panel's headers to every HTML answer under /admin, the customer's to theirs."""
    app.after_request(_panel_headers)
    app.after_request(_customer_headers)
