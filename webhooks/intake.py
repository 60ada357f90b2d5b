"""The intake pipeline, in its fixed order, shared by every platform.

method -> shop known -> body size -> signature over the raw bytes -> topic known
-> body readable -> persist (a duplicate is a no-op) -> 200. Every rejection is
logged and writes nothing; only the last step writes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn

import orjson
from flask import Request, Response, abort, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from plugin.errors import StorageUnavailable
from plugin.inbox.groupcommit import GroupCommit
from plugin.inbox.store import NewDelivery
from plugin.platforms import Connector, Delivery, LoweredHeaders, MalformedDelivery

log = logging.getLogger("amends.webhooks")

RETRY_AFTER_SECONDS = 5

# The answers to a stored delivery, encoded once.
_ANSWERS = {status: json.dumps({"status": status}) + "\n" for status in ("accepted", "duplicate")}


@dataclass(frozen=True)
class KnownShop:
    """The shop a delivery is for, and the secrets its deliveries may be signed with."""

    id: int
    key: str  # what the delivery key is scoped by: the domain, or the shop id
    secrets: Sequence[str]
    # Why there may be no secret, and what to set: said when a delivery cannot be checked.
    no_secret: str = "no secret to check its signature with is configured"


def reject(platform: str, status: int, slug: str, reason: str, **context: object) -> NoReturn:
    """Log a rejected delivery as `webhooks.<platform>.<slug>` and abort with `status`."""
    log.warning(f"webhooks.{platform}.{slug}", extra={"reason": reason, **context})
    abort(status, description=reason)


def unavailable_response(platform: str, error: StorageUnavailable) -> ResponseReturnValue:
    """Answer 503 with Retry-After so the platform delivers again later."""
    log.error(f"webhooks.{platform}.store-unavailable", extra={"error": str(error)})
    response = jsonify(error="unavailable", message="cannot store the delivery now; retry later")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, 503


# The two headers a WSGI server passes without the HTTP_ prefix.
_UNPREFIXED = {"CONTENT_TYPE": "content-type", "CONTENT_LENGTH": "content-length"}


def delivery_headers(environ: Mapping[str, Any]) -> LoweredHeaders:
    """Read a request's headers straight from its WSGI environ, keyed by lowercased name.

    The same headers werkzeug's `request.headers` yields (`HTTP_X_SHOPIFY_TOPIC` is
    `x-shopify-topic`), in the form connectors look them up in, built in one pass
    rather than through a case-insensitive view asked once per header.
    """
    headers = LoweredHeaders()
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                headers[key[5:].replace("_", "-").lower()] = value
        elif key in _UNPREFIXED and value:
            headers[_UNPREFIXED[key]] = value
    return headers


def describe(connector: Connector, headers: LoweredHeaders) -> Delivery:
    """Read the delivery's headers; 400 when the platform's own headers are missing."""
    try:
        return connector.read_delivery(headers)
    except MalformedDelivery as error:
        reject(connector.platform, 400, "malformed", str(error))


def read_body(request: Request, platform: str, limit: int) -> bytes:
    """Return the raw body, refusing more than `limit` bytes without buffering them."""
    request.max_content_length = limit
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        reject(
            platform,
            413,
            "too-large",
            f"body over the {limit}-byte limit",
            length=request.content_length,
        )


def readable_json(body: bytes) -> bool:
    """Tell whether the worker's parser, the standard library's, will read `body`.

    orjson checks a typical order in a third of the time. It is the stricter of the
    two (no NaN, no integer beyond 64 bits, UTF-8 only), so the standard parser has
    the last word on whatever orjson refuses.
    """
    try:
        orjson.loads(body)
        return True
    except orjson.JSONDecodeError:
        pass
    try:
        json.loads(body)
        return True
    # Nested deeper than the standard reader recurses: the worker could not read it.
    except (ValueError, RecursionError):
        return False


def accept(
    inbox: GroupCommit, connector: Connector, shop: KnownShop, delivery: Delivery, body: bytes
) -> ResponseReturnValue:
    """Run the pipeline from the signature on, for a delivery to a known shop."""
    platform = connector.platform
    if not any(shop.secrets):
        reject(platform, 401, "no-secret", shop.no_secret, shop=shop.id)
    if not delivery.signature:
        reject(platform, 400, "unsigned", "missing signature header", shop=shop.id)
    if not connector.signature_valid(body, delivery.signature, shop.secrets):
        reject(platform, 401, "bad-signature", "signature does not match the body", shop=shop.id)
    if delivery.topic not in connector.topics:
        log.info(f"webhooks.{platform}.topic-ignored", extra={"topic": delivery.topic})
        return jsonify(status="ignored", topic=delivery.topic), 200
    if not readable_json(body):
        reject(platform, 400, "unreadable", "body is not JSON", shop=shop.id, topic=delivery.topic)
    try:
        inbox_id = inbox.record(
            NewDelivery(
                platform=platform,
                shop_id=shop.id,
                topic=delivery.topic,
                delivery_key=connector.delivery_key(delivery, body, shop.key),
                headers=delivery.kept_headers,
                body=body,
                triggered_at=delivery.triggered_at,
            )
        )
    except StorageUnavailable as error:
        return unavailable_response(platform, error)
    status = "accepted" if inbox_id is not None else "duplicate"
    # The inbox row is the record of what was taken (`amends inbox list`), and the
    # access log has a line per request: at thousands a second, a third line per
    # delivery would cost more than its write. Rejections stay warnings.
    log.debug(
        f"webhooks.{platform}.{status}",
        extra={"shop": shop.id, "topic": delivery.topic, "inbox": inbox_id},
    )
    return Response(_ANSWERS[status], mimetype="application/json")
