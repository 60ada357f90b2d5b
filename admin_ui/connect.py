"""Connect a WooCommerce store with its own key flow (`/wc-auth/v1/authorize`).

The merchant is sent to the store to approve; the store POSTs the new key pair to
our callback (which must answer exactly 200 or the key is deleted), then sends the
merchant back to our return URL, where the webhooks are registered.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, request, session
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeTimedSerializer

from plugin.errors import InvalidInput, PlatformError
from plugin.platforms import Install, Installation
from plugin.services import Runtime
from plugin.shop_health import add_notices, notices_of
from plugin.shops import connect_shop, find_shop, store_url
from plugin.sync import register_webhooks

bp = Blueprint("connect", __name__, url_prefix="/admin/connect")
log = logging.getLogger("amends.admin.connect")

STATE_MAX_AGE_SECONDS = 3600


def _runtime() -> Runtime:
    return current_app.extensions["amends"]


def _states(runtime: Runtime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.settings.secret_key, salt="amends.wc-auth")


def _store_url(value: str | None) -> str:
    try:
        return store_url(value, "store_url")
    except InvalidInput as error:
        abort(400, description=str(error))


def _read_state(runtime: Runtime, value: str | None) -> dict[str, str]:
    try:
        state = _states(runtime).loads(value or "", max_age=STATE_MAX_AGE_SECONDS)
        state["store"]
    except (BadSignature, KeyError, TypeError):
        log.warning("admin.connect.bad-state")
        abort(401, description="unknown or expired connection request; start again")
    return state


def _return_to(store: str, value: str | None) -> str | None:
    """Return where to send the merchant back to, when it is a page of the store's own host.

    The Amends plugin for WordPress passes its settings page, so the merchant ends
    where they started; any other host would make this an open redirect.
    """
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or parts.hostname != urlsplit(store).hostname:
        abort(400, description="return_to must be a page of the store's own host")
    return value


@bp.get("/woocommerce")
def start_woocommerce() -> ResponseReturnValue:
    """Send the merchant to their store to approve a read/write key for Amends.

    Refuse first when the store could not answer: wc-auth posts the keys only to
    an https callback, and webhooks reach only ports WordPress deems safe.
    """
    runtime = _runtime()
    base = runtime.settings.public_url.rstrip("/")
    callback = f"{base}/admin/connect/woocommerce/callback"
    store = _store_url(request.args.get("store_url"))
    back = _return_to(store, request.args.get("return_to"))
    fields = {"store": store, "nonce": secrets.token_urlsafe(16)} | ({"back": back} if back else {})
    state = _states(runtime).dumps(fields)
    connector = runtime.connector_for("woocommerce", Install)
    try:
        url = connector.install_url(
            store, state, callback, f"{base}/admin/connect/woocommerce/return"
        )
    except InvalidInput as error:
        log.warning(
            "admin.connect.woocommerce-refused",
            extra={"public_url": runtime.settings.public_url, "reason": str(error)},
        )
        abort(400, description=str(error))
    return redirect(url)


@bp.post("/woocommerce/callback")
def woocommerce_callback() -> ResponseReturnValue:
    """Store the key pair the store posts; answer exactly 200 so it keeps the key.

    A store connected before keeps accepting deliveries signed with its previous
    webhook secret until its webhooks have the new one (the return step, or the
    upkeep job if the merchant never comes back).
    """
    runtime = _runtime()
    keys = request.get_json(silent=True)
    if (
        not isinstance(keys, dict)
        or not keys.get("consumer_key")
        or not keys.get("consumer_secret")
    ):
        abort(400, description="expected JSON with consumer_key and consumer_secret")
    store = _read_state(runtime, str(keys.get("user_id") or ""))["store"]
    connector = runtime.connector_for("woocommerce", Install)
    with runtime.database.reading() as session:
        known = find_shop(session, "woocommerce", domain=store)
        previous = runtime.credentials.open(known.credentials) if known else None
    try:
        installation = connector.complete_install(store, keys, runtime.clock.now(), previous)
        shop_id = _keep(runtime, "woocommerce", installation)
    except InvalidInput as error:
        # Anything but 200 makes the store delete the key it just made: nothing is left.
        log.warning(
            "admin.connect.woocommerce-keys-refused", extra={"store": store, "reason": str(error)}
        )
        abort(400, description=str(error))
    log.info("admin.connect.woocommerce-keys", extra={"shop": shop_id, "store": store})
    return "", 200


def _keep(runtime: Runtime, platform: str, installation: Installation) -> int:
    """Store the approved shop, or give a known one its new credentials; return its id."""
    with runtime.database.transaction() as session:
        shop_id = connect_shop(
            session,
            runtime.credentials,
            platform=platform,
            domain=installation.domain,
            api_url=installation.api_url,
            api_version=installation.api_version,
            credentials=installation.credentials,
        )
        add_notices(session, shop_id, installation.notices)
    return shop_id


@bp.get("/woocommerce/return")
def woocommerce_return() -> ResponseReturnValue:
    """Register the store's webhooks once the merchant is back from approving.

    When the connection started from the store's wp-admin, send the merchant back
    there, saying how it went (`amends_connected`, `amends_webhooks`).
    """
    state = _read_state(_runtime(), request.args.get("user_id"))
    answer = _finish_woocommerce(state["store"], request.args.get("success") == "1")
    if "back" not in state:
        return jsonify(answer), 200
    outcome = {"amends_connected": "1" if answer["status"] == "connected" else "0"}
    if answer.get("webhooks") == "pending":
        outcome["amends_webhooks"] = "pending"
    return redirect(_with_query(state["back"], outcome))


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = urlencode(parse_qsl(parts.query) + list(params.items()))
    return urlunsplit(parts._replace(query=query))


def _finish_woocommerce(store: str, approved: bool) -> dict[str, Any]:
    """Register the webhooks of a store the merchant approved; return the answer to give."""
    runtime = _runtime()
    if not approved:
        return {"status": "declined", "store": store}
    with runtime.database.transaction() as session:
        shop = find_shop(session, "woocommerce", domain=store)
    if shop is None:
        abort(409, description="the store did not deliver the keys; try connecting again")
    notices = notices_of(shop.settings)
    try:
        report = register_webhooks(runtime, shop, reset_secret=True)
    except PlatformError as error:
        log.warning("admin.connect.webhooks-failed", extra={"shop": shop.id, "error": str(error)})
        return {
            "status": "connected",
            "shop": shop.id,
            "webhooks": "pending",
            "message": "webhooks will be registered by the next upkeep run",
            "notices": notices,
        }
    return {
        "status": "connected",
        "shop": shop.id,
        "webhooks": list(report.repaired),
        "notices": notices,
    }


# --- Shopify: authorization-code grant --------------------------------------------

SHOPIFY_STATE = "amends.shopify.state"


@bp.get("/shopify")
def start_shopify() -> ResponseReturnValue:
    """Send the merchant to their shop to grant Amends its scopes.

    When the shop's admin sent them (an install link), its query is signed;
    a forged one is refused.
    """
    runtime = _runtime()
    connector = runtime.connector_for("shopify", Install)
    params = _signed_query()
    if "hmac" in params and not connector.link_signed(params, runtime.clock.now()):
        log.warning("admin.connect.shopify-bad-hmac", extra={"shop": params.get("shop")})
        abort(401, description="the install link's hmac does not match")
    state = secrets.token_urlsafe(24)
    callback = _callback_url(runtime)
    try:
        url = connector.install_url(_text(params, "shop"), state, callback, callback)
    except InvalidInput as error:
        abort(400, description=str(error))
    session[SHOPIFY_STATE] = state
    return redirect(url)


def _signed_query() -> dict[str, str | list[str]]:
    """Return the query as Shopify signs it: an array (`ids[]=1&ids[]=2`) keeps every value."""
    return {
        key: values if key.endswith("[]") else values[-1] for key, values in request.args.lists()
    }


def _text(params: dict[str, str | list[str]], key: str) -> str:
    """Return a plain (not array) parameter, or "" when it is missing."""
    value = params.get(key, "")
    return value if isinstance(value, str) else ""


def _callback_url(runtime: Runtime) -> str:
    return f"{runtime.settings.public_url.rstrip('/')}/admin/connect/shopify/callback"


@bp.get("/shopify/callback")
def shopify_callback() -> ResponseReturnValue:
    """Check state and HMAC, trade the code for a token, and store the shop."""
    runtime = _runtime()
    params = _signed_query()
    expected = session.pop(SHOPIFY_STATE, None)
    if not expected or not secrets.compare_digest(expected, _text(params, "state")):
        log.warning("admin.connect.shopify-bad-state", extra={"shop": params.get("shop")})
        abort(401, description="unknown or reused install state; start the install again")
    connector = runtime.connector_for("shopify", Install)
    try:
        installation = connector.complete_install(
            _text(params, "shop"), params, runtime.clock.now()
        )
        shop_id = _keep(runtime, "shopify", installation)
    except InvalidInput as error:
        log.warning("admin.connect.shopify-refused", extra={"error": str(error)})
        abort(400, description=str(error))
    except PlatformError as error:
        log.warning("admin.connect.shopify-refused", extra={"error": str(error)})
        abort(401, description=str(error))
    log.info(
        "admin.connect.shopify-installed", extra={"shop": shop_id, "domain": installation.domain}
    )
    return jsonify(
        status="connected", shop=shop_id, scope=installation.credentials.get("scope")
    ), 200
