"""/_sandbox/*: what WooCommerce's own REST API cannot do, for tests and the demo.

Wait for queued deliveries, read the log of delivery attempts, hold the queue
(a store whose cron has not run), move the store's clock, restore a trashed
order (the admin screen's "Restore"), read the e-mails the store would have
sent. Everything else goes through WooCommerce's REST API.
"""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, Response, current_app, request

from sandboxes.control_index import control_routes
from sandboxes.woocommerce.clock import gmt
from sandboxes.woocommerce.context import current_store
from sandboxes.woocommerce.host import Refusal
from sandboxes.woocommerce.orders import untrash_order
from sandboxes.woocommerce.rest import json_response, wp_error

bp = Blueprint("sandbox_control", __name__, url_prefix="/_sandbox")


# What each route takes as its JSON body, for the index at GET /_sandbox/.
BODIES = {
    "POST /_sandbox/flush": '{"timeout": seconds (30)}',
    "GET /_sandbox/deliveries": "none; ?webhook_id=N keeps one webhook's attempts",
    "POST /_sandbox/queue": '{"paused": true | false}',
    "POST /_sandbox/clock": '{"now": ISO-8601, "frozen": bool} | {"advance_seconds": N}'
    ' | {"reset": true}',
    "POST /_sandbox/host": '{"refuse": [{"status": 403|429|502|503|504, "retry_after": seconds,'
    ' "after": bool, "method": "POST"}]}',
}


@bp.get("/")
def index() -> Response:
    """List the scripting routes: method, path, what each does and the body it takes."""
    return json_response({"routes": control_routes(current_app, bp.name, BODIES)})


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/flush")
def flush() -> Response:
    """Deliver everything queued and wait (up to `timeout` seconds) until done."""
    store = current_store()
    done = store.deliverer.flush(float(_body().get("timeout", 30)))
    return json_response({"flushed": done, "pending": store.deliverer.pending()})


@bp.get("/deliveries")
def deliveries() -> Response:
    """Return every ping and delivery attempted, oldest first (`?webhook_id=` filters)."""
    attempts = current_store().deliverer.attempts()
    wanted = request.args.get("webhook_id", type=int)
    if wanted is not None:
        attempts = [entry for entry in attempts if entry["webhook_id"] == wanted]
    return json_response(attempts)


@bp.delete("/deliveries")
def forget_deliveries() -> Response:
    """Clear the delivery log."""
    current_store().deliverer.clear_attempts()
    return json_response([])


@bp.route("/queue", methods=["GET", "POST"])
def queue() -> Response:
    """Show the queue; POST {"paused": true|false} holds or releases it."""
    deliverer = current_store().deliverer
    if request.method == "POST" and "paused" in _body():
        deliverer.pause() if _body()["paused"] else deliverer.resume()
    return json_response({"paused": deliverer.paused, "pending": deliverer.pending()})


@bp.route("/clock", methods=["GET", "POST"])
def clock() -> Response:
    """Show or move the store's time.

    POST {"now": ISO, "frozen": bool} sets it (frozen: it stops there),
    {"advance_seconds": N} moves it, {"reset": true} goes back to real time.
    """
    store = current_store()
    body = _body() if request.method == "POST" else {}
    if body.get("reset"):
        store.clock.reset()
    if "advance_seconds" in body:
        store.clock.advance(float(body["advance_seconds"]))
    if "now" in body:
        moment = store.clock.parse(str(body["now"]), gmt=True)
        if moment is None:
            raise wp_error("sandbox_invalid_time", "now must be an ISO-8601 time.", 400)
        if body.get("frozen"):
            store.clock.freeze(moment)
        else:
            store.clock.set(moment.astimezone(UTC))
    now = store.clock.now()
    return json_response({"now": store.clock.local(now), "now_gmt": gmt(now)})


@bp.route("/host", methods=["GET", "POST"])
def host() -> Response:
    """Show the host's queued answers; POST {"refuse": [...]} queues more (host.py)."""
    store = current_store()
    if request.method == "POST":
        try:
            refusals = [Refusal(**entry) for entry in _body().get("refuse") or []]
        except (TypeError, ValueError) as error:
            raise wp_error("sandbox_invalid_refusal", str(error), 400) from error
        store.host.refuse(refusals)
    return json_response(store.host.state())


@bp.post("/orders/<int:order_id>/restore")
def restore_order(order_id: int) -> Response:
    """Restore a trashed order, as the merchant does from the orders screen."""
    store = current_store()
    with store.lock:
        order = store.orders.get(order_id)
        if order is None or order.status != "trash":
            raise wp_error("sandbox_not_trashed", "No trashed order with that id.", 404)
        untrash_order(store, order)
        return json_response({"id": order.id, "status": order.status})


@bp.get("/emails")
def emails() -> Response:
    """Return the e-mails the store would have sent to customers."""
    store = current_store()
    with store.lock:
        return json_response(list(store.emails))
