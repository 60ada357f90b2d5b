"""The WooCommerce Connector: reads deliveries and parses their payloads."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping, Sequence

from connectors import signing
from connectors.headers import header, required_header
from connectors.woocommerce import consts, normalize
from plugin.events import Event
from plugin.platforms import Delivery, MalformedDelivery

log = logging.getLogger("amends.connectors.woocommerce")


class WooCommerceConnector:
    """WooCommerce, as the intake and the worker see it."""

    platform = consts.PLATFORM
    topics = consts.SUBSCRIBED_TOPICS

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Recognise the unsigned `webhook_id=N` ping sent when a webhook is created."""
        return header(headers, consts.TOPIC_HEADER) is None and bool(
            consts.PING_BODY.match(body.strip())
        )

    def read_delivery(self, headers: Mapping[str, str]) -> Delivery:
        """Describe a delivery from its X-WC-Webhook-* headers."""
        return Delivery(
            topic=required_header(headers, consts.TOPIC_HEADER).lower(),
            delivery_id=header(headers, consts.DELIVERY_ID_HEADER),
            signature=header(headers, consts.SIGNATURE_HEADER),
            kept_headers={
                name: value for name in consts.KEPT_HEADERS if (value := header(headers, name))
            },
        )

    def delivery_key(self, delivery: Delivery, body: bytes, shop_key: str) -> str:
        """Return a digest of shop, topic and raw body.

        WooCommerce's Delivery-ID is webhook id + current second, so not unique,
        and it never retries: the same state delivered twice is one delivery.
        """
        digest = hashlib.sha256(f"{shop_key}\n{delivery.topic}\n".encode() + body).hexdigest()
        return f"sha256:{digest}"

    def signature_valid(self, body: bytes, signature: str, secrets: Sequence[str]) -> bool:
        """Check the base64 HMAC WooCommerce computes over the raw body with the webhook secret."""
        return signing.signature_valid(body, signature, secrets)

    def parse(self, topic: str, body: bytes) -> list[Event] | None:
        """Turn a stored delivery into events; None when no parser handles the topic yet."""
        if topic not in consts.ORDER_TOPICS:
            return None
        try:
            payload = json.loads(body)
        except ValueError as error:
            raise MalformedDelivery(f"{topic} body is not JSON: {error}") from error
        if normalize.is_error_body(payload):
            log.warning("connectors.woocommerce.error-body", extra={"code": payload.get("code")})
            return []
        if payload.get("status") in consts.IGNORED_STATUSES:
            return []
        return [normalize.order_changed(payload)]
