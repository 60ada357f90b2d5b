"""Webhook subscriptions: the app's own (shopify.app.toml) and the shop's (Admin API).

App-specific subscriptions are declared once for every shop and are never removed
for failing; shop-specific ones are created through `webhookSubscriptionCreate`, are
the only ones `webhookSubscriptions` lists, and are deleted after 8 consecutive
failed deliveries (platforms/shopify.md §1.4, §1.7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandboxes.shopify.formats import gid

COMPLIANCE_TOPICS = frozenset({"customers/data_request", "customers/redact", "shop/redact"})

# WebhookSubscriptionTopic values whose resource name itself has an underscore, so the
# generic rule (first underscore becomes the slash) would split them wrongly.
_MULTIWORD = {
    "FULFILLMENT_EVENTS_CREATE": "fulfillment_events/create",
    "FULFILLMENT_EVENTS_DELETE": "fulfillment_events/delete",
    "ORDERS_PARTIALLY_FULFILLED": "orders/partially_fulfilled",
    "ORDERS_LINK_REQUESTED": "orders/link_requested",
    "APP_SCOPES_UPDATE": "app/scopes_update",
    "DRAFT_ORDERS_CREATE": "draft_orders/create",
    "DRAFT_ORDERS_UPDATE": "draft_orders/update",
    "DRAFT_ORDERS_DELETE": "draft_orders/delete",
    "ORDER_TRANSACTIONS_CREATE": "order_transactions/create",
    "INVENTORY_LEVELS_UPDATE": "inventory_levels/update",
    "INVENTORY_ITEMS_UPDATE": "inventory_items/update",
    "FULFILLMENT_ORDERS_MOVED": "fulfillment_orders/moved",
}


def topic_of(enum_value: str) -> str:
    """Return the X-Shopify-Topic spelling of a WebhookSubscriptionTopic value."""
    if enum_value in _MULTIWORD:
        return _MULTIWORD[enum_value]
    resource, _, action = enum_value.lower().partition("_")
    return f"{resource}/{action}"


def enum_of(topic: str) -> str:
    """Return the WebhookSubscriptionTopic value of a topic string."""
    return topic.replace("/", "_").upper()


@dataclass
class Subscription:
    """Where deliveries of some topics go, and how that address has been doing."""

    id: int
    topics: frozenset[str]
    uri: str
    api_version: str
    app_level: bool
    created_at: str
    updated_at: str
    filter: str | None = None
    include_fields: tuple[str, ...] = ()
    name: str | None = None
    consecutive_failures: int = 0
    enum: str | None = None

    def render(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Return the payload as this subscription receives it (`includeFields` applied)."""
        if not self.include_fields:
            return payload
        return {key: payload[key] for key in self.include_fields if key in payload}

    def view(self) -> dict[str, Any]:
        """Return the GraphQL WebhookSubscription object."""
        return {
            "id": gid("WebhookSubscription", self.id),
            "legacyResourceId": str(self.id),
            "topic": self.enum,
            "uri": self.uri,
            "callbackUrl": self.uri,
            "filter": self.filter,
            "includeFields": list(self.include_fields),
            "metafieldNamespaces": [],
            "name": self.name,
            "format": "JSON",
            "apiVersion": {
                "handle": self.api_version,
                "displayName": self.api_version,
                "supported": True,
            },
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }


@dataclass
class SubscriptionBook:
    """All subscriptions of the store (not thread-safe: the webhook hub guards it)."""

    subscriptions: dict[int, Subscription] = field(default_factory=dict)

    def add(self, subscription: Subscription) -> Subscription:
        """Register a subscription."""
        self.subscriptions[subscription.id] = subscription
        return subscription

    def remove(self, subscription_id: int) -> Subscription | None:
        """Forget a subscription; return it, or None if unknown."""
        return self.subscriptions.pop(subscription_id, None)

    def for_topic(self, topic: str) -> list[Subscription]:
        """Return the subscriptions that receive `topic`."""
        return [s for s in self.subscriptions.values() if topic in s.topics]

    def shop_level(self) -> list[Subscription]:
        """Return the subscriptions created through the Admin API, oldest first."""
        return sorted(
            (s for s in self.subscriptions.values() if not s.app_level), key=lambda s: s.id
        )
