"""A shop's past orders, with their refunds and returns, read through Admin GraphQL for a backfill.

Each order is kept as the GraphQL node the API returned, under Amends' own topic,
and read into the events its webhooks would have given: `orders/*` (through the
reconcile reader), `refunds/create` and `returns/request` (through the webhook
readers, the node's refunds and returns put in their REST shape), so the same
reasons and the same ids come out. The client waits for the cost bucket.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from connectors.shopify import normalize
from connectors.shopify.client import GraphQL
from connectors.shopify.operations import document
from connectors.shopify.reconcile import numeric_id, order_state
from plugin.events import Backfilled, Event, OrderChanged, RefundRecorded, ReturnRequested
from plugin.platforms import ChangedOrder, HistoryPage, is_own_write

# Not a Shopify topic: the inbox topic of a past order a backfill read.
BACKFILLED_ORDER_TOPIC = "amends/order_backfilled"
# An order with its lines, refunds and returns is priced 434 points; 2 fit in 1000.
ORDERS_PER_PAGE = 2

Classify = Callable[[str | None], str]


def history_page(client: GraphQL, since: datetime, cursor: str | None) -> HistoryPage:
    """Return the orders created at or after `since` that follow `cursor`, oldest first."""
    query = f"created_at:>='{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    page = client.execute(
        document("AmendsOrdersCreatedSince"),
        {"first": ORDERS_PER_PAGE, "after": cursor, "query": query},
    )["orders"]
    info = page["pageInfo"]
    return HistoryPage(
        orders=tuple(_kept(node) for node in page["nodes"]),
        cursor=info["endCursor"] if info["hasNextPage"] else None,
    )


def _kept(node: dict[str, Any]) -> ChangedOrder:
    """Return an order node as the inbox keeps it: the same key however often it is read."""
    state = order_state(node)
    body = json.dumps(node, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()
    digest = hashlib.sha256(body).hexdigest()[:16]
    return ChangedOrder(
        order_id=state.order_id,
        updated_at=state.updated_at,
        topic=BACKFILLED_ORDER_TOPIC,
        delivery_key=f"backfill:order:{state.order_id}:{node.get('updatedAt') or ''}:{digest}",
        body=body,
        state=state,
    )


def backfilled_events(node: dict[str, Any], classify: Classify) -> list[Event]:
    """Read a backfilled order node: its state, its refunds and its returns, as `Backfilled`."""
    state = order_state(node)
    refunds = [
        normalize.refund_created(_rest_refund(state.order_id, refund), classify)
        for refund in node.get("refunds") or ()
        if not is_own_write(refund.get("note"))  # Amends' own, left out as their webhooks are
    ]
    returns = [
        normalize.return_requested(_rest_return(state.order_id, returned), classify)
        for returned in (node.get("returns") or {}).get("nodes") or ()
    ]
    past: list[OrderChanged | RefundRecorded | ReturnRequested] = [state, *refunds, *returns]
    events: list[Event] = [Backfilled(event) for event in past]
    return events


def _rest_line(line: dict[str, Any] | None) -> dict[str, Any]:
    """Return an order line node in the REST shape refund and return payloads carry."""
    line = line or {}
    return {
        "id": numeric_id(line.get("id")),
        "product_id": numeric_id((line.get("product") or {}).get("id")),
        "variant_id": numeric_id((line.get("variant") or {}).get("id")),
        "sku": line.get("sku"),
        "title": line.get("title"),
    }


def _rest_refund(order_id: str, refund: dict[str, Any]) -> dict[str, Any]:
    """Return a Refund node in the shape of a `refunds/create` payload."""
    return {
        "id": numeric_id(refund["id"]),
        "order_id": order_id,
        "note": refund.get("note"),
        "created_at": refund.get("createdAt"),
        "return": {"id": numeric_id((refund.get("return") or {}).get("id"))},
        "refund_line_items": [
            {"quantity": item.get("quantity"), "line_item": _rest_line(item.get("lineItem"))}
            for item in (refund.get("refundLineItems") or {}).get("nodes") or ()
        ],
    }


def _rest_return(order_id: str, returned: dict[str, Any]) -> dict[str, Any]:
    """Return a Return node in the shape of a `returns/request` payload."""
    return {
        "id": numeric_id(returned["id"]),
        "order": {"id": order_id},
        "created_at": returned.get("createdAt"),
        "return_line_items": [
            {
                "quantity": line.get("quantity"),
                "return_reason": (line.get("returnReason") or "").lower() or None,
                "return_reason_note": line.get("returnReasonNote"),
                "customer_note": line.get("customerNote"),
                "return_reason_definition": line.get("returnReasonDefinition"),
                "fulfillment_line_item": {
                    "line_item": _rest_line((line.get("fulfillmentLineItem") or {}).get("lineItem"))
                },
            }
            for line in (returned.get("returnLineItems") or {}).get("nodes") or ()
        ],
    }
