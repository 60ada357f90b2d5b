"""Shopify facts the connector relies on (see shopify.dev/docs/apps/build/webhooks)."""

import re

PLATFORM = "shopify"
API_VERSION = "2026-10"
# What the app asks a shop for (the same list as shopify.app.toml's [access_scopes]).
SCOPES = "read_orders,write_orders,read_fulfillments,read_returns,write_discounts,read_customers"

# Header names as Shopify documents them; deliveries over HTTP/2 arrive lowercased and
# the newer Events mechanism drops the X- prefix, so both spellings are read.
HMAC_HEADER = ("X-Shopify-Hmac-Sha256", "Shopify-Hmac-Sha256")
TOPIC_HEADER = ("X-Shopify-Topic", "Shopify-Topic")
SHOP_HEADER = ("X-Shopify-Shop-Domain", "Shopify-Shop-Domain")
WEBHOOK_ID_HEADER = ("X-Shopify-Webhook-Id", "Shopify-Webhook-Id")
EVENT_ID_HEADER = ("X-Shopify-Event-Id", "Shopify-Event-Id")
TRIGGERED_AT_HEADER = ("X-Shopify-Triggered-At", "Shopify-Triggered-At")
API_VERSION_HEADER = ("X-Shopify-API-Version", "Shopify-API-Version")

SHOP_DOMAIN = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9\-]*\.myshopify\.com$")

ORDER_TOPICS = frozenset(
    {
        "orders/create",
        "orders/updated",
        "orders/paid",
        "orders/fulfilled",
        "orders/partially_fulfilled",
        "orders/cancelled",
    }
)
RETURN_TOPICS = frozenset(
    {"returns/request", "returns/approve", "returns/decline", "returns/close"}
)
FULFILLMENT_TOPICS = frozenset(
    {"fulfillments/create", "fulfillments/update", "fulfillment_events/create"}
)
LIFECYCLE_TOPICS = frozenset(
    {"app/uninstalled", "customers/data_request", "customers/redact", "shop/redact"}
)
# Everything the app subscribes to: the inbox keeps these, and acknowledges and drops
# any other topic.
SUBSCRIBED_TOPICS = (
    ORDER_TOPICS | RETURN_TOPICS | FULFILLMENT_TOPICS | LIFECYCLE_TOPICS | {"refunds/create"}
)

# GraphQL ReturnReason values, lowercased as in webhooks, to the canonical reasons.
# DEFECTIVE "Damaged or defective" says not which: the customer's words may (normalize).
RETURN_REASONS = {
    "defective": "defective",
    "wrong_item": "wrong_item",
    "not_as_described": "not_as_described",
    "size_too_large": "size_too_large",
    "size_too_small": "size_too_small",
    "unwanted": "unwanted",
    "style": "style",
    "color": "colour",
    "other": "other",
    "unknown": "unknown",
}
