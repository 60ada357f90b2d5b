"""The store's admin around an embedded app: the page Shopify's admin shows at /store/…/apps/….

Shopify's admin loads an embedded app's App URL in an iframe, adding `shop`, `host`
(the admin's host, base64), `embedded=1`, `locale` and a fresh `id_token`: a session
token (HS256, signed with the app's client secret, a minute's life) that says which
shop and which staff member is looking (shopify.dev, "Session tokens";
platforms/shopify.md §5). This page does the same for the app the sandbox has
installed (`app_url`), so the app can be seen as a merchant sees it, inside their
admin, with nothing faked on the app's side.
"""

from __future__ import annotations

import base64
import html
import secrets
from urllib.parse import urlencode, urlsplit

import jwt
from flask import Blueprint, Response, abort, request

from sandboxes.shopify.state import SandboxState, current_state

blueprint = Blueprint("shopify_admin", __name__)

TOKEN_SECONDS = 60
STAFF_USER_ID = "1"
PAGE = """<!doctype html>
<html lang="{locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{app} · {shop_name} · Shopify</title>
<style>
body {{ margin: 0; font: 14px/1.4 system-ui, sans-serif; background: #f1f1f1; }}
header {{ background: #1a1a1a; color: #fff; padding: .6rem 1rem; }}
nav {{ position: fixed; top: 2.4rem; bottom: 0; width: 12rem; padding: 1rem; }}
nav a {{ display: block; color: #303030; padding: .3rem 0; text-decoration: none; }}
nav a.current {{ font-weight: 600; }}
main {{ margin-left: 14rem; padding: 1rem; }}
iframe {{ width: 100%; height: calc(100vh - 5rem); border: 0; border-radius: .75rem;
  background: #fff; }}
@media (max-width: 40rem) {{ nav {{ display: none; }} main {{ margin: 0; padding: .5rem; }} }}
</style></head><body>
<header>{shop_name} <small>· sandbox Shopify admin</small></header>
<nav><a href="#">Home</a><a href="#">Orders</a><a href="#">Products</a>
<a href="#">Customers</a><a class="current" href="{here}">{app}</a></nav>
<main><iframe title="{app}" src="{src}"></iframe></main>
</body></html>
"""


def session_token(state: SandboxState, now: float, user_id: str = STAFF_USER_ID) -> str:
    """Return a session token as Shopify's admin signs it for the installed app."""
    shop = state.shop.domain
    stamp = int(now)
    claims = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": state.config.api_key or "",
        "sub": user_id,
        "exp": stamp + TOKEN_SECONDS,
        "nbf": stamp,
        "iat": stamp,
        "jti": secrets.token_hex(16),
        "sid": secrets.token_hex(16),
    }
    return jwt.encode(claims, state.config.api_secret, algorithm="HS256")


@blueprint.get("/store/<store>/apps/<app>")
def embedded_app(store: str, app: str) -> Response:
    """Show the installed app inside the admin, framed as Shopify's admin frames it."""
    state = current_state()
    if not state.config.app_url:
        abort(404, description="no embedded app is installed (start the sandbox with app_url)")
    if store != state.shop.domain.split(".", 1)[0]:
        abort(404, description=f"no store {store!r} here")
    locale = request.args.get("locale", "en")
    admin_host = f"admin.shopify.com/store/{store}"
    query = {
        "embedded": "1",
        "host": base64.urlsafe_b64encode(admin_host.encode()).decode().rstrip("="),
        "id_token": session_token(state, state.clock.timestamp()),
        "locale": locale,
        "shop": state.shop.domain,
        "timestamp": str(int(state.clock.timestamp())),
    }
    app_url = state.config.app_url
    separator = "&" if urlsplit(app_url).query else "?"
    page = PAGE.format(
        locale=html.escape(locale),
        app=html.escape(app.replace("-", " ").title()),
        shop_name=html.escape(state.config.shop_name),
        here=html.escape(request.path),
        src=html.escape(f"{app_url}{separator}{urlencode(query)}"),
    )
    return Response(page, content_type="text/html; charset=utf-8")
