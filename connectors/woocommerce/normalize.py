"""WooCommerce order JSON (as `GET /wc/v3/orders/{id}` renders it) -> canonical events."""

from __future__ import annotations

from typing import Any

from connectors.headers import parse_timestamp
from plugin.events import LineItem, OrderChanged


def _id(value: Any) -> str | None:
    return None if value in (None, "", 0) else str(value)


def is_error_body(payload: dict[str, Any]) -> bool:
    """Tell whether WooCommerce delivered an error instead of the resource.

    It does so when the order vanished before the delivery ran, or when the
    webhook's owner lost the right to read it (woocommerce issue #37806).
    """
    return "id" not in payload and {"code", "message"} <= payload.keys()


def order_changed(payload: dict[str, Any]) -> OrderChanged:
    """Read an order payload. `*_gmt` times are UTC without an offset."""
    billing = payload.get("billing") or {}
    number = payload.get("number") or payload.get("id")
    return OrderChanged(
        order_id=str(payload["id"]),
        updated_at=parse_timestamp(payload.get("date_modified_gmt")),
        name=f"#{number}",
        status=payload.get("status"),
        financial_status="paid" if payload.get("date_paid_gmt") else "pending",
        fulfillment_status="fulfilled" if payload.get("status") == "completed" else "unfulfilled",
        customer_email=billing.get("email") or None,
        currency=payload.get("currency"),
        total_price=_id(payload.get("total")),
        placed_at=parse_timestamp(payload.get("date_created_gmt")),
        paid_at=parse_timestamp(payload.get("date_paid_gmt")),
        line_items=tuple(
            LineItem(
                line_item_id=str(line["id"]),
                product_id=_id(line.get("product_id")),
                variant_id=_id(line.get("variation_id")),
                sku=line.get("sku") or None,
                title=line.get("name"),
                quantity=int(line.get("quantity") or 0),
            )
            for line in payload.get("line_items") or ()
        ),
    )
