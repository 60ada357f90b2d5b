"""GraphQL objects for money going back: refunds, returns, and the suggested refund.

They are computed from the stored REST refunds and returns (refunds.py, returns.py)
with the order views of views.py; the suggested refund follows Shopify's
calculation for the arguments given (platforms/shopify.md §3.3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandboxes.shopify import refunds
from sandboxes.shopify.formats import gid, graphql_time, money, parse_gid, set_amount
from sandboxes.shopify.store import SandboxShop
from sandboxes.shopify.views import (
    line_item_view,
    line_view_by_id,
    order_money,
    shipping_line_view,
    transaction_view,
)


def refund_view(shop: SandboxShop, order: dict[str, Any], refund: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL Refund."""
    moved = [t for t in refund.get("transactions") or () if t["status"] == "success"]
    return {
        "__typename": "Refund",
        "id": refund["admin_graphql_api_id"],
        "legacyResourceId": str(refund["id"]),
        "note": refund.get("note"),
        "createdAt": graphql_time(refund["created_at"]),
        "updatedAt": graphql_time(refund["created_at"]),
        "processedAt": graphql_time(refund.get("processed_at") or refund["created_at"]),
        "totalRefundedSet": order_money(
            sum((money(t["amount"]) for t in moved), Decimal(0)), order
        ),
        "refundShippingLines": [
            {
                "id": gid("RefundShippingLine", line["id"]),
                "shippingLine": shipping_line_view(order, line["shipping_line"]),
                "subtotalAmountSet": order_money(set_amount(line["subtotal_amount_set"]), order),
                "taxAmountSet": order_money(Decimal(0), order),
            }
            for line in refund.get("refund_shipping_lines") or ()
        ],
        "refundLineItems": [
            {
                "id": gid("RefundLineItem", item["id"]),
                "lineItem": line_view_by_id(order, item["line_item_id"]),
                "quantity": item["quantity"],
                "restockType": item["restock_type"].upper(),
                "restocked": item["restock_type"] != "no_restock",
                "location": None,
                "priceSet": order_money(money(item["line_item"].get("price")), order),
                "subtotalSet": order_money(set_amount(item["subtotal_set"]), order),
                "totalTaxSet": order_money(Decimal(0), order),
            }
            for item in refund.get("refund_line_items") or ()
        ],
        "transactions": [
            transaction_view(shop, order, t) for t in refund.get("transactions") or ()
        ],
        "duties": [],
        "return": None,
        "staffMember": None,
        "_order": order,
    }


def return_view(shop: SandboxShop, payload: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL Return."""
    record = shop.return_records[payload["id"]]
    order = shop.order(record.order_id)
    decline = record.decline
    return {
        "__typename": "Return",
        "id": payload["admin_graphql_api_id"],
        "name": payload.get("name") or "",
        "status": payload["status"].upper(),
        "createdAt": graphql_time(record.created_at),
        "closedAt": graphql_time(record.closed_at),
        "totalQuantity": sum(line["quantity"] for line in payload["return_line_items"]),
        "decline": {"reason": decline["reason"].upper(), "note": decline.get("note")}
        if decline
        else None,
        "_order": order,
        "returnLineItems": [return_line_view(order, line) for line in payload["return_line_items"]],
        "exchangeLineItems": [],
        "returnShippingFees": [],
        "reverseFulfillmentOrders": [],
        "refunds": [],
    }


def return_line_view(order: dict[str, Any], line: dict[str, Any]) -> dict[str, Any]:
    """Return a GraphQL ReturnLineItem (the ReturnLineItemType the connection yields)."""
    fulfillment_line = line["fulfillment_line_item"]
    definition = line.get("return_reason_definition")
    quantity = line["quantity"]
    return {
        "__typename": "ReturnLineItem",
        "id": line["admin_graphql_api_id"],
        "quantity": quantity,
        "returnReason": line["return_reason"].upper(),
        "returnReasonNote": line.get("return_reason_note") or "",
        "customerNote": line.get("customer_note"),
        "returnReasonDefinition": {
            "id": definition["admin_graphql_api_id"],
            "handle": definition["handle"],
            "name": definition["name"],
            "deleted": definition.get("deleted", False),
        }
        if definition
        else None,
        "processedQuantity": 0,
        "processableQuantity": quantity,
        "unprocessedQuantity": quantity,
        "refundableQuantity": quantity,
        "refundedQuantity": 0,
        "restockingFee": None,
        "fulfillmentLineItem": {
            "id": fulfillment_line["admin_graphql_api_id"],
            "quantity": quantity,
            "lineItem": line_view_by_id(order, fulfillment_line["line_item"]["id"]),
        },
    }


def suggested_refund_view(shop: SandboxShop, order: dict[str, Any], **args: Any) -> dict[str, Any]:
    """Return `Order.suggestedRefund` for the given arguments, as Shopify calculates it."""
    available = refunds.refundable_shipping(order)
    lines = _suggested_lines(order, args)
    if args.get("suggestFullRefund") or args.get("refundShipping"):
        shipping = available
    elif args.get("shippingAmount") is not None:
        shipping = min(money(args["shippingAmount"]), available)
    else:
        shipping = Decimal(0)
    subtotal = sum((money(line["price"]) * quantity for line, quantity, _ in lines), Decimal(0))
    net = refunds.net_payment(shop, order)
    amount = min(subtotal + shipping, net)
    return {
        "__typename": "SuggestedRefund",
        "amountSet": order_money(amount, order),
        "maximumRefundableSet": order_money(net, order),
        "subtotalSet": order_money(subtotal, order),
        "discountedSubtotalSet": order_money(subtotal, order),
        "totalTaxSet": order_money(Decimal(0), order),
        "totalCartDiscountAmountSet": order_money(Decimal(0), order),
        "totalDutiesSet": order_money(Decimal(0), order),
        "shipping": {
            "amountSet": order_money(shipping, order),
            "maximumRefundableSet": order_money(available, order),
            "taxSet": order_money(Decimal(0), order),
        },
        "refundLineItems": [
            {
                "lineItem": line_item_view(order, line),
                "quantity": quantity,
                "restockType": restock,
                "restocked": restock != "NO_RESTOCK",
                "location": None,
                "priceSet": order_money(money(line["price"]), order),
                "subtotalSet": order_money(money(line["price"]) * quantity, order),
                "totalTaxSet": order_money(Decimal(0), order),
            }
            for line, quantity, restock in lines
        ],
        "refundDuties": [],
        "suggestedTransactions": _suggested_transactions(shop, order, amount),
        "suggestedRefundMethods": [],
    }


def _suggested_lines(order: dict[str, Any], args: dict[str, Any]) -> list[tuple[dict, int, str]]:
    lines = {line["id"]: line for line in order.get("line_items") or ()}
    if args.get("suggestFullRefund"):
        return [
            (line, refunds.refundable_quantity(order, line), "NO_RESTOCK")
            for line in lines.values()
            if refunds.refundable_quantity(order, line) > 0
        ]
    chosen = []
    for item in args.get("refundLineItems") or ():
        line = lines.get(parse_gid(item.get("lineItemId"), "LineItem") or -1)
        if line is not None:
            quantity = min(int(item.get("quantity") or 0), refunds.refundable_quantity(order, line))
            chosen.append((line, quantity, item.get("restockType") or "NO_RESTOCK"))
    return chosen


def _suggested_transactions(shop: SandboxShop, order: dict[str, Any], amount: Decimal) -> list:
    suggested = []
    for parent, left in refunds.parents(shop, order):
        if amount <= 0:
            break
        part = min(amount, left)
        if part <= 0:
            continue
        amount -= part
        suggested.append(
            {
                "__typename": "SuggestedOrderTransaction",
                "kind": "SUGGESTED_REFUND",
                "gateway": parent.get("gateway"),
                "formattedGateway": (parent.get("gateway") or "").replace("_", " ").title(),
                "amountSet": order_money(part, order),
                "maximumRefundableSet": order_money(left, order),
                "parentTransaction": transaction_view(shop, order, parent),
            }
        )
    return suggested
