"""The store's webhooks to Amends: created on connect, re-enabled when WooCommerce disables them.

WooCommerce never retries a delivery and disables a webhook after a run of
failures (woocommerce.md §1.5), so Amends checks them periodically and
reconciles the orders changed while they were down.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.woocommerce.client import WooClient
from connectors.woocommerce.consts import SUBSCRIBED_TOPICS


@dataclass
class SubscriptionReport:
    """What `ensure_webhooks` found and did, by webhook id."""

    created: list[int] = field(default_factory=list)
    reactivated: list[int] = field(default_factory=list)
    active: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Tell whether any webhook had to be created or re-enabled."""
        return bool(self.created or self.reactivated)


def ensure_webhooks(
    client: WooClient, delivery_url: str, secret: str, *, reset_secret: bool = False
) -> SubscriptionReport:
    """Make one active webhook per subscribed topic point at `delivery_url`.

    Safe to repeat: existing webhooks are reused. The secret is write-only in
    WooCommerce, so on (re)connect `reset_secret` sends ours to the ones found.
    """
    report = SubscriptionReport()
    ours = [
        hook
        for hook in client.paginate("webhooks", {"status": "all"})
        if hook.get("delivery_url") == delivery_url
    ]
    by_topic: dict[str, dict[str, Any]] = {}
    for hook in ours:
        by_topic.setdefault(hook["topic"], hook)
    for topic in sorted(SUBSCRIBED_TOPICS):
        hook = by_topic.get(topic)
        if hook is None:
            report.created.append(_create(client, topic, delivery_url, secret))
        elif hook["status"] != "active" or reset_secret:
            client.put(f"webhooks/{hook['id']}", {"status": "active", "secret": secret})
            (report.reactivated if hook["status"] != "active" else report.active).append(hook["id"])
        else:
            report.active.append(hook["id"])
    return report


def _create(client: WooClient, topic: str, delivery_url: str, secret: str) -> int:
    hook = client.post(
        "webhooks",
        {"name": f"Amends {topic}", "topic": topic, "delivery_url": delivery_url, "secret": secret},
    ).json
    return int(hook["id"])


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
