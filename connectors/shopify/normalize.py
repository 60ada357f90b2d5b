"""Shopify webhook payloads (REST-shaped JSON) -> canonical events.

Parsers tolerate missing and extra keys: protected customer data arrives null for
apps without access, and return payloads are thin (shopify.dev/docs/api/webhooks).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from connectors.headers import first_name, parse_timestamp
from connectors.shopify.consts import RETURN_REASONS
from plugin.events import (
    CustomerDataRequested,
    CustomerRedactionRequested,
    LineItem,
    OrderChanged,
    RefundRecorded,
    ReturnLine,
    ReturnRequested,
    ReturnStatusChanged,
    Shipment,
    ShipmentUpdated,
)


def _id(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def order_changed(payload: dict[str, Any]) -> OrderChanged:
    """Read an `orders/*` payload."""
    customer = payload.get("customer") or {}
    return OrderChanged(
        order_id=str(payload["id"]),
        updated_at=parse_timestamp(payload.get("updated_at")),
        name=payload.get("name"),
        status="cancelled" if payload.get("cancelled_at") else "open",
        financial_status=payload.get("financial_status"),
        fulfillment_status=payload.get("fulfillment_status") or "unfulfilled",
        customer_email=payload.get("email")
        or payload.get("contact_email")
        or customer.get("email"),
        customer_locale=payload.get("customer_locale"),
        # The customer's own name, else the one the order was billed or sent to.
        customer_first_name=first_name(
            customer.get("first_name"),
            (payload.get("billing_address") or {}).get("first_name"),
            (payload.get("shipping_address") or {}).get("first_name"),
        ),
        currency=payload.get("currency"),
        total_price=_id(payload.get("total_price")),
        placed_at=parse_timestamp(payload.get("created_at")),
        paid_at=parse_timestamp(payload.get("processed_at"))
        if payload.get("financial_status") == "paid"
        else None,
        line_items=tuple(_line_item(line) for line in payload.get("line_items") or ()),
        shipping_total=_shipping_total(payload),
        shipments=tuple(
            _shipment(fulfillment)
            for fulfillment in payload.get("fulfillments") or ()
            if fulfillment.get("status") not in ("cancelled", "error", "failure")
        ),
    )


def _shipping_total(payload: dict[str, Any]) -> str | None:
    money = (payload.get("total_shipping_price_set") or {}).get("shop_money") or {}
    return _id(money.get("amount"))


def _shipment(fulfillment: dict[str, Any]) -> Shipment:
    numbers = fulfillment.get("tracking_numbers") or [fulfillment.get("tracking_number")]
    urls = fulfillment.get("tracking_urls") or [fulfillment.get("tracking_url")]
    number = numbers[0] if numbers else None
    return Shipment(
        tracking_number=number,
        carrier=fulfillment.get("tracking_company"),
        shipped_at=parse_timestamp(fulfillment.get("created_at")),
        tracking_url=urls[0] if urls else None,
        shipment_id=_id(fulfillment.get("id")),
        status=shipment_status(fulfillment["shipment_status"])
        if fulfillment.get("shipment_status")
        else None,
        # Shopify follows a tracked parcel with its carrier and sends the news as
        # fulfillment events and shipment_status; an untracked one never changes.
        carrier_updates=bool(number),
    )


def _line_item(line: dict[str, Any]) -> LineItem:
    return LineItem(
        line_item_id=str(line["id"]),
        product_id=_id(line.get("product_id")),
        variant_id=_id(line.get("variant_id")),
        sku=line.get("sku") or None,
        title=line.get("title") or line.get("name"),
        quantity=int(line.get("quantity") or 0),
        price=_id(line.get("price")),
    )


def return_requested(
    payload: dict[str, Any], classify: Callable[[str | None], str]
) -> ReturnRequested:
    """Read a `returns/request` payload; `classify` reads the customer's words."""
    order = payload.get("order") or {}
    return ReturnRequested(
        order_id=str(order["id"]),
        return_id=str(payload["id"]),
        lines=tuple(
            _return_line(line, classify) for line in payload.get("return_line_items") or ()
        ),
        requested_at=parse_timestamp(payload.get("created_at")),
    )


# Reasons that say nothing about the fault: the customer's own words may say more.
_UNSPECIFIC = frozenset({"other", "unknown"})


def _return_line(line: dict[str, Any], classify: Callable[[str | None], str]) -> ReturnLine:
    """Read one returned line; an "other" reason whose note says "it arrived broken" is that."""
    fulfillment_line = line.get("fulfillment_line_item") or {}
    order_line = fulfillment_line.get("line_item") or {}
    definition = line.get("return_reason_definition") or {}
    words = [line.get("return_reason_note"), line.get("customer_note"), definition.get("name")]
    text = " / ".join(w for w in words if w) or None
    reason = canonical_reason(line.get("return_reason"), definition.get("handle"))
    if reason in _UNSPECIFIC and text:
        said = classify(text)
        reason = reason if said in _UNSPECIFIC else said
    quantity = line.get("quantity")
    return ReturnLine(
        line_item_id=_id(order_line.get("id")),
        quantity=int(quantity) if quantity is not None else None,
        reason=reason,
        reason_text=text,
        product_id=_id(order_line.get("product_id")),
        variant_id=_id(order_line.get("variant_id")),
        sku=order_line.get("sku") or None,
        title=order_line.get("title") or order_line.get("name"),
    )


# Return reason definitions (2026-01+) are merchant-visible handles such as
# "arrived-damaged", "too-tight" or "color-too-bright". Read them word by word,
# colour and style first (a "color-too-bright" is the colour, not a size problem),
# then the fit's direction; a handle saying neither ("wrong-size", "arrived-late")
# falls back to the enum.
_HANDLE_RULES = (
    ({"not", "as", "described"}, "not_as_described"),
    ({"quality"}, "not_as_described"),
    ({"color"}, "colour"),
    ({"colour"}, "colour"),
    ({"style"}, "style"),
    ({"damaged"}, "damaged_in_transit"),
    ({"defective"}, "defective"),
    ({"broken"}, "defective"),
    ({"faulty"}, "defective"),
    ({"small"}, "size_too_small"),
    ({"tight"}, "size_too_small"),
    ({"short"}, "size_too_small"),
    ({"narrow"}, "size_too_small"),
    ({"large"}, "size_too_large"),
    ({"big"}, "size_too_large"),
    ({"loose"}, "size_too_large"),
    ({"long"}, "size_too_large"),
    ({"wide"}, "size_too_large"),
    ({"wrong", "size"}, None),
    ({"wrong"}, "wrong_item"),
    ({"unwanted"}, "unwanted"),
    ({"changed", "mind"}, "unwanted"),
)


def canonical_reason(enum_value: str | None, definition_handle: str | None = None) -> str:
    """Map Shopify's return reason (definition handle, else enum) to a canonical reason."""
    words = set((definition_handle or "").lower().replace("_", "-").split("-"))
    for needed, reason in _HANDLE_RULES:
        if needed <= words:
            if reason is None:
                break  # the handle names the matter, not which way: the enum may say
            return reason
    return RETURN_REASONS.get((enum_value or "").lower(), "unknown" if not enum_value else "other")


# Carrier statuses (FulfillmentEventStatus, REST shipment_status) to canonical ones;
# unknown values (Shopify adds some on `unstable`) are "other".
SHIPMENT_STATUSES = {
    "label_printed": "label_created",
    "label_purchased": "label_created",
    "confirmed": "label_created",
    "carrier_picked_up": "in_transit",
    "picked_up": "in_transit",
    "in_transit": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "delayed": "delayed",
    "attempted_delivery": "attempted_delivery",
    "failure": "failure",
    "returning_to_sender": "failure",
    "ready_for_pickup": "ready_for_pickup",
    "delivered": "delivered",
}


def shipment_status(value: str | None) -> str:
    """Map a Shopify carrier status to a canonical one."""
    return SHIPMENT_STATUSES.get((value or "").lower(), "other")


def fulfillment_updated(payload: dict[str, Any]) -> ShipmentUpdated:
    """Read a `fulfillments/create|update` payload (its `shipment_status`)."""
    return ShipmentUpdated(
        order_id=str(payload["order_id"]),
        shipment_id=str(payload["id"]),
        status=shipment_status(payload.get("shipment_status")),
        happened_at=parse_timestamp(payload.get("updated_at")),
    )


def fulfillment_event(payload: dict[str, Any]) -> ShipmentUpdated:
    """Read a `fulfillment_events/create` payload: the carrier's tracking event."""
    return ShipmentUpdated(
        order_id=str(payload["order_id"]),
        shipment_id=str(payload["fulfillment_id"]),
        status=shipment_status(payload.get("status")),
        happened_at=parse_timestamp(payload.get("happened_at")),
        estimated_delivery_at=parse_timestamp(payload.get("estimated_delivery_at")),
        message=payload.get("message"),
    )


def refund_created(
    payload: dict[str, Any], classify: Callable[[str | None], str]
) -> RefundRecorded:
    """Read a `refunds/create` payload; shipping comes from `refund_shipping_lines`."""
    refunded = sum(
        (
            Decimal(str(t.get("amount") or 0))
            for t in payload.get("transactions") or ()
            if t.get("kind") == "refund" and t.get("status") == "success"
        ),
        Decimal(0),
    )
    shipping = sum(
        (
            Decimal(
                str(
                    ((line.get("subtotal_amount_set") or {}).get("shop_money") or {}).get("amount")
                    or 0
                )
            )
            for line in payload.get("refund_shipping_lines") or ()
        ),
        Decimal(0),
    )
    note = payload.get("note") or None
    reason = classify(note)
    return RefundRecorded(
        order_id=str(payload["order_id"]),
        refund_id=str(payload["id"]),
        amount=str(refunded),
        reason=reason,
        reason_text=note,
        shipping_amount=str(shipping) if shipping else None,
        by_staff=payload.get("user_id") is not None,
        lines=tuple(
            _refunded_line(item, reason, note) for item in payload.get("refund_line_items") or ()
        ),
        return_id=_id((payload.get("return") or {}).get("id")),
        refunded_at=parse_timestamp(payload.get("processed_at") or payload.get("created_at")),
    )


def _refunded_line(item: dict[str, Any], reason: str, note: str | None) -> ReturnLine:
    """Read one line a refund gave back; its reason is the refund's note."""
    line = item.get("line_item") or {}
    return ReturnLine(
        line_item_id=_id(item.get("line_item_id") or line.get("id")),
        quantity=int(item["quantity"]) if item.get("quantity") is not None else None,
        reason=reason,
        reason_text=note,
        product_id=_id(line.get("product_id")),
        variant_id=_id(line.get("variant_id")),
        sku=line.get("sku") or None,
        title=line.get("title") or line.get("name"),
    )


RETURN_STATUSES = {
    "returns/approve": "approved",
    "returns/decline": "declined",
    "returns/close": "closed",
}


def return_status_changed(topic: str, payload: dict[str, Any]) -> ReturnStatusChanged:
    """Read a `returns/approve|decline|close` payload (decline carries its reason)."""
    return ReturnStatusChanged(
        return_id=str(payload["id"]),
        status=RETURN_STATUSES[topic],
        reason=(payload.get("decline") or {}).get("reason"),
    )


def customer_redaction(payload: dict[str, Any]) -> CustomerRedactionRequested:
    """Read `customers/redact`."""
    customer = payload.get("customer") or {}
    return CustomerRedactionRequested(
        customer_id=_id(customer.get("id")),
        email=customer.get("email") or None,
        order_ids=tuple(str(o) for o in payload.get("orders_to_redact") or ()),
        phone=customer.get("phone") or None,
    )


def customer_data_request(payload: dict[str, Any]) -> CustomerDataRequested:
    """Read `customers/data_request`."""
    customer = payload.get("customer") or {}
    return CustomerDataRequested(
        request_id=_id((payload.get("data_request") or {}).get("id")),
        customer_id=_id(customer.get("id")),
        email=customer.get("email") or None,
        order_ids=tuple(str(o) for o in payload.get("orders_requested") or ()),
    )
