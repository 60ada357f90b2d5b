"""Shopify's embedded admin: the session token proves the shop, on the API and the App URL.

- The API: every fetch carries `Authorization: Bearer <id token>` (App Bridge adds it).
- The App URL: Shopify's admin loads `/admin?shop=…&host=…&embedded=1&id_token=…`. The
  first load of a shop Amends holds no offline token for trades the token for one
  (token exchange, shopify.md §5.4): the shop installed the app through Shopify.
- The page's own links and forms carry a panel pass, signed by Amends and minted from
  the verified id token, so the panel works without JavaScript; App Bridge, when it
  loads, fetches fresh id tokens itself. The pass is no cookie: another site cannot
  make the browser send it, and it lasts an hour.
"""

from __future__ import annotations

import logging

from flask import Request

from admin_ui import signed
from admin_ui.callers import Caller, remember
from admin_ui.errors import Unauthorized
from admin_ui.session_tokens import InvalidSessionToken, SessionClaims, bearer_token, verify
from plugin.errors import InvalidInput, PlatformError, PlatformUnauthorized
from plugin.messaging.locale import supported_language
from plugin.platforms import Embedded
from plugin.scope import ShopScope
from plugin.services import Runtime
from plugin.shops import ACTIVE, connect_shop, find_shop

log = logging.getLogger("amends.admin.shopify")

PASS_SALT = "amends.panel.pass"
PASS_MAX_AGE_SECONDS = 3600


class ShopifyUnavailable(Exception):
    """Shopify could not be reached to trade the token; the merchant reloads later."""


def _claims(runtime: Runtime, token: str) -> SessionClaims:
    settings = runtime.settings
    try:
        return verify(
            token, settings.shopify_api_key, settings.shopify_webhook_secrets, runtime.clock.now()
        )
    except InvalidSessionToken as error:
        log.warning("admin.session-token.refused", extra={"reason": error.reason})
        raise


def _caller(claims: SessionClaims, locale: str | None, panel_pass: str | None = None) -> Caller:
    return Caller(
        via="shopify",
        actor=f"staff:shopify-user-{claims.user}"[:64],
        shop_domain=claims.shop,
        panel_pass=panel_pass,
        locale=supported_language(locale),
    )


def _installed(runtime: Runtime, domain: str) -> int | None:
    with runtime.database.reading() as session:
        shop = find_shop(session, "shopify", domain=domain)
        return shop.id if shop is not None and shop.status == ACTIVE else None


def from_bearer_token(request: Request) -> ShopScope | None:
    """Authenticate an API call by its session token; the shop must have installed Amends."""
    token = bearer_token(request.headers.get("Authorization"))
    if token is None:
        return None
    runtime = signed.runtime()
    claims = _claims(runtime, token)
    shop_id = _installed(runtime, claims.shop)
    if shop_id is None:
        raise Unauthorized(
            f"{claims.shop} has not installed Amends; open it from the Shopify admin"
        )
    remember(_caller(claims, request.headers.get("Accept-Language")))
    return ShopScope.only(shop_id)


def from_id_token_query(request: Request) -> ShopScope | None:
    """Authenticate the App URL by its `id_token`; install a shop loading it for the first time."""
    token = request.args.get("id_token")
    if not token or request.method != "GET":
        return None
    runtime = signed.runtime()
    claims = _claims(runtime, token)
    shop_id = _installed(runtime, claims.shop) or _install(runtime, claims)
    locale = request.args.get("locale")
    panel_pass = signed.dumps(
        PASS_SALT, {"shop": shop_id, "domain": claims.shop, "user": claims.user, "locale": locale}
    )
    remember(_caller(claims, locale, panel_pass))
    return ShopScope.only(shop_id)


def from_panel_pass(request: Request) -> ShopScope | None:
    """Authenticate a link or form of an embedded page by the pass it carries."""
    token = request.values.get("pass")
    if not token:
        return None
    runtime = signed.runtime()
    value = signed.loads(PASS_SALT, token, PASS_MAX_AGE_SECONDS)
    if not isinstance(value, dict):
        raise InvalidSessionToken("the page is too old: open Amends again from the Shopify admin")
    shop_id = _installed(runtime, str(value.get("domain")))
    if shop_id is None or shop_id != value.get("shop"):
        raise Unauthorized("the shop has uninstalled Amends")
    claims = SessionClaims(shop=value["domain"], user=str(value.get("user")), token="")
    remember(_caller(claims, value.get("locale"), token))
    return ShopScope.only(shop_id)


def _install(runtime: Runtime, claims: SessionClaims) -> int:
    """Trade the session token for the shop's offline access token and keep the shop."""
    connector = runtime.connector_for("shopify", Embedded)
    try:
        installation = connector.install_embedded(claims.shop, claims.token, runtime.clock.now())
    except (InvalidInput, PlatformUnauthorized) as error:
        log.warning(
            "admin.token-exchange.refused", extra={"shop": claims.shop, "error": str(error)}
        )
        raise Unauthorized(f"Shopify refused the token exchange: {error}") from error
    except PlatformError as error:
        log.warning("admin.token-exchange.failed", extra={"shop": claims.shop, "error": str(error)})
        raise ShopifyUnavailable(
            f"Shopify could not be reached; reload in a moment ({error})"
        ) from error
    with runtime.database.transaction() as session:
        shop_id = connect_shop(
            session,
            runtime.credentials,
            platform="shopify",
            domain=installation.domain,
            credentials=installation.credentials,
            api_url=installation.api_url,
            api_version=installation.api_version,
        )
    log.info("admin.token-exchange.installed", extra={"shop": shop_id, "domain": claims.shop})
    return shop_id
