"""What a webhook delivery carries, built when the job runs (not when it was queued).

A resource webhook sends the same JSON as `GET /wc/v3/<resource>s/<id>`, or the
REST error for a resource that is gone by then (OBSERVED 013); a `deleted`
event sends only `{"id": N}`; an action topic sends `{"action", "arg"}`.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from sandboxes.signing import sign
from sandboxes.woocommerce.consts import HOOKSHOT_USER_AGENT
from sandboxes.woocommerce.phpjson import php_json_bytes
from sandboxes.woocommerce.serializers import coupon_json, order_json
from sandboxes.woocommerce.topics import event_of, hooks_of, resource_of

if TYPE_CHECKING:
    from sandboxes.woocommerce.models import Webhook
    from sandboxes.woocommerce.store import SandboxStore

ACCEPT_ENCODING = "deflate, gzip, br, zstd"


def payload(store: SandboxStore, webhook: Webhook, arg: Any) -> Any:
    """Return the payload of `webhook` for hook argument `arg`, as of now."""
    resource, event = resource_of(webhook.topic), event_of(webhook.topic)
    if event == "deleted":
        return {"id": arg}
    if resource == "action":
        return {"action": hooks_of(webhook.topic)[0], "arg": arg}
    if resource == "order":
        order = store.orders.get(arg)
        if order is None:
            return _invalid_id("woocommerce_rest_shop_order_invalid_id")
        return order_json(store, order, store.url)
    if resource == "coupon":
        coupon = store.coupons.get(arg)
        if coupon is None:
            return _invalid_id("woocommerce_rest_shop_coupon_invalid_id")
        return coupon_json(store, coupon, store.url)
    return {}


def _invalid_id(code: str) -> dict[str, Any]:
    return {"code": code, "message": "Invalid ID.", "data": {"status": 404}}


def delivery_headers(store: SandboxStore, webhook: Webhook, body: bytes) -> list[tuple[str, str]]:
    """Return a delivery's headers in the order WordPress sends them (OBSERVED 005)."""
    return [
        ("User-Agent", HOOKSHOT_USER_AGENT),
        ("Accept", "*/*"),
        ("Accept-Encoding", ACCEPT_ENCODING),
        ("Content-Type", "application/json"),
        ("X-WC-Webhook-Source", store.home_url),
        ("X-WC-Webhook-Topic", webhook.topic),
        ("X-WC-Webhook-Resource", resource_of(webhook.topic)),
        ("X-WC-Webhook-Event", event_of(webhook.topic)),
        ("X-WC-Webhook-Signature", sign(body, specialchars_decode(webhook.secret))),
        ("X-WC-Webhook-ID", str(webhook.id)),
        ("X-WC-Webhook-Delivery-ID", delivery_id(store, webhook.id)),
        ("Connection", "close"),
        ("Content-Length", str(len(body))),
    ]


def ping_headers(body: bytes) -> list[tuple[str, str]]:
    """Return the ping's headers: no X-WC-* and no signature (OBSERVED 001)."""
    return [
        ("User-Agent", HOOKSHOT_USER_AGENT),
        ("Accept", "*/*"),
        ("Accept-Encoding", ACCEPT_ENCODING),
        ("Connection", "close"),
        ("Content-Length", str(len(body))),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ]


def delivery_body(store: SandboxStore, webhook: Webhook, arg: Any) -> bytes:
    """Return the exact bytes of a delivery: trim(wp_json_encode($payload))."""
    return php_json_bytes(payload(store, webhook, arg))


def delivery_id(store: SandboxStore, webhook_id: int) -> str:
    """Return wp_hash(webhook id . current second): 32 hex, shared within a second."""
    data = f"{webhook_id}{int(store.clock.now().timestamp())}".encode()
    return hmac.new(store.salt.encode(), data, hashlib.md5).hexdigest()


def specialchars_decode(secret: str) -> str:
    """Undo HTML entities as wp_specialchars_decode(ENT_QUOTES) does before signing."""
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#039;", "'")):
        secret = secret.replace(entity, char)
    return secret.replace("&#39;", "'").replace("&amp;", "&")
