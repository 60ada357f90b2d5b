"""The webhook endpoints, one per platform: each finds the shop, then runs the pipeline."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from plugin.errors import StorageUnavailable
from plugin.inbox.groupcommit import GroupCommit
from plugin.services import Runtime
from plugin.shops import find_shop
from webhooks.directory import Directory
from webhooks.intake import (
    KnownShop,
    accept,
    delivery_headers,
    describe,
    read_body,
    reject,
    unavailable_response,
)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
log = logging.getLogger("amends.webhooks")


def _runtime() -> Runtime:
    return current_app.extensions["amends"]


def _directory() -> Directory[KnownShop]:
    return current_app.extensions["amends.webhooks.shops"]


def _inbox() -> GroupCommit:
    return current_app.extensions["amends.webhooks.inbox"]


def _shopify_shop(runtime: Runtime, domain: str | None) -> KnownShop | None:
    with runtime.database.reading() as session:
        shop = find_shop(session, "shopify", domain=domain)
    if shop is None:
        return None
    return KnownShop(
        shop.id,
        shop.domain,
        runtime.settings.shopify_webhook_secrets,
        no_secret="no app secret is configured: set SHOPIFY_API_SECRET to the app's client secret",
    )


def _woocommerce_shop(runtime: Runtime, shop_id: int) -> KnownShop | None:
    """Return the shop with its webhook secret, and the previous one while the store has it.

    On reconnect Amends chooses a new secret at once, but the store signs with the
    old one until its webhooks are updated; both are accepted until then.
    """
    with runtime.database.reading() as session:
        shop = find_shop(session, "woocommerce", shop_id=shop_id)
        if shop is None:
            return None
        credentials = runtime.credentials.open(shop.credentials)
    # The previous secret stays valid while the store's webhooks still sign with it
    # (plugin.shops.update_credentials).
    secrets = (credentials.get("webhook_secret"), credentials.get("previous_webhook_secret"))
    return KnownShop(
        shop.id,
        str(shop.id),
        tuple(secret for secret in secrets if secret),
        no_secret=f"no webhook secret is stored for shop {shop.id}: set one with "
        f"`amends shops update {shop.id} --webhook-secret W`",
    )


@bp.route("/shopify", methods=["POST"])
def shopify() -> ResponseReturnValue:
    """Take a Shopify delivery; its X-Shopify-Shop-Domain header names the shop."""
    runtime = _runtime()
    connector = runtime.connectors["shopify"]
    delivery = describe(connector, delivery_headers(request.environ))
    domain = delivery.shop_domain
    try:
        shop = _directory().get(("shopify", domain), lambda: _shopify_shop(runtime, domain))
    except StorageUnavailable as error:
        return unavailable_response("shopify", error)
    if shop is None:
        reject("shopify", 404, "unknown-shop", f"no shop {domain} is installed", domain=domain)
    body = read_body(request, "shopify", runtime.settings.webhook_max_bytes)
    return accept(_inbox(), connector, shop, delivery, body)


@bp.route("/woocommerce/<int:shop_id>", methods=["POST"])
def woocommerce(shop_id: int) -> ResponseReturnValue:
    """Take a WooCommerce delivery, or its ping, for the shop in the URL."""
    runtime = _runtime()
    connector = runtime.connectors["woocommerce"]
    try:
        shop = _directory().get(
            ("woocommerce", shop_id), lambda: _woocommerce_shop(runtime, shop_id)
        )
    except StorageUnavailable as error:
        return unavailable_response("woocommerce", error)
    if shop is None:
        reject("woocommerce", 404, "unknown-shop", f"no WooCommerce shop {shop_id}", shop=shop_id)
    body = read_body(request, "woocommerce", runtime.settings.webhook_max_bytes)
    headers = delivery_headers(request.environ)
    if connector.is_ping(headers, body):
        # WooCommerce wants exactly 200 here, or it pings again on every save.
        log.info("webhooks.woocommerce.ping", extra={"shop": shop_id})
        return "", 200
    delivery = describe(connector, headers)
    if delivery.signature and not connector.signature_valid(body, delivery.signature, shop.secrets):
        # The secrets may have changed since the shop was remembered (a reconnect, or
        # the store given the new one): WooCommerce never retries, so look again.
        try:
            shop = _woocommerce_shop(runtime, shop_id) or shop
        except StorageUnavailable as error:
            return unavailable_response("woocommerce", error)
    return accept(_inbox(), connector, shop, delivery, body)
