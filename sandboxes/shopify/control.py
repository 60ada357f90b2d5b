"""/_sandbox/...: script the store the way a merchant, a customer and a carrier would.

Each route changes the store as that real-world step would and sends the webhooks
Shopify sends for it, as one event (one X-Shopify-Event-Id). Payloads in and out are
in the webhook (REST) shape. The clock and delivery routes let a test move time and
wait for deliveries instead of sleeping. Bad input is a 4xx with a reason; nothing is
changed then.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, request

from sandboxes.control_index import control_routes
from sandboxes.shopify import orders, refunds, returns
from sandboxes.shopify.formats import money, rest_time
from sandboxes.shopify.refunds import RefundLine, RefundRequest, RefundTransaction
from sandboxes.shopify.state import current_state
from sandboxes.shopify.store import Conflict, NotFound
from sandboxes.shopify.subscriptions import COMPLIANCE_TOPICS

blueprint = Blueprint("shopify_sandbox_control", __name__, url_prefix="/_sandbox")

SHOP_REDACT_DELAY = 48 * 3600.0


@blueprint.errorhandler(NotFound)
def _not_found(error: NotFound) -> tuple[Response, int]:
    return jsonify(error="not_found", message=str(error)), 404


@blueprint.errorhandler(Conflict)
def _conflict(error: Conflict) -> tuple[Response, int]:
    return jsonify(error="conflict", message=str(error)), 409


@blueprint.errorhandler(ValueError)
@blueprint.errorhandler(TypeError)
@blueprint.errorhandler(KeyError)
def _malformed(error: Exception) -> tuple[Response, int]:
    """Answer input the store cannot read (an id that is not a number...) with a 400."""
    return jsonify(error="bad_request", message=f"malformed input: {error}"), 400


# What each route takes as its JSON body, for the index at GET /_sandbox/.
BODIES = {
    "POST /_sandbox/orders": "an order in the orders/create webhook shape (id, email, customer,"
    " line_items, shipping_lines, transactions...); what is left out is filled in",
    "POST /_sandbox/orders/<int:order_id>/fulfill": '{"line_items": [{"id", "quantity"}],'
    ' "tracking_number", "tracking_company", "tracking_url"}; no line_items: all that is left',
    "POST /_sandbox/orders/<int:order_id>/fulfillment_events": '{"status": "delayed" |'
    ' "failure" | "delivered" | ..., "fulfillment_id", "message", "happened_at",'
    ' "estimated_delivery_at"}',
    "POST /_sandbox/orders/<int:order_id>/returns": '{"lines": [{"line_item_id", "quantity",'
    ' "return_reason", "return_reason_note", "return_reason_definition"}], "customer_note"}',
    "POST /_sandbox/returns/<int:return_id>/<action>": "action approve | decline | close;"
    ' decline takes {"reason": a ReturnDeclineReason, "note"}',
    "POST /_sandbox/orders/<int:order_id>/refunds": '{"note", "notify", "shipping":'
    ' {"full_refund": true} | {"amount"}, "refund_line_items": [{"line_item_id", "quantity",'
    ' "restock_type"}], "transactions": [{"parent_id", "amount", "gateway", "kind"}]};'
    " no transactions: back through the order's sales",
    "POST /_sandbox/compliance/<path:topic>": "topic customers/data_request | customers/redact"
    ' | shop/redact; {"customer_id", "customer": {"email", "phone"}, "orders_to_redact" |'
    ' "orders_requested", "data_request_id"}',
    "POST /_sandbox/webhooks/flush": '{"timeout": seconds (30)}',
    "GET /_sandbox/deliveries": "none; ?topic= keeps one topic",
    "POST /_sandbox/clock/advance": '{"seconds": N}',
}


@blueprint.get("/")
def index():  # noqa: ANN201
    """List the scripting routes: method, path, what each does and the body it takes."""
    return jsonify(routes=control_routes(current_app, blueprint.name, BODIES))


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        abort(400, description="the body must be a JSON object")
    return body


@blueprint.post("/orders")
def place_order():  # noqa: ANN201
    """Store an order given in the orders/create webhook shape; send orders/create (+ paid)."""
    body, state = _body(), current_state()
    with state.shop.lock:
        order, notifications = orders.place_order(state.shop, body)
        state.publish(notifications)
        return jsonify(order=order), 201


@blueprint.get("/orders/<int:order_id>")
def show_order(order_id: int):  # noqa: ANN201
    """Return the stored order, its payment ledger and the refunds the customer was told of."""
    state = current_state()
    with state.shop.lock:
        shop = state.shop
        order = shop.order(order_id)
        notified = [
            r["id"] for r in order["refunds"] if shop.refund_notes.get(r["id"], {}).get("notify")
        ]
        return jsonify(
            order=order,
            transactions=shop.order_transactions(order_id),
            customer_notified_of_refunds=notified,
        )


@blueprint.post("/orders/<int:order_id>/pay")
def pay(order_id: int):  # noqa: ANN201
    """Take payment for the order's total."""
    state = current_state()
    with state.shop.lock:
        order = state.shop.order(order_id)
        state.publish(orders.pay(state.shop, order))
        return jsonify(order=order)


@blueprint.post("/orders/<int:order_id>/fulfill")
def fulfill(order_id: int):  # noqa: ANN201
    """Ship (some of) the order with tracking number, company and URL."""
    return _create_on_order(order_id, orders.fulfill, "fulfillment")


@blueprint.post("/orders/<int:order_id>/fulfillment_events")
def fulfillment_event(order_id: int):  # noqa: ANN201
    """Post a carrier event (delayed, failure, delivered...) on a fulfillment."""
    return _create_on_order(order_id, orders.add_fulfillment_event, "fulfillment_event")


@blueprint.post("/orders/<int:order_id>/returns")
def request_return(order_id: int):  # noqa: ANN201
    """Have the customer request a return of some lines, with reasons."""
    return _create_on_order(order_id, returns.request_return, "return")


def _create_on_order(order_id: int, create: Callable[..., tuple[Any, Any]], name: str):  # noqa: ANN202
    """Run `create(shop, order, body)`, send what it notifies, answer 201 with `{name: it}`."""
    body, state = _body(), current_state()
    with state.shop.lock:
        created, notifications = create(state.shop, state.shop.order(order_id), body)
        state.publish(notifications)
        return jsonify({name: created}), 201


@blueprint.post("/returns/<int:return_id>/<action>")
def move_return(return_id: int, action: str):  # noqa: ANN201
    """Approve, decline or close a return."""
    body, state = _body(), current_state()
    steps = {
        "approve": lambda: returns.approve(state.shop, return_id),
        "decline": lambda: returns.decline(state.shop, return_id, body),
        "close": lambda: returns.close(state.shop, return_id),
    }
    if action not in steps:
        abort(404, description=f"no return action {action!r}")
    with state.shop.lock:
        state.shop.return_(return_id)
        state.publish(steps[action]())
        return jsonify(**{"return": state.shop.return_(return_id)})


@blueprint.post("/orders/<int:order_id>/refunds")
def staff_refund(order_id: int):  # noqa: ANN201
    """Refund from the admin: shipping and/or lines, money back through the sale by default."""
    body, state = _body(), current_state()
    with state.shop.lock:
        shop = state.shop
        order = shop.order(order_id)
        request_ = _staff_refund_request(shop, order, body)
        errors = refunds.problems(shop, order, request_)
        if errors:
            return jsonify(error="invalid_refund", errors=errors), 422
        refund, notifications = refunds.create_refund(shop, order, request_)
        state.publish(notifications)
        return jsonify(refund=refund), 201


def _staff_refund_request(shop: Any, order: dict[str, Any], body: dict[str, Any]) -> RefundRequest:
    shipping = body.get("shipping") or {}
    try:
        request_ = RefundRequest(
            note=body.get("note"),
            notify=bool(body.get("notify")),
            full_shipping=bool(shipping.get("full_refund")),
            shipping_amount=money(shipping["amount"])
            if shipping.get("amount") is not None
            else None,
            lines=[
                RefundLine(
                    int(item["line_item_id"]),
                    int(item.get("quantity") or 1),
                    item.get("restock_type") or "no_restock",
                )
                for item in body.get("refund_line_items") or ()
            ],
            transactions=[
                RefundTransaction(
                    int(item["parent_id"]) if item.get("parent_id") else None,
                    money(item["amount"]),
                    item.get("gateway"),
                    item.get("kind") or "refund",
                )
                for item in body.get("transactions") or ()
            ],
        )
    except (KeyError, TypeError, ValueError) as error:
        abort(400, description=f"malformed refund: {error}")
    if "transactions" not in body:
        request_.transactions = _through_sales(shop, order, request_)
    return request_


def _through_sales(
    shop: Any, order: dict[str, Any], request_: RefundRequest
) -> list[RefundTransaction]:
    """Move the refund's value back through the order's sales, as the admin does by default."""
    lines = {line["id"]: line for line in order["line_items"]}
    amount = refunds.shipping_to_refund(order, request_) + sum(
        (
            money(lines[item.line_item_id]["price"]) * item.quantity
            for item in request_.lines
            if item.line_item_id in lines
        ),
        Decimal(0),
    )
    amount = min(amount, refunds.net_payment(shop, order))
    moved = []
    for parent, left in refunds.parents(shop, order):
        part = min(amount, left)
        if part > 0:
            moved.append(RefundTransaction(parent["id"], part, parent.get("gateway")))
            amount -= part
    return moved


@blueprint.post("/uninstall")
def uninstall():  # noqa: ANN201
    """Uninstall the app: app/uninstalled now, tokens revoked, shop/redact in 48 hours."""
    state = current_state()
    with state.shop.lock:
        shop = state.shop
        state.publish([("app/uninstalled", shop.shop_resource())])
        shop.tokens.revoke_all()
        shop.installed = False
        state.hub.installed = False
        state.hub.remove_shop_subscriptions()
        redact = {"shop_id": shop.config.shop_id, "shop_domain": shop.domain}
        state.publish([("shop/redact", redact)], delay=SHOP_REDACT_DELAY)
    return jsonify(installed=False)


@blueprint.post("/compliance/<path:topic>")
def compliance(topic: str):  # noqa: ANN201
    """Send a compliance webhook: customers/data_request, customers/redact or shop/redact."""
    if topic not in COMPLIANCE_TOPICS:
        abort(404, description=f"{topic} is not a compliance topic")
    body, state = _body(), current_state()
    with state.shop.lock:
        payload = _compliance_payload(state.shop, topic, body)
        event_id = state.publish([(topic, payload)])
    return jsonify(topic=topic, payload=payload, event_id=event_id)


def _compliance_payload(shop: Any, topic: str, body: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = {"shop_id": shop.config.shop_id, "shop_domain": shop.domain}
    if topic == "shop/redact":
        return payload
    given = body.get("customer") or {}
    customer_id = body.get("customer_id") or given.get("id")
    known = (shop.customer(int(customer_id)) if customer_id else None) or {}
    customer = {
        "id": customer_id,
        "email": given.get("email", known.get("email")),
        "phone": given.get("phone", known.get("phone")),
    }
    order_ids = [o["id"] for o in shop.customer_orders(int(customer_id))] if customer_id else []
    payload["customer"] = customer
    if topic == "customers/redact":
        payload["orders_to_redact"] = body.get("orders_to_redact", order_ids)
    else:
        payload["orders_requested"] = body.get("orders_requested", order_ids)
        payload["data_request"] = {"id": body.get("data_request_id") or shop.next_id()}
    return payload


@blueprint.post("/webhooks/flush")
def flush():  # noqa: ANN201
    """Wait until every delivery due now has been attempted; list what is still queued."""
    state = current_state()
    timeout = float(_body().get("timeout", 30))
    pending = state.hub.flush(timeout)
    return jsonify(pending=pending, now=rest_time(state.clock.now()))


@blueprint.get("/webhooks")
def subscriptions():  # noqa: ANN201
    """List every subscription, app-specific and shop-specific, with its failure count."""
    return jsonify(subscriptions=current_state().hub.describe())


@blueprint.get("/deliveries")
def deliveries():  # noqa: ANN201
    """Return every delivery attempt so far (optionally of one ?topic=)."""
    attempts = current_state().hub.attempts()
    topic = request.args.get("topic")
    return jsonify(deliveries=[a for a in attempts if topic is None or a["topic"] == topic])


@blueprint.get("/clock")
def clock():  # noqa: ANN201
    """Return the sandbox time."""
    return jsonify(now=rest_time(current_state().clock.now()))


@blueprint.post("/clock/advance")
def advance():  # noqa: ANN201
    """Move sandbox time forward: buckets refill, retries and token expiries come due."""
    body = _body()
    try:
        seconds = float(body.get("seconds", 0))
    except (TypeError, ValueError):
        abort(400, description="seconds must be a number")
    if seconds < 0:
        abort(400, description="the clock only moves forward")
    return jsonify(now=rest_time(current_state().clock.advance(seconds)))
