"""Records rendered as WooCommerce 9.9.5's REST JSON, keys in the observed order.

Money is a string with two decimals, per-line taxes print as PHP floats,
`line_items[].price` is a number, dates come in site time and GMT without an
offset, and every object carries `_links` to itself and its collection.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandboxes.woocommerce.clock import gmt
from sandboxes.woocommerce.consts import NAMESPACE, REST_PREFIX, WC_VERSION
from sandboxes.woocommerce.models import (
    Coupon,
    LineItem,
    Meta,
    Note,
    Order,
    Refund,
    ShippingLine,
    TaxLine,
    Webhook,
)
from sandboxes.woocommerce.money import money, php_number, plain
from sandboxes.woocommerce.topics import event_of, hooks_of, resource_of

if TYPE_CHECKING:
    from sandboxes.woocommerce.store import SandboxStore

ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
EDITABLE_STATUSES = ("pending", "on-hold", "auto-draft")
PAYABLE_STATUSES = ("pending", "failed", "checkout-draft")


def rest_url(base: str, path: str) -> str:
    """Return the absolute URL of a wc/v3 route under `base` (the site URL)."""
    return f"{base}{REST_PREFIX}/{NAMESPACE}/{path}"


def _links(base: str, path: str, collection: str, allow: list[str], **more: str) -> dict:
    links: dict[str, Any] = {
        "self": [{"href": rest_url(base, path), "targetHints": {"allow": allow}}],
        "collection": [{"href": rest_url(base, collection)}],
    }
    for name, target in more.items():
        links[name] = [{"href": rest_url(base, target)}]
    return links


def meta_json(rows: list[Meta]) -> list[dict[str, Any]]:
    """Render object-level meta_data."""
    return [{"id": row.id, "key": row.key, "value": row.value} for row in rows]


def item_meta_json(rows: list[Meta]) -> list[dict[str, Any]]:
    """Render order-item meta_data, which adds display_key and display_value."""
    return [
        {
            "id": row.id,
            "key": row.key,
            "value": row.value,
            "display_key": row.key,
            "display_value": row.value,
        }
        for row in rows
    ]


def line_item_json(item: LineItem) -> dict[str, Any]:
    """Render a product line (of an order or a refund)."""
    tax_total = sum((total for total, _ in item.taxes.values()), Decimal(0))
    tax_subtotal = sum((subtotal for _, subtotal in item.taxes.values()), Decimal(0))
    return {
        "id": item.id,
        "name": item.name,
        "product_id": item.product_id,
        "variation_id": item.variation_id,
        "quantity": item.quantity,
        "tax_class": item.tax_class,
        "subtotal": money(item.subtotal),
        "subtotal_tax": money(tax_subtotal),
        "total": money(item.total),
        "total_tax": money(tax_total),
        "taxes": [
            {"id": rate, "total": plain(total), "subtotal": plain(subtotal)}
            for rate, (total, subtotal) in item.taxes.items()
        ],
        "meta_data": item_meta_json(item.meta),
        "sku": item.sku,
        "price": php_number(item.total / item.quantity) if item.quantity else 0,
        "image": {"id": "", "src": ""},
        "parent_name": None,
    }


def shipping_line_json(line: ShippingLine) -> dict[str, Any]:
    """Render a shipping line; its taxes have no subtotal ("")."""
    return {
        "id": line.id,
        "method_title": line.method_title,
        "method_id": line.method_id,
        "instance_id": line.instance_id,
        "total": money(line.total),
        "total_tax": money(sum(line.taxes.values(), Decimal(0))),
        "taxes": [
            {"id": rate, "total": plain(tax), "subtotal": ""} for rate, tax in line.taxes.items()
        ],
        "tax_status": line.tax_status,
        "meta_data": item_meta_json(line.meta),
    }


def tax_line_json(store: SandboxStore, line: TaxLine) -> dict[str, Any]:
    """Render the per-rate tax summary."""
    rate = store.tax_rate
    return {
        "id": line.id,
        "rate_code": rate.code,
        "rate_id": line.rate_id,
        "label": rate.label,
        "compound": rate.compound,
        "tax_total": money(line.tax_total),
        "shipping_tax_total": money(line.shipping_tax_total),
        "rate_percent": php_number(rate.percent),
        "meta_data": [],
    }


def order_json(store: SandboxStore, order: Order, base: str) -> dict[str, Any]:
    """Render an order as GET /orders/{id} (and its webhook payload) shows it."""
    clock, totals = store.clock, order.totals
    data: dict[str, Any] = {
        "id": order.id,
        "parent_id": order.parent_id,
        "status": order.status,
        "currency": order.currency,
        "version": WC_VERSION,
        "prices_include_tax": False,
        "date_created": clock.local(order.created),
        "date_modified": clock.local(order.modified),
    }
    for key in ("discount_total", "discount_tax", "shipping_total", "shipping_tax", "cart_tax"):
        data[key] = money(totals.get(key, 0))
    data |= {
        "total": money(totals.get("total", 0)),
        "total_tax": money(totals.get("total_tax", 0)),
        "customer_id": order.customer_id,
        "order_key": order.order_key,
        "billing": dict(order.billing),
        "shipping": dict(order.shipping),
        "payment_method": order.payment_method,
        "payment_method_title": order.payment_method_title,
        "transaction_id": order.transaction_id,
        "customer_ip_address": "",
        "customer_user_agent": "",
        "created_via": order.created_via,
        "customer_note": order.customer_note,
        "date_completed": clock.local(order.completed),
        "date_paid": clock.local(order.paid),
        "cart_hash": "",
        "number": str(order.id),
        "meta_data": meta_json(order.meta),
        "line_items": [line_item_json(item) for item in order.line_items],
        "tax_lines": [tax_line_json(store, line) for line in order.tax_lines],
        "shipping_lines": [shipping_line_json(line) for line in order.shipping_lines],
        "fee_lines": [],
        "coupon_lines": [],
        "refunds": [_refund_summary(refund) for refund in refunds_of(store, order)],
    }
    return data | _order_tail(store, order, base)


def _order_tail(store: SandboxStore, order: Order, base: str) -> dict[str, Any]:
    more = {"customer": f"customers/{order.customer_id}"} if order.customer_id else {}
    links = _links(base, f"orders/{order.id}", "orders", ALL_METHODS, **more)
    links["email_templates"] = [
        {"embeddable": True, "href": rest_url(base, f"orders/{order.id}/actions/email_templates")}
    ]
    return {
        "payment_url": (
            f"{base}/checkout/order-pay/{order.id}/?pay_for_order=true&key={order.order_key}"
        ),
        "is_editable": order.status in EDITABLE_STATUSES,
        "needs_payment": order.status in PAYABLE_STATUSES and order.totals.get("total", 0) > 0,
        "needs_processing": needs_processing(store, order),
        "date_created_gmt": gmt(order.created),
        "date_modified_gmt": gmt(order.modified),
        "date_completed_gmt": gmt(order.completed),
        "date_paid_gmt": gmt(order.paid),
        "currency_symbol": store.currency_symbol,
        "_links": links,
    }


def needs_processing(store: SandboxStore, order: Order) -> bool:
    """Tell whether any line is a product that is not virtual and downloadable."""
    for item in order.line_items:
        product = store.products.get(item.product_id)
        if product is not None and not product.virtual_and_downloadable:
            return True
    return False


def refunds_of(store: SandboxStore, order: Order) -> list[Refund]:
    """Return the order's refunds newest first (same second: oldest id first, OBSERVED)."""
    refunds = [store.refunds[refund_id] for refund_id in order.refund_ids]
    return sorted(refunds, key=lambda refund: (-refund.created.timestamp(), refund.id))


def _refund_summary(refund: Refund) -> dict[str, Any]:
    return {"id": refund.id, "reason": refund.reason, "total": "-" + money(refund.amount)}


def refund_json(
    store: SandboxStore, refund: Refund, base: str, *, with_parent: bool = False
) -> dict[str, Any]:
    """Render a refund; /refunds adds `parent_id` after `id`."""
    data: dict[str, Any] = {"id": refund.id}
    if with_parent:
        data["parent_id"] = refund.order_id
    collection = f"orders/{refund.order_id}/refunds"
    return data | {
        "date_created": store.clock.local(refund.created),
        "date_created_gmt": gmt(refund.created),
        "amount": money(refund.amount),
        "reason": refund.reason,
        "refunded_by": refund.refunded_by,
        "refunded_payment": refund.refunded_payment,
        "meta_data": meta_json(refund.meta),
        "line_items": [line_item_json(item) for item in refund.line_items],
        "shipping_lines": [shipping_line_json(line) for line in refund.shipping_lines],
        "tax_lines": [tax_line_json(store, line) for line in refund.tax_lines],
        "fee_lines": [],
        "_links": _links(
            base,
            f"{collection}/{refund.id}",
            collection,
            ["GET", "DELETE"],
            up=f"orders/{refund.order_id}",
        ),
    }


def note_json(store: SandboxStore, note: Note, base: str) -> dict[str, Any]:
    """Render an order note."""
    collection = f"orders/{note.order_id}/notes"
    return {
        "id": note.id,
        "author": note.author,
        "date_created": store.clock.local(note.created),
        "date_created_gmt": gmt(note.created),
        "note": note.note,
        "customer_note": note.customer_note,
        "_links": _links(
            base,
            f"{collection}/{note.id}",
            collection,
            ["GET", "DELETE"],
            up=f"orders/{note.order_id}",
        ),
    }


def coupon_json(store: SandboxStore, coupon: Coupon, base: str) -> dict[str, Any]:
    """Render a coupon."""
    clock = store.clock
    return {
        "id": coupon.id,
        "code": coupon.code,
        "amount": money(coupon.amount),
        "status": coupon.status,
        "date_created": clock.local(coupon.created),
        "date_created_gmt": gmt(coupon.created),
        "date_modified": clock.local(coupon.modified),
        "date_modified_gmt": gmt(coupon.modified),
        "discount_type": coupon.discount_type,
        "description": coupon.description,
        "date_expires": clock.local(coupon.expires),
        "date_expires_gmt": gmt(coupon.expires),
        "usage_count": 0,
        "individual_use": coupon.individual_use,
        "product_ids": list(coupon.product_ids),
        "excluded_product_ids": list(coupon.excluded_product_ids),
        "usage_limit": coupon.usage_limit,
        "usage_limit_per_user": coupon.usage_limit_per_user,
        "limit_usage_to_x_items": coupon.limit_usage_to_x_items,
        "free_shipping": coupon.free_shipping,
        "product_categories": list(coupon.product_categories),
        "excluded_product_categories": list(coupon.excluded_product_categories),
        "exclude_sale_items": coupon.exclude_sale_items,
        "minimum_amount": money(coupon.minimum_amount),
        "maximum_amount": money(coupon.maximum_amount),
        "email_restrictions": list(coupon.email_restrictions),
        "used_by": [],
        "meta_data": meta_json(coupon.meta),
        "_links": _links(base, f"coupons/{coupon.id}", "coupons", ALL_METHODS),
    }


def webhook_json(store: SandboxStore, webhook: Webhook, base: str) -> dict[str, Any]:
    """Render a webhook; the secret is write-only and never shown."""
    clock = store.clock
    return {
        "id": webhook.id,
        "name": webhook.name,
        "status": webhook.status,
        "topic": webhook.topic,
        "resource": resource_of(webhook.topic),
        "event": event_of(webhook.topic),
        "hooks": list(hooks_of(webhook.topic)),
        "delivery_url": webhook.delivery_url,
        "date_created": clock.local(webhook.created),
        "date_created_gmt": gmt(webhook.created),
        "date_modified": clock.local(webhook.modified),
        "date_modified_gmt": gmt(webhook.modified),
        "_links": _links(base, f"webhooks/{webhook.id}", "webhooks", ALL_METHODS),
    }
