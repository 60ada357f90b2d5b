"""What the simulated store serves by default, written from Shopify's docs, not from Amends."""

# The newest stable Admin API version the store has a schema for and signs deliveries with.
API_VERSION = "2026-10"

# The topics the installed app declares in its app configuration (shopify.app.toml,
# [[webhooks.subscriptions]]): the store delivers these without an API subscription.
APP_CONFIG_TOPICS = (
    "app/uninstalled",
    "customers/data_request",
    "customers/redact",
    "fulfillment_events/create",
    "fulfillments/create",
    "fulfillments/update",
    "orders/cancelled",
    "orders/create",
    "orders/fulfilled",
    "orders/paid",
    "orders/partially_fulfilled",
    "orders/updated",
    "refunds/create",
    "returns/approve",
    "returns/close",
    "returns/decline",
    "returns/request",
    "shop/redact",
)
