"""Who is calling the panel, and which shop's rows they may see.

An authenticator takes the request and returns the `ShopScope` it proves, None when
the request carries nothing it recognises, or raises `Unauthorized` when it carries
something that fails (an expired session token, a bad signature). The first
authenticator that recognises the request decides; none recognising it is a 401.

The lists below are the one place a way of calling the panel is registered. A new
one (a signed server-to-server request, say) is a function of this shape, added to
the list of the surface it may call.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Request

from admin_ui import login, shopify_auth
from admin_ui.callers import Caller, current_caller, remember
from admin_ui.errors import NotSignedIn
from admin_ui.signed_requests import signed_request_scope
from plugin.scope import ShopScope

__all__ = ["Caller", "authenticate", "current_caller", "remember"]

Authenticator = Callable[[Request], ShopScope | None]

# The JSON API (`/admin/api/...`), tried in this order.
API_AUTHENTICATORS: list[Authenticator] = [
    shopify_auth.from_bearer_token,  # Shopify session token: `Authorization: Bearer <id token>`
    login.from_login_session,  # the standalone panel's signed-in admin (cookie + CSRF header)
    # The Amends for WooCommerce plugin, server to server; it spends the request's nonce,
    # so it runs once per request, here.
    signed_request_scope,
]

# The HTML pages (`/admin`, `/admin/incidents/...`), tried in this order.
PAGE_AUTHENTICATORS: list[Authenticator] = [
    shopify_auth.from_id_token_query,  # the App URL as Shopify's admin loads it
    shopify_auth.from_panel_pass,  # links and forms of a page the admin loaded
    login.from_login_session,
]


def authenticate(request: Request, authenticators: list[Authenticator]) -> ShopScope:
    """Return the scope the first recognising authenticator proves; refuse when none does."""
    for authenticator in authenticators:
        scope = authenticator(request)
        if scope is not None:
            return scope
    raise NotSignedIn(
        "not signed in: open Amends from your shop's admin, or sign in at /admin/login"
    )
