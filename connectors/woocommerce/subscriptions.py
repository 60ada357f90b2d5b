"""The store's webhooks to Amends: created on connect, re-enabled when WooCommerce disables them.

WooCommerce never retries a delivery and disables a webhook after a run of
failures (woocommerce.md §1.5), so Amends checks them periodically and
reconciles the orders changed while they were down.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connectors.woocommerce.client import WooClient
from connectors.woocommerce.consts import SUBSCRIBED_TOPICS
from plugin.errors import PlatformRejected, PlatformUnauthorized
from plugin.platforms import SubscriptionReport


def ensure_webhooks(
    client: WooClient, delivery_url: str, secret: str, *, reset_secret: bool = False
) -> SubscriptionReport:
    """Make one active webhook per subscribed topic point at `delivery_url`.

    Safe to repeat: existing webhooks are reused. The secret is write-only in
    WooCommerce, so `reset_secret` sends ours to the ones found (on reconnect, or
    while the store may still sign with a previous one). A topic the store refuses
    to repair is reported with the reason; refused credentials stop the upkeep.
    """
    by_topic: dict[str, dict[str, Any]] = {}
    for hook in client.paginate("webhooks", {"status": "all"}):
        if hook.get("delivery_url") == delivery_url:
            by_topic.setdefault(hook["topic"], hook)
    found: dict[str, list[str]] = {
        "active": [],
        "created": [],
        "reactivated": [],
        "missing": [],
        "disabled": [],
        "errors": [],
    }
    for topic in sorted(SUBSCRIBED_TOPICS):
        hook = by_topic.get(topic)
        try:
            found[_repair(client, topic, hook, delivery_url, secret, reset_secret)].append(topic)
        except PlatformUnauthorized:
            raise
        except PlatformRejected as error:
            stopped = hook is None or hook["status"] != "active"
            if stopped:
                found["missing" if hook is None else "disabled"].append(topic)
            found["errors"].append(f"{topic}: {error}")
    return SubscriptionReport(**{name: tuple(values) for name, values in found.items()})


def _repair(
    client: WooClient,
    topic: str,
    hook: dict[str, Any] | None,
    delivery_url: str,
    secret: str,
    reset_secret: bool,
) -> str:
    """Bring one topic's webhook into place; return what it was (a report's field name)."""
    if hook is None:
        client.post(
            "webhooks",
            {
                "name": f"Amends {topic}",
                "topic": topic,
                "delivery_url": delivery_url,
                "secret": secret,
            },
        )
        return "created"
    stopped = hook["status"] != "active"
    if stopped or reset_secret:
        client.put(f"webhooks/{hook['id']}", {"status": "active", "secret": secret})
    return "reactivated" if stopped else "active"


def orders_modified_since(client: WooClient, since: datetime) -> list[dict[str, Any]]:
    """Return every order modified after `since` (UTC), oldest first, then the trashed ones.

    `status=any` leaves the trash out (it short-circuits to WordPress's "any"), so
    orders trashed since are asked for apart; trashing sets their modification time.
    """
    params = {
        "modified_after": since.strftime("%Y-%m-%dT%H:%M:%S"),
        "dates_are_gmt": "true",
        "orderby": "date",
        "order": "asc",
    }
    return [
        *client.paginate("orders", params),
        *client.paginate("orders", {**params, "status": "trash"}),
    ]
