"""Webhook registrations as the REST webhooks controller and its data store keep them.

Create always stores `active` (the posted status is ignored), generates a
50-character secret when none is sent, and never shows the secret again.
Saving an active webhook whose URL changed, or that is still
`pending_delivery`, pings it (class-wc-webhook-data-store.php).
"""

from __future__ import annotations

import secrets
import string
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sandboxes.woocommerce.models import Webhook
from sandboxes.woocommerce.rest import wp_error
from sandboxes.woocommerce.topics import is_valid_topic

if TYPE_CHECKING:
    from sandboxes.woocommerce.store import SandboxStore

STATUSES = ["active", "paused", "disabled"]
_SECRET_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*()-_ []{}<>~`+=,.;:/?|"


def check_topic(topic: Any, message: str) -> None:
    """Refuse a missing or unknown topic with WooCommerce's error."""
    if not topic or not is_valid_topic(str(topic).lower()):
        raise wp_error("woocommerce_rest_shop_webhook_invalid_topic", message, 400)


def check_delivery_url(url: Any) -> None:
    """Refuse a delivery URL that wc_is_valid_url() rejects."""
    text = str(url or "")
    valid = text.startswith(("http://", "https://")) and bool(urlsplit(text).hostname)
    if not valid or any(char.isspace() for char in text):
        raise wp_error(
            "woocommerce_rest_shop_webhook_invalid_delivery_url",
            "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            400,
        )


def create_webhook(store: SandboxStore, params: dict[str, Any]) -> Webhook:
    """Store a new webhook (the caller pings it once the answer is ready)."""
    now = store.clock.now()
    topic = str(params["topic"])
    webhook = Webhook(
        id=store.next_webhook_id(),
        name=params.get("name") or f"Webhook created on {now:%b %d, %Y @ %I:%M %p}",
        topic=topic if is_valid_topic(topic) else "",
        delivery_url=str(params["delivery_url"]),
        secret=params.get("secret") or "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(50)),
        created=now,
    )
    store.webhooks[webhook.id] = webhook
    return webhook


def update_webhook(store: SandboxStore, webhook: Webhook, params: dict[str, Any]) -> bool:
    """Apply a PUT body and save; tell whether the save must ping."""
    if params.get("topic"):
        check_topic(params["topic"], "Webhook topic must be valid.")
        webhook.topic = str(params["topic"]) if is_valid_topic(str(params["topic"])) else ""
    url_changed = False
    if params.get("delivery_url"):
        check_delivery_url(params["delivery_url"])
        url_changed = str(params["delivery_url"]) != webhook.delivery_url
        webhook.delivery_url = str(params["delivery_url"])
    if params.get("secret"):
        webhook.secret = str(params["secret"])
    if params.get("status"):
        webhook.status = str(params["status"])
    if params.get("name"):
        webhook.name = str(params["name"])
    webhook.modified = store.clock.now()
    return webhook.status == "active" and (url_changed or webhook.pending_delivery)
