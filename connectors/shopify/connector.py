"""The Shopify Connector: reads deliveries and parses their payloads."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from connectors import signing
from connectors.headers import header, parse_timestamp, required_header
from connectors.shopify import consts, normalize
from plugin.events import Event
from plugin.platforms import Delivery, MalformedDelivery

_KEPT_HEADERS = (
    consts.TOPIC_HEADER,
    consts.SHOP_HEADER,
    consts.WEBHOOK_ID_HEADER,
    consts.EVENT_ID_HEADER,
    consts.TRIGGERED_AT_HEADER,
    consts.API_VERSION_HEADER,
)

_PARSERS: dict[str, Callable[[dict[str, Any]], Event]] = {
    **{topic: normalize.order_changed for topic in consts.ORDER_TOPICS},
    "returns/request": normalize.return_requested,
}


class ShopifyConnector:
    """Shopify, as the intake and the worker see it."""

    platform = consts.PLATFORM
    topics = consts.SUBSCRIBED_TOPICS

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Shopify sends no ping."""
        return False

    def read_delivery(self, headers: Mapping[str, str]) -> Delivery:
        """Describe a delivery from its X-Shopify-* headers."""
        return Delivery(
            topic=required_header(headers, *consts.TOPIC_HEADER).lower(),
            delivery_id=required_header(headers, *consts.WEBHOOK_ID_HEADER),
            signature=header(headers, *consts.HMAC_HEADER),
            shop_domain=required_header(headers, *consts.SHOP_HEADER).lower(),
            triggered_at=parse_timestamp(header(headers, *consts.TRIGGERED_AT_HEADER)),
            kept_headers={
                names[0]: value
                for names in _KEPT_HEADERS
                if (value := header(headers, *names)) is not None
            },
        )

    def delivery_key(self, delivery: Delivery, body: bytes, shop_key: str) -> str:
        """Return the webhook id: unique per delivery, and a retry carries the same one."""
        return f"shopify:{delivery.delivery_id}"[:128]

    def signature_valid(self, body: bytes, signature: str, secrets: Sequence[str]) -> bool:
        """Check the base64 HMAC Shopify computes over the raw body with the app secret."""
        return signing.signature_valid(body, signature, secrets)

    def parse(self, topic: str, body: bytes) -> list[Event] | None:
        """Turn a stored delivery into events; None when no parser handles the topic yet."""
        parser = _PARSERS.get(topic)
        if parser is None:
            return None
        try:
            payload = json.loads(body)
        except ValueError as error:
            raise MalformedDelivery(f"{topic} body is not JSON: {error}") from error
        return [parser(payload)]
