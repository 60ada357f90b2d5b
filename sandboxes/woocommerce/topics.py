"""Webhook topics: which are valid and which PHP hooks each one listens to.

The map is WooCommerce 9.9.5's (OBSERVED: `order.updated` listens to
`woocommerce_update_order` and `woocommerce_order_refunded` only; 11.2 adds
`woocommerce_delete_order_refund`). An `action.<hook>` topic listens to that
one hook when its name starts with `woocommerce_` or `wc_`.
"""

from __future__ import annotations

TOPIC_HOOKS: dict[str, tuple[str, ...]] = {
    "coupon.created": ("woocommerce_process_shop_coupon_meta", "woocommerce_new_coupon"),
    "coupon.updated": ("woocommerce_process_shop_coupon_meta", "woocommerce_update_coupon"),
    "coupon.deleted": ("wp_trash_post",),
    "coupon.restored": ("untrashed_post",),
    "customer.created": (
        "user_register",
        "woocommerce_created_customer",
        "woocommerce_new_customer",
    ),
    "customer.updated": ("profile_update", "woocommerce_update_customer"),
    "customer.deleted": ("delete_user",),
    "order.created": ("woocommerce_new_order",),
    "order.updated": ("woocommerce_update_order", "woocommerce_order_refunded"),
    "order.deleted": ("wp_trash_post", "woocommerce_trash_order"),
    "order.restored": ("untrashed_post", "woocommerce_untrash_order"),
    "product.created": (
        "woocommerce_process_product_meta",
        "woocommerce_new_product",
        "woocommerce_new_product_variation",
    ),
    "product.updated": (
        "woocommerce_process_product_meta",
        "woocommerce_update_product",
        "woocommerce_update_product_variation",
    ),
    "product.deleted": ("wp_trash_post",),
    "product.restored": ("untrashed_post",),
}

BLOCKED_TOPICS = frozenset(
    {
        "action.woocommerce_login_credentials",
        "action.woocommerce_product_csv_importer_check_import_file_path",
        "action.woocommerce_webhook_should_deliver",
    }
)
RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")


def is_valid_topic(topic: str) -> bool:
    """Tell whether WooCommerce accepts `topic` (wc_is_webhook_valid_topic)."""
    if topic in BLOCKED_TOPICS:
        return False
    if topic.startswith(("action.woocommerce_", "action.wc_")):
        return True
    parts = topic.split(".")
    return len(parts) >= 2 and parts[0] in RESOURCES and parts[1] in EVENTS


def resource_of(topic: str) -> str:
    """Return the part before the dot (`order`, `action`...)."""
    return topic.split(".", 1)[0] if topic else ""


def event_of(topic: str) -> str:
    """Return the part after the dot (`created`, or the hook of an action topic)."""
    parts = topic.split(".", 1)
    return parts[1] if len(parts) == 2 else ""


def hooks_of(topic: str) -> tuple[str, ...]:
    """Return the PHP hooks a webhook on `topic` listens to."""
    if resource_of(topic) == "action":
        return (event_of(topic),)
    return TOPIC_HOOKS.get(topic, ())
