"""Discount codes, shipping refunds and order notes through the Admin GraphQL API.

Discount mutations take no idempotency key, so codes are derived from the incident
and a "code taken" answer means an earlier attempt made it: the code is looked up
and reported as existing. `refundCreate` takes `@idempotent(key:)` (required from
2026-04), and the shipping still refundable caps what a repeat could give.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from connectors.shopify.client import GraphQL
from connectors.shopify.operations import document
from plugin.errors import InvalidInput, PlatformRejected
from plugin.platforms import (
    ActionResult,
    CouponSpec,
    NoteSpec,
    ShippingRefundSpec,
    own_write_tag,
)

TAKEN_CODES = frozenset({"TAKEN", "DUPLICATE"})


def gid(kind: str, value: str) -> str:
    """Return the global id of a resource, given its numeric id or its gid."""
    return value if value.startswith("gid://") else f"gid://shopify/{kind}/{value}"


def discount_input(spec: CouponSpec) -> dict[str, Any]:
    """Build the input of a single-use code for one customer, valid from `spec.starts_at`."""
    if spec.starts_at is None:
        raise InvalidInput("a Shopify discount code needs starts_at (Shopify requires startsAt)")
    context = (
        {"customers": {"add": [gid("Customer", spec.customer_id)]}}
        if spec.customer_id
        else {"all": "ALL"}
    )
    fields: dict[str, Any] = {
        "title": spec.description or f"Amends {spec.code}",
        "code": spec.code,
        "startsAt": spec.starts_at.isoformat(),
        "context": context,
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
    }
    if spec.expires_on:
        fields["endsAt"] = datetime.combine(spec.expires_on, time(23, 59, 59), UTC).isoformat()
    if spec.kind == "free_shipping":
        return fields | {"destination": {"all": True}}
    if spec.kind == "percent":
        value: dict[str, Any] = {"percentage": float(spec.amount / 100)}
    elif spec.kind == "fixed_amount":
        value = {"discountAmount": {"amount": str(spec.amount), "appliesOnEachItem": False}}
    else:
        raise InvalidInput(f"unknown coupon kind {spec.kind!r}")
    return fields | {"customerGets": {"value": value, "items": {"all": True}}}


def issue_coupon(client: GraphQL, spec: CouponSpec) -> ActionResult:
    """Create the code; a code already taken is the earlier attempt's, looked up by code."""
    if spec.kind == "free_shipping":
        operation, field = "AmendsFreeShippingCodeCreate", "discountCodeFreeShippingCreate"
    else:
        operation, field = "AmendsDiscountCodeCreate", "discountCodeBasicCreate"
    payload = client.execute(document(operation), {"input": discount_input(spec)})[field]
    errors = payload.get("userErrors") or []
    if any(error.get("code") in TAKEN_CODES for error in errors):
        return ActionResult(_existing_discount(client, spec.code), created=False)
    if errors:
        raise PlatformRejected(_describe(errors))
    return ActionResult(payload["codeDiscountNode"]["id"], created=True)


def _existing_discount(client: GraphQL, code: str) -> str:
    node = client.execute(document("AmendsDiscountByCode"), {"code": code})[
        "codeDiscountNodeByCode"
    ]
    if node is None:
        raise PlatformRejected(f"discount code {code} reported as taken but not found")
    return node["id"]


def refund_shipping(client: GraphQL, spec: ShippingRefundSpec) -> ActionResult:
    """Refund the order's shipping (or part of it) once.

    Through the order's original payment (REFUND transactions), or, without
    `spec.through_gateway`, recorded with no transaction: no money moves.
    refundCreate e-mails the customer only with `notify: true`, so the result says
    they were told exactly when `spec.notify` asked for it.
    """
    order_id = gid("Order", spec.order_id)
    tag = own_write_tag(spec.idempotency_key)
    earlier = client.execute(document("AmendsOrderRefunds"), {"id": order_id})["order"]
    if earlier is None:
        raise PlatformRejected(f"order {spec.order_id} not found")
    for refund in earlier["refunds"]:
        if tag in (refund.get("note") or ""):
            return ActionResult(refund["id"], created=False, customer_notified=spec.notify)
    order = client.execute(document("AmendsSuggestShippingRefund"), {"id": order_id})["order"]
    if order is None:
        raise PlatformRejected(f"order {spec.order_id} not found")
    suggested = order["suggestedRefund"]
    refundable = Decimal(suggested["shipping"]["maximumRefundableSet"]["shopMoney"]["amount"])
    amount = refundable if spec.amount is None else min(spec.amount, refundable)
    if amount <= 0:
        raise PlatformRejected(f"order {spec.order_id} has no shipping left to refund")
    refund_input = {
        "orderId": order_id,
        "note": f"{spec.reason} {tag}",
        "notify": spec.notify,
        "shipping": {"amount": str(amount)},
        "transactions": _transactions(order_id, suggested["suggestedTransactions"], amount)
        if spec.through_gateway
        else [],
    }
    payload = client.execute(
        document("AmendsShippingRefund"),
        {"input": refund_input, "idempotencyKey": spec.idempotency_key},
    )["refundCreate"]
    if payload.get("userErrors"):
        raise PlatformRejected(_describe(payload["userErrors"]))
    return ActionResult(payload["refund"]["id"], created=True, customer_notified=spec.notify)


def _transactions(order_id: str, suggested: list[dict], amount: Decimal) -> list[dict[str, Any]]:
    transactions = []
    for suggestion in suggested:
        share = min(amount, Decimal(suggestion["amountSet"]["shopMoney"]["amount"]))
        if share <= 0:
            continue
        transactions.append(
            {
                "orderId": order_id,
                "parentId": suggestion["parentTransaction"]["id"],
                "gateway": suggestion["gateway"],
                "kind": "REFUND",
                "amount": str(share),
            }
        )
        amount -= share
    return transactions


def add_note(client: GraphQL, spec: NoteSpec) -> ActionResult:
    """Append a line to the order note (read first: orderUpdate replaces it) and tag the order.

    Shopify has no customer-facing order note; customer messages go by e-mail.
    """
    if spec.customer_facing:
        raise InvalidInput("Shopify order notes are private; send customer messages by e-mail")
    order_id = gid("Order", spec.order_id)
    order = client.execute(document("AmendsOrderNote"), {"id": order_id})["order"]
    if order is None:
        raise PlatformRejected(f"order {spec.order_id} not found")
    tag = own_write_tag(spec.idempotency_key)
    if tag in (order.get("note") or ""):
        return ActionResult(order_id, created=False)
    note = "\n".join(filter(None, [order.get("note"), f"{spec.text} {tag}"]))
    payload = client.execute(
        document("AmendsOrderNoteUpdate"), {"input": {"id": order_id, "note": note}}
    )["orderUpdate"]
    if payload.get("userErrors"):
        raise PlatformRejected(_describe(payload["userErrors"]))
    tags = client.execute(document("AmendsOrderTagsAdd"), {"id": order_id, "tags": ["amends"]})
    if tags["tagsAdd"].get("userErrors"):
        raise PlatformRejected(_describe(tags["tagsAdd"]["userErrors"]))
    return ActionResult(order_id, created=True)


def fetch_order(client: GraphQL, order_id: str) -> dict[str, Any] | None:
    """Return an order with its fulfillments, tracking and shipping lines."""
    return client.execute(document("AmendsOrder"), {"id": gid("Order", order_id)})["order"]


def fetch_return(client: GraphQL, return_id: str) -> dict[str, Any] | None:
    """Return a return with its lines and their reasons (webhook payloads can be thin)."""
    return client.execute(document("AmendsReturn"), {"id": gid("Return", return_id)})["return"]


def _describe(errors: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{'.'.join(map(str, error.get('field') or []))}: {error.get('message')}"
        for error in errors
    )
