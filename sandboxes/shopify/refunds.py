"""Refunds: what is still refundable, what a refund request may do, and doing it once.

One engine serves both the GraphQL `refundCreate` (an app refunding) and the control
API's staff refund. A refund records what went back (line items, shipping lines) and
the REFUND transactions that moved money; without transactions it is recorded but no
money moves, as on Shopify (platforms/shopify.md §2.4, §3.3).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sandboxes.shopify.formats import gid, money, rest_amount, rest_money_set
from sandboxes.shopify.orders import Notification, shipping_total
from sandboxes.shopify.store import SandboxShop


@dataclass
class RefundLine:
    """One order line item going back."""

    line_item_id: int | None
    quantity: int
    restock_type: str = "no_restock"


@dataclass
class RefundTransaction:
    """Money moving back through a parent sale or capture."""

    parent_id: int | None
    amount: Decimal
    gateway: str | None = None
    kind: str = "refund"


@dataclass
class RefundRequest:
    """A refund as the engine understands it, whichever API asked for it."""

    note: str | None = None
    notify: bool = False
    full_shipping: bool = False
    shipping_amount: Decimal | None = None
    lines: list[RefundLine] = field(default_factory=list)
    transactions: list[RefundTransaction] = field(default_factory=list)
    allow_over_refunding: bool = False


def received(shop: SandboxShop, order: dict[str, Any]) -> Decimal:
    """Return what the customer paid: successful sales and captures."""
    return sum(
        (money(t["amount"]) for t in _successful(shop, order, ("sale", "capture"))), Decimal(0)
    )


def refunded(shop: SandboxShop, order: dict[str, Any]) -> Decimal:
    """Return the money already moved back."""
    return sum((money(t["amount"]) for t in _successful(shop, order, ("refund",))), Decimal(0))


def net_payment(shop: SandboxShop, order: dict[str, Any]) -> Decimal:
    """Return what can still be refunded without over-refunding."""
    return max(received(shop, order) - refunded(shop, order), Decimal(0))


def refunded_shipping(order: dict[str, Any]) -> Decimal:
    """Return the shipping already refunded, over every refund's shipping lines."""
    total = Decimal(0)
    for refund in order.get("refunds") or ():
        for line in refund.get("refund_shipping_lines") or ():
            total += money(line["subtotal_amount_set"]["shop_money"]["amount"])
    return total


def refundable_shipping(order: dict[str, Any]) -> Decimal:
    """Return the shipping that can still be refunded."""
    return max(shipping_total(order) - refunded_shipping(order), Decimal(0))


def refundable_quantity(order: dict[str, Any], line: dict[str, Any]) -> int:
    """Return how many units of an order line have not been refunded yet."""
    gone = sum(
        item["quantity"]
        for refund in order.get("refunds") or ()
        for item in refund.get("refund_line_items") or ()
        if item["line_item_id"] == line["id"]
    )
    return int(line["quantity"]) - gone


def parents(shop: SandboxShop, order: dict[str, Any]) -> list[tuple[dict[str, Any], Decimal]]:
    """Return each successful sale or capture with the amount still refundable through it."""
    ledger = shop.order_transactions(order["id"])
    result = []
    for parent in _successful(shop, order, ("sale", "capture")):
        back = sum(
            (
                money(t["amount"])
                for t in ledger
                if t.get("parent_id") == parent["id"]
                and t["kind"] == "refund"
                and t["status"] == "success"
            ),
            Decimal(0),
        )
        result.append((parent, max(money(parent["amount"]) - back, Decimal(0))))
    return result


def _successful(shop: SandboxShop, order: dict[str, Any], kinds: tuple[str, ...]) -> list[dict]:
    return [
        t
        for t in shop.order_transactions(order["id"])
        if t["kind"] in kinds and t["status"] == "success"
    ]


def shipping_to_refund(order: dict[str, Any], request: RefundRequest) -> Decimal:
    """Return the shipping amount the request refunds."""
    if request.full_shipping:
        return refundable_shipping(order)
    return request.shipping_amount or Decimal(0)


def problems(shop: SandboxShop, order: dict[str, Any], request: RefundRequest) -> list[dict]:
    """Return the userErrors Shopify answers for this request; empty when it may proceed."""
    errors: list[dict[str, Any]] = []
    shipping = shipping_to_refund(order, request)
    available = refundable_shipping(order)
    if shipping > available:
        errors.append(
            {
                "field": ["shipping", "amount"],
                "message": f"Shipping refund amount ${rest_amount(shipping)} is greater than "
                f"the refundable shipping amount ${rest_amount(available)}",
            }
        )
    lines = {line["id"]: line for line in order.get("line_items") or ()}
    for index, item in enumerate(request.lines):
        line = lines.get(item.line_item_id or -1)
        if line is None:
            errors.append(
                {
                    "field": ["refundLineItems", str(index), "lineItemId"],
                    "message": "Line item does not exist",
                }
            )
        elif item.quantity > refundable_quantity(order, line):
            errors.append(
                {
                    "field": ["refundLineItems", str(index), "quantity"],
                    "message": "Quantity cannot refund more items than were purchased",
                }
            )
    for transaction in request.transactions:
        if transaction.kind != "refund":
            errors.append(
                {"field": None, "message": f"Kind {transaction.kind} is not a valid transaction"}
            )
        elif (
            transaction.parent_id is None
            or shop.transaction(order["id"], transaction.parent_id) is None
        ):
            errors.append(
                {
                    "field": ["transactions"],
                    "message": "Transactions require a parent_id associated with the order",
                }
            )
    amount = sum((t.amount for t in request.transactions), Decimal(0))
    net = net_payment(shop, order)
    if amount > net and not request.allow_over_refunding:
        errors.append(
            {
                "field": None,
                "message": f"Refund amount ${rest_amount(amount)} is greater than net payment "
                f"received ${rest_amount(net)}",
            }
        )
    return errors


def create_refund(
    shop: SandboxShop, order: dict[str, Any], request: RefundRequest
) -> tuple[dict[str, Any], list[Notification]]:
    """Record the refund on the order (call `problems` first); return it and its webhooks."""
    now, currency = shop.stamp(), order["currency"]
    refund_id = shop.next_id()
    refund = {
        "id": refund_id,
        "admin_graphql_api_id": gid("Refund", refund_id),
        "order_id": order["id"],
        "created_at": now,
        "processed_at": now,
        "note": request.note,
        "user_id": None,
        "restock": any(line.restock_type != "no_restock" for line in request.lines),
        "return": None,
        "duties": [],
        "total_duties_set": rest_money_set(Decimal(0), currency),
        "additional_fees": [],
        "total_additional_fees_set": rest_money_set(Decimal(0), currency),
        "refund_line_items": _refund_lines(shop, order, request),
        "refund_shipping_lines": [],
        "order_adjustments": [],
        "transactions": [],
    }
    _refund_shipping(shop, order, refund, shipping_to_refund(order, request))
    for given in request.transactions:
        refund["transactions"].append(_refund_transaction(shop, order, given, now))
    order["refunds"].append(refund)
    shop.refund_notes[refund_id] = {"notify": request.notify}
    _update_financial_status(shop, order)
    shop.touch(order)
    return refund, [("refunds/create", refund), ("orders/updated", order)]


def _refund_lines(shop: SandboxShop, order: dict[str, Any], request: RefundRequest) -> list:
    lines = {line["id"]: line for line in order["line_items"]}
    result = []
    for item in request.lines:
        line = lines[item.line_item_id]
        subtotal = money(line["price"]) * item.quantity
        result.append(
            {
                "id": shop.next_id(),
                "line_item_id": line["id"],
                "quantity": item.quantity,
                "location_id": None,
                "restock_type": item.restock_type,
                # Shopify's sample sends these two as JSON numbers (platforms/shopify.md §2.4).
                "subtotal": float(subtotal),
                "subtotal_set": rest_money_set(subtotal, order["currency"]),
                "total_tax": 0.0,
                "total_tax_set": rest_money_set(Decimal(0), order["currency"]),
                "line_item": copy.deepcopy(line),
            }
        )
    return result


def _refund_shipping(shop: SandboxShop, order: dict, refund: dict, amount: Decimal) -> None:
    currency = order["currency"]
    for line in order.get("shipping_lines") or ():
        if amount <= 0:
            break
        part = min(amount, money(line.get("discounted_price", line.get("price"))))
        amount -= part
        refund["refund_shipping_lines"].append(
            {
                "id": shop.next_id(),
                "shipping_line_id": line["id"],
                "subtotal_amount_set": rest_money_set(part, currency),
                "shipping_line": copy.deepcopy(line),
            }
        )
        # One shipping_refund adjustment per refunded shipping line (changelog 2024-07-18).
        refund["order_adjustments"].append(
            {
                "id": shop.next_id(),
                "order_id": order["id"],
                "refund_id": refund["id"],
                "amount": rest_amount(-part),
                "tax_amount": "0.00",
                "kind": "shipping_refund",
                "reason": "Shipping refund",
                "amount_set": rest_money_set(-part, currency),
                "tax_amount_set": rest_money_set(Decimal(0), currency),
            }
        )


def _refund_transaction(shop: SandboxShop, order: dict, given: RefundTransaction, now: str) -> dict:
    parent = shop.transaction(order["id"], given.parent_id) if given.parent_id else None
    gateway = (parent or {}).get("gateway") or given.gateway or "manual"
    number = shop.next_id()
    transaction = {
        "id": number,
        "admin_graphql_api_id": gid("OrderTransaction", number),
        "order_id": order["id"],
        "parent_id": given.parent_id,
        "kind": "refund",
        "gateway": gateway,
        "status": "success",
        "message": f"Refunded {rest_amount(given.amount)} through {gateway}",
        "amount": rest_amount(given.amount),
        "currency": order["currency"],
        "created_at": now,
        "processed_at": now,
        "test": bool(order.get("test")),
        "authorization": None,
        "receipt": {},
        "user_id": None,
    }
    shop.order_transactions(order["id"]).append(transaction)
    return transaction


def _update_financial_status(shop: SandboxShop, order: dict[str, Any]) -> None:
    back, paid = refunded(shop, order), received(shop, order)
    if paid > 0 and back >= paid:
        order["financial_status"] = "refunded"
    elif back > 0:
        order["financial_status"] = "partially_refunded"
