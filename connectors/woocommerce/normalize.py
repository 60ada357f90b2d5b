"""WooCommerce order JSON (as `GET /wc/v3/orders/{id}` renders it) -> canonical events.

Core WooCommerce has no tracking and no returns: tracking comes from the
Shipment Tracking / AST meta `_wc_shipment_tracking_items`, returns from plugin
statuses such as `return-requested`, and refund reasons are free text
(woocommerce.md §3).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.headers import first_name, parse_timestamp
from plugin.events import (
    Event,
    LineItem,
    OrderChanged,
    OrderTrashed,
    RefundRecorded,
    ReturnLine,
    ReturnRequested,
    Shipment,
)
from plugin.platforms import MalformedDelivery

TRACKING_META = "_wc_shipment_tracking_items"
RETURN_STATUSES = frozenset({"return-requested"})
# An order in one of these reached its customer: `completed` is core's "shipped", and a
# returns plugin's statuses (platforms/woocommerce.md §3.3) follow a delivered order.
SHIPPED_STATUSES = frozenset(
    {"completed", "return-requested", "return-approved", "return-cancelled"}
)

Classify = Callable[[str | None], str]


def _id(value: Any) -> str | None:
    return None if value in (None, "", 0) else str(value)


def is_error_body(payload: dict[str, Any]) -> bool:
    """Tell whether WooCommerce delivered an error instead of the resource.

    It does so when the order vanished before the delivery ran, or when the
    webhook's owner lost the right to read it (woocommerce issue #37806).
    """
    return "id" not in payload and {"code", "message"} <= payload.keys()


def order_events(
    payload: dict[str, Any], classify: Classify, own_write: Callable[[str | None], bool]
) -> list[Event]:
    """Read an order payload: its state, refunds given for a reason, a requested return.

    Refunds whose reason `own_write` recognises are Amends' own and are left out.
    """
    events: list[Event] = [order_changed(payload)]
    for refund in payload.get("refunds") or ():
        reason = refund.get("reason") or ""
        if own_write(reason):
            continue
        events.append(refund_recorded(str(payload["id"]), refund, classify))
    if payload.get("status") in RETURN_STATUSES:
        events.append(return_requested(payload, classify))
    return events


def refund_recorded(order_id: str, refund: dict[str, Any], classify: Classify) -> RefundRecorded:
    """Read a refund, from an order's `refunds[]` or from `GET /orders/{id}/refunds`.

    An order's `refunds[]` entry has only id, reason and total: which lines it gave
    back is unknown. The refund itself has its `line_items`; their quantities are
    negative, and each line names the order line it gave back in its
    `_refunded_item_id` meta (woocommerce.md §2.4).
    """
    reason = refund.get("reason") or ""
    canonical = classify(reason)
    items = refund.get("line_items")
    lines = None
    if items is not None:
        lines = tuple(
            _refunded_line(item, canonical, reason or None)
            for item in items
            if _meta(item, "_refunded_item_id") is not None
        )
    return RefundRecorded(
        order_id=order_id,
        refund_id=str(refund["id"]),
        amount=str(refund.get("total") or refund.get("amount") or "").lstrip("-") or None,
        reason=canonical,
        reason_text=reason or None,
        by_staff=True,
        lines=lines,
        refunded_at=parse_timestamp(refund.get("date_created_gmt")),
    )


def _refunded_line(item: dict[str, Any], reason: str, text: str | None) -> ReturnLine:
    quantity = item.get("quantity")
    return ReturnLine(
        line_item_id=_id(_meta(item, "_refunded_item_id")),
        quantity=abs(int(quantity)) if quantity not in (None, "", 0) else None,
        reason=reason,
        reason_text=text,
        product_id=_id(item.get("product_id")),
        variant_id=_id(item.get("variation_id")),
        sku=item.get("sku") or None,
        title=item.get("name"),
    )


def order_trashed(payload: dict[str, Any]) -> OrderTrashed:
    """Read `order.deleted`: WooCommerce sends it on trash, with the order id alone."""
    order_id = _id(payload.get("id"))
    if order_id is None:
        raise MalformedDelivery("order.deleted body has no order id")
    return OrderTrashed(order_id=order_id)


def order_changed(payload: dict[str, Any]) -> OrderChanged:
    """Read the order's state. `*_gmt` times are UTC without an offset."""
    billing = payload.get("billing") or {}
    number = payload.get("number") or payload.get("id")
    return OrderChanged(
        order_id=str(payload["id"]),
        updated_at=parse_timestamp(payload.get("date_modified_gmt")),
        name=f"#{number}",
        status=payload.get("status"),
        financial_status="paid" if payload.get("date_paid_gmt") else "pending",
        fulfillment_status="fulfilled"
        if payload.get("status") in SHIPPED_STATUSES
        else "unfulfilled",
        customer_email=billing.get("email") or None,
        customer_locale=_locale(payload),
        # Billing is what checkout asks for; a store may ask only for shipping.
        customer_first_name=first_name(
            billing.get("first_name"), (payload.get("shipping") or {}).get("first_name")
        ),
        currency=payload.get("currency"),
        total_price=_id(payload.get("total")),
        placed_at=parse_timestamp(payload.get("date_created_gmt")),
        paid_at=parse_timestamp(payload.get("date_paid_gmt")),
        line_items=tuple(_line_item(line) for line in payload.get("line_items") or ()),
        shipping_total=_shipping_paid(payload),
        shipments=tuple(_shipments(payload)),
    )


def _shipping_paid(payload: dict[str, Any]) -> str | None:
    """Return what the customer paid for shipping: WooCommerce keeps its tax apart."""
    net, tax = payload.get("shipping_total"), payload.get("shipping_tax")
    if not net:
        return None
    try:
        return str(Decimal(str(net)) + Decimal(str(tax or 0)))
    except InvalidOperation:
        return _id(net)


def _line_item(line: dict[str, Any]) -> LineItem:
    return LineItem(
        line_item_id=str(line["id"]),
        product_id=_id(line.get("product_id")),
        variant_id=_id(line.get("variation_id")),
        sku=line.get("sku") or None,
        title=line.get("name"),
        quantity=int(line.get("quantity") or 0),
        price=_id(line.get("price")),
    )


def _meta(payload: dict[str, Any], key: str) -> Any:
    for item in payload.get("meta_data") or ():
        if item.get("key") == key:
            return item.get("value")
    return None


def _locale(payload: dict[str, Any]) -> str | None:
    """Return the language the order was placed in, where a multilingual plugin says it."""
    for key in ("wpml_language", "_wpml_language", "pll_language", "trp_language"):
        value = _meta(payload, key)
        if isinstance(value, str) and value:
            return value.replace("_", "-")
    return None


def _shipments(payload: dict[str, Any]) -> list[Shipment]:
    """Read Shipment Tracking / AST items: `date_shipped` is unix time as a string."""
    items = _meta(payload, TRACKING_META) or []
    shipments = []
    for item in items if isinstance(items, list) else ():
        shipped = str(item.get("date_shipped") or "")
        shipments.append(
            Shipment(
                tracking_number=item.get("tracking_number") or None,
                carrier=item.get("tracking_provider") or item.get("custom_tracking_provider"),
                shipped_at=datetime.fromtimestamp(int(shipped), UTC) if shipped.isdigit() else None,
                tracking_url=item.get("custom_tracking_link") or None,
            )
        )
    return shipments


def return_requested(payload: dict[str, Any], classify: Classify) -> ReturnRequested:
    """Read a return a plugin recorded as order status `return-requested`.

    The WP Swings plugin keeps each request in `wps_rma_return_product`, keyed by
    the unix time it was made: that key names the return, so the order's later
    updates repeat it rather than add one. Without it, the order's return is one
    return of lines unknown, quantity unknown (not 0), for a reason unknown.
    """
    key, request = _latest_rma_request(payload)
    reason_text = (request.get("reason") or request.get("subject") or "") if request else ""
    reason = classify(reason_text)
    lines = [
        ReturnLine(
            line_item_id=_id(product.get("item_id")),
            quantity=int(product["qty"]) if str(product.get("qty") or "").isdigit() else None,
            reason=reason,
            reason_text=reason_text or None,
            product_id=_id(product.get("product_id")),
            variant_id=_id(product.get("variation_id")),
        )
        for product in (request.get("products") or [])
        if isinstance(product, dict)
    ] or [ReturnLine(None, None, reason, reason_text or None)]
    made = datetime.fromtimestamp(int(key), UTC) if key and key.isdigit() else None
    return ReturnRequested(
        order_id=str(payload["id"]),
        return_id=f"{payload['id']}:rma:{key}" if key else f"{payload['id']}:return-requested",
        lines=tuple(lines),
        requested_at=made or parse_timestamp(payload.get("date_modified_gmt")),
    )


def _latest_rma_request(payload: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    requests = _meta(payload, "wps_rma_return_product")
    if not isinstance(requests, dict) or not requests:
        return None, {}
    key = max(requests, key=lambda key: str(key))
    latest = requests[key]
    return (str(key), latest) if isinstance(latest, dict) else (None, {})
