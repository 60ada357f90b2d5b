"""Orders as a merchant's store lives them: placed, paid, fulfilled, tracked.

Each step changes the stored REST order exactly as Shopify's webhooks would show it,
bumps `updated_at`, and returns the notifications (topic, payload) the platform
sends for it; the caller publishes them as one event. See platforms/shopify.md §2.1-2.3.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from sandboxes.shopify.formats import (
    gid,
    money,
    parse_time,
    rest_amount,
    rest_money_set,
    rest_time,
    set_amount,
)
from sandboxes.shopify.store import Conflict, SandboxShop

Notification = tuple[str, dict[str, Any]]

# The 11 FulfillmentEventStatus values, lowercased as webhooks spell them (§2.3).
EVENT_STATUSES = frozenset(
    {
        "attempted_delivery",
        "carrier_picked_up",
        "confirmed",
        "delayed",
        "delivered",
        "failure",
        "in_transit",
        "label_printed",
        "label_purchased",
        "out_for_delivery",
        "ready_for_pickup",
    }
)


def _assign(shop: SandboxShop, item: dict[str, Any], kind: str) -> int:
    number = item.get("id")
    number = shop.reserve_id(int(number)) if number else shop.next_id()
    item["id"] = number
    item["admin_graphql_api_id"] = gid(kind, number)
    return number


def place_order(shop: SandboxShop, body: dict[str, Any]) -> tuple[dict[str, Any], list]:
    """Store an order given in webhook shape; fill in what Shopify would have assigned."""
    order = copy.deepcopy(body)
    transactions = order.pop("transactions", None) or []
    if order.get("id") and int(order["id"]) in shop.orders:
        raise Conflict(f"order {order['id']} already exists")
    order_id = _assign(shop, order, "Order")
    now = shop.stamp()
    number = order.get("order_number") or 1000 + len(shop.orders) + 1
    order.setdefault("order_number", number)
    order.setdefault("number", number - 1000 if number > 1000 else number)
    order.setdefault("name", f"#{number}")
    for key in ("created_at", "processed_at", "updated_at"):
        order.setdefault(key, now)
    order.setdefault("currency", shop.currency)
    order.setdefault("presentment_currency", order["currency"])
    order.setdefault("financial_status", "pending")
    order.setdefault("fulfillment_status", None)
    order.setdefault("cancelled_at", None)
    order.setdefault("tags", "")
    order.setdefault("note", None)
    order.setdefault("test", False)
    for key in ("fulfillments", "refunds", "returns", "line_items", "shipping_lines"):
        order.setdefault(key, [])
    _complete_lines(shop, order)
    _complete_totals(order)
    if order.get("customer"):
        _assign(shop, order["customer"], "Customer")
    shop.orders[order_id] = order
    for transaction in transactions:
        _record_transaction(shop, order, transaction)
    notifications: list[Notification] = [("orders/create", order)]
    if order["financial_status"] == "paid":
        _ensure_sale(shop, order)
        notifications.append(("orders/paid", order))
    return order, notifications


def _complete_lines(shop: SandboxShop, order: dict[str, Any]) -> None:
    for line in order["line_items"]:
        _assign(shop, line, "LineItem")
        quantity = int(line.get("quantity") or 1)
        line["quantity"] = quantity
        line.setdefault("current_quantity", quantity)
        line.setdefault("fulfillable_quantity", quantity)
        line.setdefault("fulfillment_status", None)
        line.setdefault("price", "0.00")
        line.setdefault("price_set", rest_money_set(money(line["price"]), order["currency"]))
        line.setdefault("title", line.get("name") or f"Item {line['id']}")
        line.setdefault("name", line["title"])
        line.setdefault("requires_shipping", True)
    for shipping_line in order["shipping_lines"]:
        shipping_line["id"] = int(shipping_line.get("id") or shop.next_id())
        shop.reserve_id(shipping_line["id"])
        shipping_line.setdefault("price", "0.00")
        shipping_line.setdefault("discounted_price", shipping_line["price"])
        shipping_line.setdefault("is_removed", False)
        for key in ("price", "discounted_price"):
            shipping_line.setdefault(
                f"{key}_set", rest_money_set(money(shipping_line[key]), order["currency"])
            )


def _complete_totals(order: dict[str, Any]) -> None:
    currency = order["currency"]
    subtotal = sum(
        (money(line["price"]) * line["quantity"] for line in order["line_items"]), Decimal(0)
    )
    shipping = shipping_total(order)
    order.setdefault("subtotal_price", rest_amount(subtotal))
    order.setdefault("total_price", rest_amount(subtotal + shipping))
    order.setdefault("current_total_price", order["total_price"])
    order.setdefault("total_shipping_price_set", rest_money_set(shipping, currency))
    for key in ("subtotal_price", "total_price", "current_total_price"):
        order.setdefault(f"{key}_set", rest_money_set(money(order[key]), currency))


def shipping_total(order: dict[str, Any]) -> Decimal:
    """Return what the customer paid for shipping, over the lines not removed."""
    lines = [line for line in order.get("shipping_lines") or () if not line.get("is_removed")]
    if lines:
        return sum(
            (money(line.get("discounted_price", line.get("price"))) for line in lines), Decimal(0)
        )
    return set_amount(order.get("total_shipping_price_set"))


def _record_transaction(shop: SandboxShop, order: dict[str, Any], given: dict[str, Any]) -> dict:
    transaction = {
        "kind": "sale",
        "status": "success",
        "gateway": (order.get("payment_gateway_names") or ["shopify_payments"])[0],
        "amount": order.get("total_price", "0.00"),
        **given,
    }
    _assign(shop, transaction, "OrderTransaction")
    transaction["amount"] = rest_amount(money(transaction["amount"]))
    transaction.setdefault("order_id", order["id"])
    transaction.setdefault("parent_id", None)
    transaction.setdefault("currency", order["currency"])
    transaction.setdefault("created_at", order["processed_at"])
    transaction.setdefault("processed_at", transaction["created_at"])
    transaction.setdefault("test", bool(order.get("test")))
    shop.order_transactions(order["id"]).append(transaction)
    return transaction


def _ensure_sale(shop: SandboxShop, order: dict[str, Any]) -> None:
    if not any(
        t["kind"] in ("sale", "capture") and t["status"] == "success"
        for t in shop.order_transactions(order["id"])
    ):
        _record_transaction(shop, order, {"created_at": shop.stamp()})


def pay(shop: SandboxShop, order: dict[str, Any]) -> list[Notification]:
    """Mark the order paid (a successful sale for its total): orders/paid, orders/updated."""
    if order["financial_status"] == "paid":
        raise Conflict(f"order {order['id']} is already paid")
    _ensure_sale(shop, order)
    order["financial_status"] = "paid"
    order["processed_at"] = shop.stamp()
    shop.touch(order)
    return [("orders/paid", order), ("orders/updated", order)]


def fulfill(shop: SandboxShop, order: dict[str, Any], body: dict[str, Any]) -> tuple[dict, list]:
    """Ship items of the order with tracking; return the fulfillment and its notifications."""
    wanted = _wanted_lines(order, body.get("line_items"))
    if not wanted:
        raise Conflict(f"order {order['id']} has nothing left to fulfill")
    number = body.get("tracking_number")
    url = body.get("tracking_url")
    fulfillment = {
        "id": body.get("id"),
        "order_id": order["id"],
        "name": f"{order['name']}.{len(order['fulfillments']) + 1}",
        "status": "success",
        "service": "manual",
        "location_id": body.get("location_id"),
        "created_at": shop.stamp(),
        "updated_at": shop.stamp(),
        "tracking_company": body.get("tracking_company"),
        "tracking_number": number,
        "tracking_numbers": [number] if number else [],
        "tracking_url": url,
        "tracking_urls": [url] if url else [],
        "shipment_status": None,
        "origin_address": {},
        "receipt": {},
        "email": order.get("email"),
        "destination": order.get("shipping_address"),
        "line_items": [],
    }
    _assign(shop, fulfillment, "Fulfillment")
    for line, quantity in wanted:
        line["fulfillable_quantity"] -= quantity
        line["fulfillment_status"] = "fulfilled" if line["fulfillable_quantity"] == 0 else "partial"
        fulfillment["line_items"].append({**copy.deepcopy(line), "quantity": quantity})
        shop.fulfillment_lines[shop.next_id()] = (fulfillment["id"], line["id"], quantity)
    order["fulfillments"].append(fulfillment)
    done = all(line["fulfillable_quantity"] == 0 for line in order["line_items"])
    order["fulfillment_status"] = "fulfilled" if done else "partial"
    shop.touch(order)
    topic = "orders/fulfilled" if done else "orders/partially_fulfilled"
    return fulfillment, [
        ("fulfillments/create", fulfillment),
        (topic, order),
        ("orders/updated", order),
    ]


def _wanted_lines(order: dict[str, Any], requested: Any) -> list[tuple[dict, int]]:
    lines = {line["id"]: line for line in order["line_items"]}
    if not requested:
        return [
            (line, line["fulfillable_quantity"])
            for line in lines.values()
            if line["fulfillable_quantity"] > 0
        ]
    wanted = []
    for item in requested:
        line = lines.get(int(item.get("id") or item.get("line_item_id") or 0))
        if line is None:
            raise Conflict(f"order {order['id']} has no line item {item!r}")
        quantity = int(item.get("quantity") or line["fulfillable_quantity"])
        if quantity < 1 or quantity > line["fulfillable_quantity"]:
            raise Conflict(f"line item {line['id']} has {line['fulfillable_quantity']} to fulfill")
        wanted.append((line, quantity))
    return wanted


def add_fulfillment_event(
    shop: SandboxShop, order: dict[str, Any], body: dict[str, Any]
) -> tuple[dict, list]:
    """Record a carrier tracking event; the fulfillment's `shipment_status` follows it."""
    status = str(body.get("status") or "").lower()
    if status not in EVENT_STATUSES:
        raise Conflict(f"status must be one of {', '.join(sorted(EVENT_STATUSES))}")
    fulfillment = _target_fulfillment(order, body.get("fulfillment_id"))
    now = shop.stamp()
    happened = parse_time(body.get("happened_at"))
    estimated = parse_time(body.get("estimated_delivery_at"))
    event = {
        "id": body.get("id"),
        "fulfillment_id": fulfillment["id"],
        "order_id": order["id"],
        "shop_id": shop.config.shop_id,
        "status": status,
        "message": body.get("message"),
        "happened_at": rest_time(happened) if happened else now,
        "estimated_delivery_at": rest_time(estimated) if estimated else None,
        **{key: body.get(key) for key in ("city", "province", "country", "zip", "address1")},
        "latitude": body.get("latitude"),
        "longitude": body.get("longitude"),
        "created_at": now,
        "updated_at": now,
    }
    _assign(shop, event, "FulfillmentEvent")
    shop.fulfillment_events.setdefault(fulfillment["id"], []).append(event)
    fulfillment["shipment_status"] = status
    fulfillment["updated_at"] = now
    shop.touch(order)
    return event, [
        ("fulfillment_events/create", event),
        ("fulfillments/update", fulfillment),
        ("orders/updated", order),
    ]


def _target_fulfillment(order: dict[str, Any], fulfillment_id: Any) -> dict[str, Any]:
    fulfillments = order.get("fulfillments") or []
    if not fulfillments:
        raise Conflict(f"order {order['id']} has no fulfillment to track")
    if fulfillment_id is None:
        return fulfillments[-1]
    for fulfillment in fulfillments:
        if fulfillment["id"] == int(fulfillment_id):
            return fulfillment
    raise Conflict(f"order {order['id']} has no fulfillment {fulfillment_id}")


def record_transaction(shop: SandboxShop, order: dict[str, Any], given: dict[str, Any]) -> dict:
    """Add a payment transaction (REST shape) to the order's ledger."""
    return _record_transaction(shop, order, given)
