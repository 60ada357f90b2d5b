"""The webhook endpoints, one per platform: each finds the shop, then runs the pipeline."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, request
from flask.typing import ResponseReturnValue

from plugin.errors import StorageUnavailable
from plugin.services import Runtime
from plugin.shops import find_shop
from webhooks.intake import (
    KnownShop,
    accept,
    describe,
    read_body,
    reject,
    unavailable_response,
)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")
log = logging.getLogger("amends.webhooks")


def _runtime() -> Runtime:
    return current_app.extensions["amends"]


@bp.route("/shopify", methods=["POST"])
def shopify() -> ResponseReturnValue:
    """Take a Shopify delivery; its X-Shopify-Shop-Domain header names the shop."""
    runtime = _runtime()
    connector = runtime.connectors["shopify"]
    delivery = describe(connector, request)
    try:
        with runtime.database.transaction() as session:
            shop = find_shop(session, "shopify", domain=delivery.shop_domain)
    except StorageUnavailable as error:
        return unavailable_response("shopify", error)
    if shop is None:
        reject(
            "shopify",
            404,
            "unknown-shop",
            f"no shop {delivery.shop_domain} is installed",
            domain=delivery.shop_domain,
        )
    body = read_body(request, "shopify", runtime.settings.webhook_max_bytes)
    known = KnownShop(shop.id, shop.domain, runtime.settings.shopify_webhook_secrets)
    return accept(runtime, connector, known, delivery, body)


@bp.route("/woocommerce/<int:shop_id>", methods=["POST"])
def woocommerce(shop_id: int) -> ResponseReturnValue:
    """Take a WooCommerce delivery, or its ping, for the shop in the URL."""
    runtime = _runtime()
    connector = runtime.connectors["woocommerce"]
    try:
        with runtime.database.transaction() as session:
            shop = find_shop(session, "woocommerce", shop_id=shop_id)
            secret = runtime.credentials.open(shop.credentials)["webhook_secret"] if shop else ""
    except StorageUnavailable as error:
        return unavailable_response("woocommerce", error)
    if shop is None:
        reject("woocommerce", 404, "unknown-shop", f"no WooCommerce shop {shop_id}", shop=shop_id)
    body = read_body(request, "woocommerce", runtime.settings.webhook_max_bytes)
    if connector.is_ping(request.headers, body):
        # WooCommerce wants exactly 200 here, or it pings again on every save.
        log.info("webhooks.woocommerce.ping", extra={"shop": shop_id})
        return "", 200
    delivery = describe(connector, request)
    return accept(runtime, connector, KnownShop(shop.id, str(shop.id), (secret,)), delivery, body)
