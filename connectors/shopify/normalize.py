"""Shopify webhook payloads (REST-shaped JSON) -> canonical events.

Parsers tolerate missing and extra keys: protected customer data arrives null for
apps without access, and return payloads are thin (shopify.dev/docs/api/webhooks).
"""

from __future__ import annotations

from typing import Any

from connectors.headers import parse_timestamp
from connectors.shopify.consts import RETURN_REASONS
from plugin.events import LineItem, OrderChanged, ReturnLine, ReturnRequested, Shipment


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
    return Shipment(
        tracking_number=numbers[0] if numbers else None,
        carrier=fulfillment.get("tracking_company"),
        shipped_at=parse_timestamp(fulfillment.get("created_at")),
        tracking_url=urls[0] if urls else None,
    )


def _line_item(line: dict[str, Any]) -> LineItem:
    return LineItem(
        line_item_id=str(line["id"]),
        product_id=_id(line.get("product_id")),
        variant_id=_id(line.get("variant_id")),
        sku=line.get("sku") or None,
        title=line.get("title") or line.get("name"),
        quantity=int(line.get("quantity") or 0),
    )


def return_requested(payload: dict[str, Any]) -> ReturnRequested:
    """Read a `returns/request` payload."""
    order = payload.get("order") or {}
    return ReturnRequested(
        order_id=str(order["id"]),
        return_id=str(payload["id"]),
        lines=tuple(_return_line(line) for line in payload.get("return_line_items") or ()),
    )


def _return_line(line: dict[str, Any]) -> ReturnLine:
    fulfillment_line = line.get("fulfillment_line_item") or {}
    order_line = fulfillment_line.get("line_item") or {}
    definition = line.get("return_reason_definition") or {}
    words = [line.get("return_reason_note"), line.get("customer_note"), definition.get("name")]
    return ReturnLine(
        line_item_id=_id(order_line.get("id")),
        quantity=int(line.get("quantity") or 0),
        reason=canonical_reason(line.get("return_reason"), definition.get("handle")),
        reason_text=" / ".join(w for w in words if w) or None,
    )


# Return reason definitions (2026-01+) are merchant-visible handles such as
# "arrived-damaged" or "too-tight"; read the standard ones, else use the enum.
_HANDLE_WORDS = (
    ("not-as-described", "not_as_described"),
    ("damaged", "damaged_in_transit"),
    ("defect", "defective"),
    ("broken", "defective"),
    ("wrong", "wrong_item"),
    ("too-", "size"),
    ("size", "size"),
    ("fit", "size"),
    ("unwanted", "unwanted"),
    ("changed-mind", "unwanted"),
)


def canonical_reason(enum_value: str | None, definition_handle: str | None = None) -> str:
    """Map Shopify's return reason (enum or definition handle) to a canonical reason."""
    handle = (definition_handle or "").lower()
    for word, reason in _HANDLE_WORDS:
        if word in handle:
            return reason
    return RETURN_REASONS.get((enum_value or "").lower(), "other")
