"""The shop's webhook subscriptions made through the Admin API, kept in place.

Shopify deletes a subscription made through the API after 8 consecutive failed
deliveries (about 4 hours of retries); the ones shopify.app.toml declares are never
deleted and are not listed by the API (shopify.md §1.4, §1.7). So the upkeep lists
the shop's subscriptions and creates again the ones of `topics` that are gone.
Compliance topics cannot be subscribed through the API at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from connectors.shopify.client import GraphQL
from connectors.shopify.operations import document
from plugin.platforms import SubscriptionReport


def topic_enum(topic: str) -> str:
    """Return the WebhookSubscriptionTopic value of a topic (orders/create -> ORDERS_CREATE)."""
    return topic.upper().replace("/", "_")


def listed(client: GraphQL) -> set[tuple[str, str]]:
    """Return (topic enum, uri) of every shop-specific subscription, across pages."""
    existing: set[tuple[str, str]] = set()
    cursor = None
    while True:
        page = client.execute(
            document("AmendsWebhookSubscriptions"), {"first": 100, "after": cursor}
        )["webhookSubscriptions"]
        existing |= {(node["topic"], node["uri"]) for node in page["nodes"]}
        if not page["pageInfo"]["hasNextPage"]:
            return existing
        cursor = page["pageInfo"]["endCursor"]


def ensure_subscriptions(client: GraphQL, uri: str, topics: Iterable[str]) -> SubscriptionReport:
    """Subscribe the shop to each of `topics` at `uri` that it lacks; report what was done."""
    existing = listed(client)
    active, created, missing, errors = [], [], [], []
    for topic in sorted(topics):
        if (topic_enum(topic), uri) in existing:
            active.append(topic)
            continue
        payload = client.execute(
            document("AmendsWebhookSubscriptionCreate"),
            {"topic": topic_enum(topic), "sub": {"uri": uri}},
        )["webhookSubscriptionCreate"]
        if payload.get("userErrors"):
            missing.append(topic)
            errors.append(f"{topic}: {_describe(payload['userErrors'])}")
        else:
            created.append(topic)
    return SubscriptionReport(
        active=tuple(active), created=tuple(created), missing=tuple(missing), errors=tuple(errors)
    )


def _describe(errors: list[dict[str, Any]]) -> str:
    return "; ".join(str(error.get("message")) for error in errors)
