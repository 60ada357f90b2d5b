"""Refunds as WC_REST_Order_Refunds_Controller and wc_create_refund() make them.

The request is adjusted first (RestApiUtil): `api_refund` and `api_restock`
default to true, `line_items` become `{item id: {qty, refund_total,
refund_tax: {rate id: amount}}}`, and a missing `amount` is the sum of the
lines when every value is numeric. Errors carry a bare integer `data` and come
back as HTTP 500 (OBSERVED).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandboxes.woocommerce.models import LineItem, Order, Refund, TaxLine
from sandboxes.woocommerce.money import is_numeric, round_money, to_decimal
from sandboxes.woocommerce.orders import remaining_refundable, set_status
from sandboxes.woocommerce.rest import bare_error

if TYPE_CHECKING:
    from sandboxes.woocommerce.store import SandboxStore

CANNOT_CREATE = "woocommerce_rest_cannot_create_order_refund"


def adjust_request(params: dict[str, Any]) -> dict[str, Any]:
    """Convert the public request format to the internal one, as RestApiUtil does."""
    adjusted = dict(params)
    adjusted["reason"] = params.get("reason") or None
    for flag in ("api_refund", "api_restock"):
        if not isinstance(params.get(flag), bool):
            adjusted[flag] = True
    adjusted["line_items"] = _lines_by_id(params.get("line_items"))
    if params.get("amount") is None:
        amount = _amount_from_lines(adjusted["line_items"])
        adjusted["amount"] = None if amount is None else str(amount)
    return adjusted


def _lines_by_id(lines: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(lines, list):
        return lines if isinstance(lines, dict) else {}
    if any(not isinstance(line, dict) or "id" not in line for line in lines):
        return {}
    adjusted = {}
    for line in lines:
        entry = {key: value for key, value in line.items() if key not in ("id", "quantity")}
        if "quantity" in line and "qty" not in line:
            entry["qty"] = line["quantity"]
        taxes = line.get("refund_tax")
        if isinstance(taxes, list) and all(
            isinstance(tax, dict) and "id" in tax and "refund_total" in tax for tax in taxes
        ):
            entry["refund_tax"] = {str(tax["id"]): tax["refund_total"] for tax in taxes}
        adjusted[str(line["id"])] = entry
    return adjusted


def _amount_from_lines(lines: dict[str, dict[str, Any]]) -> Decimal | None:
    if not lines:
        return None
    amount = Decimal(0)
    for line in lines.values():
        if not is_numeric(line.get("refund_total")):
            return None
        amount += to_decimal(line["refund_total"])
        for tax in (line.get("refund_tax") or {}).values():
            if not is_numeric(tax):
                return None
            amount += to_decimal(tax)
    return amount


def create_refund(store: SandboxStore, order: Order, params: dict[str, Any]) -> Refund:
    """Create the refund, refund the payment if asked, and update the order."""
    request = adjust_request(params)
    amount = to_decimal(request["amount"]) if request["amount"] is not None else Decimal(0)
    if amount < 0:
        raise bare_error(
            "woocommerce_rest_invalid_order_refund", "Refund amount must be greater than zero.", 400
        )
    remaining = remaining_refundable(store, order)
    if amount > remaining:
        raise bare_error(CANNOT_CREATE, "Invalid refund amount.", 500)
    refund = Refund(
        id=store.next_post_id(),
        order_id=order.id,
        created=store.clock.now(),
        amount=amount,
        reason=request["reason"] or "",
    )
    _add_refunded_lines(store, order, refund, request["line_items"])
    if request["api_refund"]:
        _refund_payment(store, order)  # raises; the refund (and its id) is discarded
        refund.refunded_payment = True
    store.refunds[refund.id] = refund
    order.refund_ids.append(refund.id)
    _after_refund(store, order, refund, remaining - amount)
    return refund


def _refund_payment(store: SandboxStore, order: Order) -> None:
    """Ask the gateway to refund, as wc_refund_payment() does; raise its refusal."""
    if order.payment_method not in store.gateways:
        raise bare_error(CANNOT_CREATE, "The payment gateway for this order does not exist.", 500)
    if not store.gateways[order.payment_method]:
        raise bare_error(
            CANNOT_CREATE,
            "The payment gateway for this order does not support automatic refunds.",
            500,
        )


def _add_refunded_lines(
    store: SandboxStore, order: Order, refund: Refund, lines: dict[str, dict[str, Any]]
) -> None:
    """Copy each refunded order item as a negative item pointing back at it."""
    for item in [*order.line_items, *order.shipping_lines]:
        spec = lines.get(str(item.id))
        if not isinstance(spec, dict):
            continue
        quantity = int(to_decimal(spec.get("qty") or 0))
        taxes = {
            int(rate): -to_decimal(value)
            for rate, value in (spec.get("refund_tax") or {}).items()
            if value and to_decimal(value) != 0
        }
        if not quantity and not spec.get("refund_total") and not spec.get("refund_tax"):
            continue
        copied = copy.deepcopy(item)
        copied.id = store.next_item_id()
        copied.meta = [store.new_meta(row.key, row.value) for row in item.meta]
        copied.meta.append(store.new_meta("_refunded_item_id", item.id))
        copied.total = -to_decimal(spec.get("refund_total") or 0)
        if isinstance(copied, LineItem):
            copied.subtotal, copied.quantity = copied.total, -quantity
            copied.taxes = {rate: (tax, tax) for rate, tax in taxes.items()}
            refund.line_items.append(copied)
        else:
            copied.taxes = taxes
            refund.shipping_lines.append(copied)
    _refund_tax_lines(store, refund)


def _refund_tax_lines(store: SandboxStore, refund: Refund) -> None:
    rates: dict[int, list[Decimal]] = {}
    for item in refund.line_items:
        for rate, (tax, _) in item.taxes.items():
            rates.setdefault(rate, [Decimal(0), Decimal(0)])[0] += round_money(tax)
    for line in refund.shipping_lines:
        for rate, tax in line.taxes.items():
            rates.setdefault(rate, [Decimal(0), Decimal(0)])[1] += round_money(tax)
    for rate, (items_tax, shipping_tax) in rates.items():
        refund.tax_lines.append(TaxLine(store.next_item_id(), rate, items_tax, shipping_tax))


def _after_refund(store: SandboxStore, order: Order, refund: Refund, left: Decimal) -> None:
    """Fire the refund hooks, mark a fully refunded order `refunded`, save the order."""
    hooks = []
    if left > 0:
        hooks.append("woocommerce_order_partially_refunded")
        store.send_email("customer_refunded_order", order, partial=True, refund_id=refund.id)
    else:
        hooks.append("woocommerce_order_fully_refunded")
        store.send_email("customer_refunded_order", order, partial=False, refund_id=refund.id)
        hooks += set_status(store, order, "refunded")
    order.modified = store.clock.now()
    for hook in hooks:
        store.fire(hook, order.id)
    store.fire("woocommerce_update_order", order.id)
    store.fire("woocommerce_refund_created", refund.id)
    store.fire("woocommerce_order_refunded", order.id)


def delete_refund(store: SandboxStore, refund: Refund) -> None:
    """Delete a refund; 9.9.5 sends no webhook for it (OBSERVED)."""
    order = store.orders.get(refund.order_id)
    if order is not None and refund.id in order.refund_ids:
        order.refund_ids.remove(refund.id)
    del store.refunds[refund.id]
    store.fire("woocommerce_delete_order_refund", refund.id)


def refunds_sorted(refunds: list[Refund]) -> list[Refund]:
    """Sort refunds newest first, same second by lowest id (as the order's `refunds[]`)."""
    return sorted(refunds, key=lambda refund: (-refund.created.timestamp(), refund.id))
