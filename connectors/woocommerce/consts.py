"""WooCommerce facts the connector relies on (wc:includes/class-wc-webhook.php)."""

import re

PLATFORM = "woocommerce"
API_PATH = "wc/v3"

SIGNATURE_HEADER = "X-WC-Webhook-Signature"
TOPIC_HEADER = "X-WC-Webhook-Topic"
SOURCE_HEADER = "X-WC-Webhook-Source"
WEBHOOK_ID_HEADER = "X-WC-Webhook-ID"
DELIVERY_ID_HEADER = "X-WC-Webhook-Delivery-ID"
KEPT_HEADERS = (
    SOURCE_HEADER,
    TOPIC_HEADER,
    "X-WC-Webhook-Resource",
    "X-WC-Webhook-Event",
    WEBHOOK_ID_HEADER,
    DELIVERY_ID_HEADER,
)

# The ping WooCommerce posts when a webhook is created: form-encoded, unsigned.
PING_BODY = re.compile(rb"^webhook_id=\d+$")

RESTORED_TOPIC = "order.restored"
ORDER_TOPICS = frozenset({"order.created", "order.updated", RESTORED_TOPIC})
# Sent when an order is trashed (a permanent delete sends nothing): `{"id": N}` only.
DELETED_TOPIC = "order.deleted"
SUBSCRIBED_TOPICS = ORDER_TOPICS | {DELETED_TOPIC, "action.woocommerce_order_refunded"}

# Orders WooCommerce still delivers but that are not orders yet (block checkout drafts).
IGNORED_STATUSES = frozenset({"checkout-draft", "draft", "auto-draft"})

# Not a WooCommerce topic: the inbox topic of a past order a backfill read.
BACKFILLED_ORDER_TOPIC = "amends/order_backfilled"
