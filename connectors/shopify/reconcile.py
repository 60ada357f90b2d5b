"""Orders updated since a time, read through the Admin GraphQL API, as the reconcile job needs.

Shopify drops a delivery for good once its retries are spent, and deletes an API
subscription after 8 failed ones (shopify.md §1.4, §1.5), so the reconcile job reads
the orders updated since its watermark. Each is kept as the GraphQL node the API
returned, under Amends' own topic, and read into the `OrderChanged` an `orders/*`
webhook would have given: the same status words, numeric ids and money amounts.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from connectors.headers import first_name, parse_timestamp
from connectors.shopify import normalize
from connectors.shopify.client import GraphQL
from connectors.shopify.operations import document
from plugin.events import LineItem, OrderChanged, Shipment
from plugin.platforms import ChangedOrder

# Not a Shopify topic: the inbox topic of an order state the reconcile job fetched.
RECONCILED_ORDER_TOPIC = "amends/order_reconciled"
# 5 orders with 50 lines each is ~900 points, under Shopify's 1000 per query.
ORDERS_PER_PAGE = 5

# OrderDisplayFulfillmentStatus in the words of a webhook's `fulfillment_status`.
_FULFILLMENT = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}
_STOPPED_FULFILLMENTS = ("cancelled", "error", "failure")


def numeric_id(value: Any) -> str | None:
    """Return the number at the end of a global id (gid://shopify/Order/5001 -> 5001)."""
    if value in (None, ""):
        return None
    return str(value).rsplit("/", 1)[-1]


def _amount(money_bag: dict[str, Any] | None) -> str | None:
    amount = ((money_bag or {}).get("shopMoney") or {}).get("amount")
    return None if amount is None else str(amount)


def order_state(node: dict[str, Any]) -> OrderChanged:
    """Read an order node of `AmendsOrdersUpdatedSince` as an `orders/*` payload is read."""
    financial = (node.get("displayFinancialStatus") or "").lower() or None
    customer = node.get("customer") or {}
    return OrderChanged(
        order_id=str(numeric_id(node["id"])),
        updated_at=parse_timestamp(node.get("updatedAt")),
        name=node.get("name"),
        status="cancelled" if node.get("cancelledAt") else "open",
        financial_status=financial,
        fulfillment_status=_FULFILLMENT.get(
            node.get("displayFulfillmentStatus") or "", "unfulfilled"
        ),
        customer_email=node.get("email")
        or (customer.get("defaultEmailAddress") or {}).get("emailAddress"),
        customer_locale=node.get("customerLocale"),
        customer_first_name=first_name(
            customer.get("firstName"),
            (node.get("billingAddress") or {}).get("firstName"),
            (node.get("shippingAddress") or {}).get("firstName"),
        ),
        currency=node.get("currencyCode"),
        total_price=_amount(node.get("totalPriceSet")),
        placed_at=parse_timestamp(node.get("createdAt")),
        paid_at=parse_timestamp(node.get("processedAt")) if financial == "paid" else None,
        line_items=tuple(_line_item(line) for line in (node.get("lineItems") or {})["nodes"]),
        shipping_total=_amount(node.get("totalShippingPriceSet")),
        shipments=tuple(
            _shipment(fulfillment)
            for fulfillment in node.get("fulfillments") or ()
            if (fulfillment.get("status") or "").lower() not in _STOPPED_FULFILLMENTS
        ),
    )


def _line_item(line: dict[str, Any]) -> LineItem:
    return LineItem(
        line_item_id=str(numeric_id(line["id"])),
        product_id=numeric_id((line.get("product") or {}).get("id")),
        variant_id=numeric_id((line.get("variant") or {}).get("id")),
        sku=line.get("sku") or None,
        title=line.get("title"),
        quantity=int(line.get("quantity") or 0),
        price=_amount(line.get("originalUnitPriceSet")),  # asked for by the backfill only
    )


def _shipment(fulfillment: dict[str, Any]) -> Shipment:
    tracking = (fulfillment.get("trackingInfo") or [{}])[0] or {}
    return Shipment(
        tracking_number=tracking.get("number"),
        carrier=tracking.get("company"),
        shipped_at=parse_timestamp(fulfillment.get("createdAt")),
        tracking_url=tracking.get("url"),
        shipment_id=numeric_id(fulfillment.get("id")),
        status=_carrier_status(fulfillment.get("displayStatus")),
        carrier_updates=bool(tracking.get("number")),  # as normalize._shipment reads it
    )


def _carrier_status(display_status: str | None) -> str | None:
    """Read the carrier's word from FulfillmentDisplayStatus, as a webhook's shipment_status.

    The display status also says things no carrier said (FULFILLED, SUBMITTED,
    CANCELED...), which a webhook leaves null; those are None here too.
    """
    value = (display_status or "").lower()
    if value == "not_delivered":
        return "failure"
    return normalize.shipment_status(value) if value in normalize.SHIPMENT_STATUSES else None


def state_key(state: OrderChanged) -> str:
    """Return `order:<id>:<updatedAt>:<digest>`: the same for one state however often read.

    `updatedAt` has one-second resolution; the digest of what Amends keeps tells two
    states of one second apart.
    """
    updated = state.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ") if state.updated_at else ""
    digest = hashlib.sha256(repr(sorted(asdict(state).items())).encode()).hexdigest()[:16]
    return f"order:{state.order_id}:{updated}:{digest}"


def orders_updated_since(client: GraphQL, since: datetime) -> list[dict[str, Any]]:
    """Return every order updated at or after `since`, oldest first, following the cursor."""
    query = f"updated_at:>='{since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"
    orders, cursor = [], None
    while True:
        page = client.execute(
            document("AmendsOrdersUpdatedSince"),
            {"first": ORDERS_PER_PAGE, "after": cursor, "query": query},
        )["orders"]
        orders.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return orders
        cursor = page["pageInfo"]["endCursor"]


def changed_orders(client: GraphQL, since: datetime) -> list[ChangedOrder]:
    """Return each order updated since `since`, as the inbox keeps it."""
    changed = []
    for node in orders_updated_since(client, since):
        state = order_state(node)
        changed.append(
            ChangedOrder(
                order_id=state.order_id,
                updated_at=state.updated_at,
                topic=RECONCILED_ORDER_TOPIC,
                delivery_key=state_key(state),
                body=json.dumps(node, separators=(",", ":"), ensure_ascii=False).encode(),
                state=state,
            )
        )
    return changed
