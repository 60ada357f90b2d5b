"""Returns: requested by the customer, then approved or declined, then closed.

Payloads follow Shopify's returns/* samples (platforms/shopify.md §2.5): thin, no
timestamps, the order only as ids, reasons lowercased; `returns/decline` carries just
the status and the decline. A line may carry a `return_reason_definition` (2026-01+,
the key's presence in webhooks is UNVERIFIED); it is sent only when given.
"""

from __future__ import annotations

import copy
from typing import Any

from sandboxes.shopify.consts import API_VERSION
from sandboxes.shopify.formats import gid
from sandboxes.shopify.orders import Notification
from sandboxes.shopify.schema import enum_values
from sandboxes.shopify.store import Conflict, ReturnRecord, SandboxShop


def request_return(
    shop: SandboxShop, order: dict[str, Any], body: dict[str, Any]
) -> tuple[dict[str, Any], list[Notification]]:
    """Open a return in REQUESTED for lines of the order: returns/request, orders/updated."""
    lines = body.get("lines") or body.get("return_line_items") or []
    if not lines:
        raise Conflict("a return needs at least one line")
    if body.get("id") and int(body["id"]) in shop.returns:
        raise Conflict(f"return {body['id']} already exists")
    checked = [(_check(order, line), line) for line in lines]  # refuse before writing anything
    return_id = shop.reserve_id(int(body["id"])) if body.get("id") else shop.next_id()
    count = sum(1 for record in shop.return_records.values() if record.order_id == order["id"])
    payload = {
        "id": return_id,
        "admin_graphql_api_id": gid("Return", return_id),
        "status": "requested",
        "name": f"{order['name']}-R{count + 1}",
        "order": {"id": order["id"], "admin_graphql_api_id": order["admin_graphql_api_id"]},
        "total_return_line_items": 0,
        "total_exchange_line_items": 0,
        "return_line_items": [
            _line(shop, item, given, body.get("customer_note")) for item, given in checked
        ],
        "exchange_line_items": [],
        "return_shipping_fees": [],
    }
    payload["total_return_line_items"] = sum(
        line["quantity"] for line in payload["return_line_items"]
    )
    shop.returns[return_id] = payload
    shop.return_records[return_id] = ReturnRecord(order_id=order["id"], created_at=shop.stamp())
    order["returns"].append(
        {"id": return_id, "admin_graphql_api_id": payload["admin_graphql_api_id"]}
    )
    shop.touch(order)
    return payload, [("returns/request", payload), ("orders/updated", order)]


def _check(order: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Return the order line a return line names, or raise Conflict."""
    line_item_id = int(given.get("line_item_id") or 0)
    line = next((item for item in order["line_items"] if item["id"] == line_item_id), None)
    if line is None:
        raise Conflict(f"order {order['id']} has no line item {line_item_id}")
    quantity = int(given.get("quantity") or 1)
    if quantity < 1 or quantity > line["quantity"]:
        raise Conflict(f"line item {line_item_id} has {line['quantity']} units")
    reasons = enum_values("ReturnReason", API_VERSION)  # as the published schema has them
    if str(given.get("return_reason") or "unknown").lower() not in reasons:
        raise Conflict(f"return_reason must be one of {', '.join(sorted(reasons))}")
    return line


def _line(shop: SandboxShop, line: dict, given: dict, customer_note: str | None) -> dict:
    line_item_id = line["id"]
    quantity = int(given.get("quantity") or 1)
    reason = str(given.get("return_reason") or "unknown").lower()
    number = shop.next_id()
    fulfillment_line_id = _fulfillment_line(shop, line_item_id)
    result = {
        "id": number,
        "admin_graphql_api_id": gid("ReturnLineItem", number),
        "quantity": quantity,
        "return_reason": reason,
        "return_reason_note": given.get("return_reason_note") or "",
        "customer_note": given.get("customer_note", customer_note),
        "fulfillment_line_item": {
            "id": fulfillment_line_id,
            "admin_graphql_api_id": gid("FulfillmentLineItem", fulfillment_line_id),
            "line_item": {"id": line_item_id, "admin_graphql_api_id": line["admin_graphql_api_id"]},
        },
    }
    definition = given.get("return_reason_definition")
    if definition:
        result["return_reason_definition"] = _definition(shop, definition)
    return result


def _fulfillment_line(shop: SandboxShop, line_item_id: int) -> int:
    for number, (_, item_id, _) in shop.fulfillment_lines.items():
        if item_id == line_item_id:
            return number
    # Shopify only returns fulfilled units; the sandbox is lenient so scenarios can skip
    # the fulfillment step, and gives the line a fulfillment line id of its own.
    number = shop.next_id()
    shop.fulfillment_lines[number] = (0, line_item_id, 0)
    return number


def _definition(shop: SandboxShop, given: dict[str, Any]) -> dict[str, Any]:
    number = int(given.get("id") or shop.next_id())
    handle = given.get("handle") or "other"
    return {
        "id": number,
        "admin_graphql_api_id": gid("ReturnReasonDefinition", number),
        "handle": handle,
        "name": given.get("name") or handle.replace("-", " ").capitalize(),
        "deleted": bool(given.get("deleted", False)),
    }


def approve(shop: SandboxShop, return_id: int) -> list[Notification]:
    """Approve a requested return (status open): returns/approve, orders/updated."""
    payload = _move(shop, return_id, "requested", "open")
    return [("returns/approve", payload), *_order_changed(shop, return_id)]


def decline(shop: SandboxShop, return_id: int, body: dict[str, Any]) -> list[Notification]:
    """Decline a requested return: a small returns/decline payload, orders/updated."""
    reason = str(body.get("reason") or "other").lower()
    reasons = enum_values("ReturnDeclineReason", API_VERSION)
    if reason not in reasons:
        raise Conflict(f"reason must be one of {', '.join(sorted(reasons))}")
    payload = _move(shop, return_id, "requested", "declined")
    decline_info = {"reason": reason, "note": body.get("note")}
    shop.return_records[return_id].decline = decline_info
    small = {
        "id": payload["id"],
        "admin_graphql_api_id": payload["admin_graphql_api_id"],
        "status": "declined",
        "decline": decline_info,
    }
    return [("returns/decline", small), *_order_changed(shop, return_id)]


def close(shop: SandboxShop, return_id: int) -> list[Notification]:
    """Close an open return: returns/close, orders/updated."""
    payload = _move(shop, return_id, "open", "closed")
    shop.return_records[return_id].closed_at = shop.stamp()
    return [("returns/close", payload), *_order_changed(shop, return_id)]


def _move(shop: SandboxShop, return_id: int, expected: str, status: str) -> dict[str, Any]:
    payload = shop.return_(return_id)
    if payload["status"] != expected:
        raise Conflict(f"return {return_id} is {payload['status']}, not {expected}")
    payload["status"] = status
    return copy.deepcopy(payload)


def _order_changed(shop: SandboxShop, return_id: int) -> list[Notification]:
    order = shop.order(shop.return_records[return_id].order_id)
    shop.touch(order)
    return [("orders/updated", order)]
