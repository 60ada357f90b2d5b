"""Orders: creation from a REST body, totals and taxes, status transitions, trash.

Follows WC_REST_Orders_V2_Controller::save_object and WC_Order: a new order
starts `pending`; setting another status is a transition (note, hooks, paid and
completed dates); `set_paid` runs payment_complete() after the first save.
"""

from __future__ import annotations

import copy
import secrets
import string
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandboxes.woocommerce.models import LineItem, Order, ShippingLine, TaxLine
from sandboxes.woocommerce.money import round_money, to_decimal
from sandboxes.woocommerce.notes import add_note
from sandboxes.woocommerce.rest import wp_error
from sandboxes.woocommerce.serializers import needs_processing

if TYPE_CHECKING:
    from sandboxes.woocommerce.store import SandboxStore

BILLING_KEYS = (
    "first_name", "last_name", "company", "address_1", "address_2",
    "city", "state", "postcode", "country", "email", "phone",
)  # fmt: skip
SHIPPING_KEYS = tuple(key for key in BILLING_KEYS if key != "email")
SCALAR_FIELDS = ("payment_method", "payment_method_title", "transaction_id", "customer_note")
PAID_STATUSES = ("processing", "completed")
PAYMENT_COMPLETE_FROM = ("on-hold", "pending", "failed", "cancelled")
NEEDS_PAYMENT = ("pending", "failed")
CUSTOMER_EMAILS = {
    "processing": "customer_processing_order",
    "completed": "customer_completed_order",
    "on-hold": "customer_on_hold_order",
}


def create_order(store: SandboxStore, params: dict[str, Any]) -> Order:
    """Create an order from a POST /orders body and fire its hooks."""
    now = store.clock.now()
    order = Order(
        id=0,
        status="pending",
        order_key="wc_order_" + _random(13),
        created=now,
        modified=now,
        billing=dict.fromkeys(BILLING_KEYS, ""),
        shipping=dict.fromkeys(SHIPPING_KEYS, ""),
        currency=params.get("currency") or store.currency,
    )
    _apply_fields(store, order, params)
    lines = [_line_item(store, posted) for posted in params.get("line_items") or []]
    shipping = [_shipping_line(store, posted) for posted in params.get("shipping_lines") or []]
    order.id = store.next_post_id()
    _assign_ids(store, lines, shipping)
    order.line_items, order.shipping_lines = lines, shipping
    calculate_totals(store, order)
    hooks = set_status(store, order, params["status"]) if params.get("status") else []
    store.orders[order.id] = order
    store.fire("woocommerce_new_order", order.id)
    _fire_all(store, hooks, order.id)
    if params.get("set_paid") is True:
        payment_complete(store, order, params.get("transaction_id") or "")
    return order


def update_order(store: SandboxStore, order: Order, params: dict[str, Any]) -> Order:
    """Apply a PUT /orders/{id} body, save, and fire woocommerce_update_order.

    The changes are made on a copy first: a refused line leaves the order as it was.
    """
    draft = copy.deepcopy(order)
    _apply_fields(store, draft, params)
    _update_lines(store, draft, params)
    if any(key in params for key in ("billing", "shipping", "line_items", "shipping_lines")):
        calculate_totals(store, draft)
    order.__dict__.update(draft.__dict__)
    hooks = set_status(store, order, params["status"]) if params.get("status") else []
    order.modified = store.clock.now()
    store.fire("woocommerce_update_order", order.id)
    _fire_all(store, hooks, order.id)
    if params.get("set_paid") is True and _needs_payment(order):
        payment_complete(store, order, params.get("transaction_id") or "")
    return order


def _apply_fields(store: SandboxStore, order: Order, params: dict[str, Any]) -> None:
    for key in SCALAR_FIELDS:
        if params.get(key) is not None:
            setattr(order, key, str(params[key]))
    for key in ("customer_id", "parent_id"):
        if params.get(key) is not None:
            setattr(order, key, int(params[key]))
    for address, keys in (("billing", BILLING_KEYS), ("shipping", SHIPPING_KEYS)):
        posted = params.get(address)
        if isinstance(posted, dict):
            target = getattr(order, address)
            target.update({key: str(posted[key]) for key in keys if posted.get(key) is not None})
    if isinstance(params.get("meta_data"), list):
        store.update_meta(order.meta, params["meta_data"])


def _random(length: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _product_id(posted: dict[str, Any], store: SandboxStore, creating: bool) -> int:
    """Pick the product as get_product_id does: sku, then product_id, then variation_id."""
    if posted.get("sku"):
        found = [p.id for p in store.products.values() if p.sku == posted["sku"]]
        return found[0] if found else 0
    if posted.get("product_id") and not posted.get("variation_id"):
        return _integer(posted["product_id"], "product_id")
    if posted.get("variation_id"):
        return _integer(posted["variation_id"], "variation_id")
    if not creating:
        return 0
    raise wp_error(
        "woocommerce_rest_required_product_reference", "Product ID or SKU is required.", 400
    )


def _integer(value: Any, name: str) -> int:
    """Read an integer item field, refusing junk as the REST schema does."""
    try:
        return int(str(value))
    except ValueError:
        message = f"line_items[{name}] is not of type integer."
        raise wp_error(
            "rest_invalid_param",
            "Invalid parameter(s): line_items",
            400,
            params={"line_items": message},
        ) from None


def _line_item(
    store: SandboxStore, posted: dict[str, Any], item: LineItem | None = None
) -> LineItem:
    """Build or update a product line; an unknown product leaves an empty line, as WooCommerce."""
    product = store.products.get(_product_id(posted, store, item is None))
    quantity = _integer(posted.get("quantity") or (item.quantity if item else 1), "quantity")
    if item is None:
        item = LineItem(0, "", 0, 0, quantity, Decimal(0), Decimal(0))
    if product is not None and product.id != item.product_id:
        price = product.price * quantity
        item.name, item.product_id, item.sku = product.name, product.id, product.sku
        item.subtotal = item.total = price
    item.quantity = quantity
    if posted.get("name") is not None:
        item.name = str(posted["name"])
    for key in ("subtotal", "total"):
        if posted.get(key) is not None:
            setattr(item, key, to_decimal(posted[key]))
    if isinstance(posted.get("meta_data"), list):
        store.update_meta(item.meta, posted["meta_data"])
    return item


def _shipping_line(
    store: SandboxStore, posted: dict[str, Any], line: ShippingLine | None = None
) -> ShippingLine:
    if line is None:
        if not posted.get("method_id"):
            raise wp_error(
                "woocommerce_rest_invalid_shipping_item", "Shipping method ID is required.", 400
            )
        line = ShippingLine(0, "", "", "", Decimal(0))
    for key in ("method_title", "method_id", "instance_id"):
        if posted.get(key) is not None:
            setattr(line, key, str(posted[key]))
    if posted.get("total") is not None:
        line.total = to_decimal(posted["total"])
    if isinstance(posted.get("meta_data"), list):
        store.update_meta(line.meta, posted["meta_data"])
    return line


def _assign_ids(store: SandboxStore, lines: list[LineItem], shipping: list[ShippingLine]) -> None:
    for item in [*lines, *shipping]:
        if not item.id:
            item.id = store.next_item_id()


def _update_lines(store: SandboxStore, order: Order, params: dict[str, Any]) -> None:
    """Update lines by id, add new ones, remove those posted with only nulls or zeros."""
    kinds = (
        ("line_items", _line_item, order.line_items),
        ("shipping_lines", _shipping_line, order.shipping_lines),
    )
    for key, build, items in kinds:
        for posted in params.get(key) or []:
            if not isinstance(posted, dict):
                continue
            existing = next((item for item in items if item.id == posted.get("id")), None)
            if _null_or_zero(posted):
                items[:] = [item for item in items if item is not existing]
            elif posted.get("id") and existing is None:
                raise wp_error(
                    "woocommerce_rest_invalid_item_id",
                    "Order item ID provided is not associated with order.",
                    400,
                )
            elif existing is not None:
                build(store, posted, existing)
            else:
                items.append(build(store, posted))
    _assign_ids(store, order.line_items, order.shipping_lines)


def _null_or_zero(posted: dict[str, Any]) -> bool:
    """Tell whether a posted line asks for removal (item_is_null_or_zero)."""
    values = [value for key, value in posted.items() if key != "id"]
    return (
        "id" in posted
        and bool(values)
        and all(value is None or (value == 0 and not isinstance(value, bool)) for value in values)
    )


def calculate_totals(store: SandboxStore, order: Order) -> None:
    """Recompute taxes and totals as WC_Abstract_Order::calculate_totals does.

    Each line's tax is kept unrounded on the line and rounded per line (half
    up) into the order's tax lines and totals ("round at subtotal" off).
    """
    rate = store.tax_rate
    share = rate.percent / 100
    for item in order.line_items:
        item.taxes = {rate.id: (item.total * share, item.subtotal * share)}
    for line in order.shipping_lines:
        line.taxes = {rate.id: line.total * share} if line.tax_status == "taxable" else {}
    cart_tax = sum(
        (round_money(t) for i in order.line_items for t, _ in i.taxes.values()), Decimal(0)
    )
    ship_tax = sum(
        (round_money(t) for s in order.shipping_lines for t in s.taxes.values()), Decimal(0)
    )
    _update_tax_line(store, order, rate.id, cart_tax, ship_tax)
    shipping_total = sum((line.total for line in order.shipping_lines), Decimal(0))
    items_total = sum((item.total for item in order.line_items), Decimal(0))
    discount = sum((item.subtotal - item.total for item in order.line_items), Decimal(0))
    order.totals = {
        "discount_total": discount,
        "discount_tax": discount * share,
        "shipping_total": shipping_total,
        "shipping_tax": ship_tax,
        "cart_tax": cart_tax,
        "total_tax": cart_tax + ship_tax,
        "total": round_money(items_total + shipping_total + cart_tax + ship_tax),
    }


def _update_tax_line(
    store: SandboxStore, order: Order, rate_id: int, cart_tax: Decimal, ship_tax: Decimal
) -> None:
    if not order.line_items and not order.shipping_lines:
        order.tax_lines = []
        return
    line = next((t for t in order.tax_lines if t.rate_id == rate_id), None)
    if line is None:
        line = TaxLine(store.next_item_id(), rate_id, cart_tax, ship_tax)
        order.tax_lines.append(line)
    line.tax_total, line.shipping_tax_total = cart_tax, ship_tax


def set_status(store: SandboxStore, order: Order, status: str) -> list[str]:
    """Move `order` to `status`: note, dates and e-mail now; return the hooks to fire after save."""
    old = order.status
    if status == old:
        return []
    order.status = status
    now = store.clock.now()
    if status in PAID_STATUSES and order.paid is None:
        order.paid = now
    if status == "completed" and order.completed is None:
        order.completed = now
    labels = store.statuses
    text = f"Order status changed from {labels.get(old, old)} to {labels.get(status, status)}."
    add_note(store, order, text)
    if status in CUSTOMER_EMAILS:
        store.send_email(CUSTOMER_EMAILS[status], order)
    return [
        f"woocommerce_order_status_{status}",
        f"woocommerce_order_status_{old}_to_{status}",
        "woocommerce_order_status_changed",
    ]


def payment_complete(store: SandboxStore, order: Order, transaction_id: str) -> None:
    """Mark the order paid as WC_Order::payment_complete does, then save it."""
    if order.status not in PAYMENT_COMPLETE_FROM:
        return
    if transaction_id:
        order.transaction_id = transaction_id
    if order.paid is None:
        order.paid = store.clock.now()
    hooks = set_status(
        store, order, "processing" if needs_processing(store, order) else "completed"
    )
    order.modified = store.clock.now()
    store.fire("woocommerce_update_order", order.id)
    _fire_all(store, [*hooks, "woocommerce_payment_complete"], order.id)


def _needs_payment(order: Order) -> bool:
    return order.status in NEEDS_PAYMENT and order.totals.get("total", 0) > 0


def _fire_all(store: SandboxStore, hooks: list[str], arg: Any) -> None:
    for hook in hooks:
        store.fire(hook, arg)


def trash_order(store: SandboxStore, order: Order) -> None:
    """Move the order to the trash, with the meta its order store keeps for a restore.

    HPOS (OrdersTableDataStore::trash_order) records the status and the time;
    the posts table (wp_trash_post) adds the slug and the notes' statuses (OBSERVED).
    Either way the modification time becomes the trash time.
    """
    now = store.clock.now()
    entries: list[tuple[str, Any]] = [
        ("_wp_trash_meta_status", f"wc-{order.status}"),
        ("_wp_trash_meta_time", str(int(now.timestamp()))),
    ]
    if not store.hpos:
        entries.append(("_wp_desired_post_slug", f"order-{order.created:%b-%d-%Y-%I%M-%p}".lower()))
        comments = {str(n.id): "1" for n in store.notes.values() if n.order_id == order.id}
        if comments:
            entries.append(("_wp_trash_meta_comments_status", comments))
    order.meta.extend(store.new_meta(key, value) for key, value in entries)
    order.status = "trash"
    order.modified = now
    store.fire("wp_trash_post", order.id, post_type="order")
    store.fire("woocommerce_trash_order", order.id, post_type="order")


TRASH_META = (
    "_wp_trash_meta_status",
    "_wp_trash_meta_time",
    "_wp_desired_post_slug",
    "_wp_trash_meta_comments_status",
)


def untrash_order(store: SandboxStore, order: Order) -> None:
    """Restore a trashed order to its former status, as WooCommerce's untrash does.

    `woocommerce_untrash_order` fires before the save, whose status transition
    adds the note and fires `woocommerce_update_order` (a pending order.updated
    delivery absorbs that one). No e-mail: none is sent for a transition from trash.
    """
    meta = {row.key: row.value for row in order.meta}
    previous = str(meta.get("_wp_trash_meta_status", "")).removeprefix("wc-")
    if previous not in store.statuses:
        previous = "pending"
    if not store.hpos:
        store.fire("untrashed_post", order.id, post_type="order")
    store.fire("woocommerce_untrash_order", order.id, post_type="order")
    order.status = previous
    add_note(store, order, f"Order status changed from trash to {store.statuses[previous]}.")
    order.meta = [row for row in order.meta if row.key not in TRASH_META]
    order.modified = store.clock.now()
    store.fire("woocommerce_update_order", order.id)
    _fire_all(
        store,
        [
            f"woocommerce_order_status_{previous}",
            f"woocommerce_order_status_trash_to_{previous}",
            "woocommerce_order_status_changed",
        ],
        order.id,
    )


def delete_order(store: SandboxStore, order: Order) -> None:
    """Delete the order for good, with its refunds and notes (no webhook topic listens)."""
    for refund_id in order.refund_ids:
        store.refunds.pop(refund_id, None)
    for note_id in [n.id for n in store.notes.values() if n.order_id == order.id]:
        del store.notes[note_id]
    del store.orders[order.id]
    store.fire("woocommerce_delete_order", order.id, post_type="order")


def remaining_refundable(store: SandboxStore, order: Order) -> Decimal:
    """Return the order total minus what its refunds gave back."""
    refunded = sum((store.refunds[r].amount for r in order.refund_ids), Decimal(0))
    return round_money(order.totals.get("total", Decimal(0)) - refunded)
