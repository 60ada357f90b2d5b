"""/wp-json/wc/v3/orders/<id>/refunds and /refunds: refunds as WooCommerce answers them.

Refund errors keep WooCommerce's quirks (OBSERVED): a bare integer `data` with
HTTP 500, and a Location header with the route's regex left in it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from sandboxes.woocommerce.consts import NAMESPACE, REST_PREFIX
from sandboxes.woocommerce.context import (
    base_url,
    created,
    current_store,
    listing,
    require_user,
    respond,
)
from sandboxes.woocommerce.models import Refund
from sandboxes.woocommerce.params import collection_schema, request_params, validate
from sandboxes.woocommerce.refunds import create_refund, delete_refund, refunds_sorted
from sandboxes.woocommerce.rest import bare_error, found, page_of, wp_error
from sandboxes.woocommerce.serializers import refund_json
from sandboxes.woocommerce.store import SandboxStore

bp = Blueprint("sandbox_refunds", __name__, url_prefix="/wp-json/wc/v3")
LIST_SCHEMA = collection_schema(
    ["date", "id", "include", "title", "slug", "modified"], dp={"type": "integer", "default": 2}
)
CREATE_SCHEMA = {
    "amount": {"type": "string"},
    "reason": {"type": "string"},
    "api_refund": {"type": "boolean"},
    "api_restock": {"type": "boolean"},
    "meta_data": {"type": "array"},
}
# WooCommerce builds the Location from its route pattern without filling it in (OBSERVED).
LOCATION_PATTERN = "orders/(?P<order_id>[\\d]+)/refunds"


def _listing(store: SandboxStore, refunds: list[Refund], route: str, with_parent: bool) -> Response:
    args = validate(request_params(), LIST_SCHEMA)
    require_user("list")
    with store.lock:
        ordered = refunds_sorted(refunds)
        if args["order"] == "asc":
            ordered.reverse()
        page = page_of(ordered, args["page"], args["per_page"], args.get("offset"))
        payload = [refund_json(store, r, base_url(), with_parent=with_parent) for r in page]
    return listing(
        payload,
        route=route,
        total=len(ordered),
        page=args["page"],
        per_page=args["per_page"],
        extra_query={"dp": str(args["dp"])},
    )


@bp.get("/orders/<int:order_id>/refunds")
def list_order_refunds(order_id: int) -> Response:
    """List one order's refunds."""
    store = current_store()
    with store.lock:
        refunds = [refund for refund in store.refunds.values() if refund.order_id == order_id]
    return _listing(store, refunds, f"orders/{order_id}/refunds", with_parent=False)


@bp.get("/refunds")
def list_all_refunds() -> Response:
    """List the refunds of every order, each with its `parent_id`."""
    store = current_store()
    with store.lock:
        refunds = list(store.refunds.values())
    return _listing(store, refunds, "refunds", with_parent=True)


@bp.post("/orders/<int:order_id>/refunds")
def create(order_id: int) -> Response:
    """Create a refund: 201, or WooCommerce's 500 with a bare-integer `data`."""
    store = current_store()
    args = validate(request_params(), CREATE_SCHEMA)
    require_user("create")
    with store.lock:
        order = store.orders.get(order_id)
        if order is None:
            raise bare_error("woocommerce_rest_invalid_order_id", "Invalid order ID.", 404)
        refund = create_refund(store, order, args)
        payload = refund_json(store, refund, base_url())
    location = f"{base_url()}{REST_PREFIX}/{NAMESPACE}/{LOCATION_PATTERN}/{refund.id}"
    return created(payload, location)


def _refund(store: SandboxStore, order_id: int, refund_id: int) -> Refund:
    refund = found(store.refunds, refund_id, "woocommerce_rest_shop_order_refund_invalid_id")
    if order_id not in store.orders:
        raise bare_error("woocommerce_rest_invalid_order_id", "Invalid order ID.", 404)
    if refund.order_id != order_id:
        raise bare_error(
            "woocommerce_rest_invalid_order_refund_id", "Invalid order refund ID.", 404
        )
    return refund


@bp.get("/orders/<int:order_id>/refunds/<int:refund_id>")
def read(order_id: int, refund_id: int) -> Response:
    """Return one refund of one order."""
    store = current_store()
    require_user("view")
    with store.lock:
        return respond(refund_json(store, _refund(store, order_id, refund_id), base_url()))


@bp.delete("/orders/<int:order_id>/refunds/<int:refund_id>")
def delete(order_id: int, refund_id: int) -> Response:
    """Delete a refund (force defaults to true; refunds cannot be trashed)."""
    store = current_store()
    args: dict[str, Any] = validate(
        request_params(), {"force": {"type": "boolean", "default": True}}
    )
    require_user("delete")
    with store.lock:
        refund = _refund(store, order_id, refund_id)
        if not args["force"]:
            raise wp_error(
                "woocommerce_rest_trash_not_supported",
                "The shop_order_refund does not support trashing.",
                501,
            )
        payload = refund_json(store, refund, base_url())
        delete_refund(store, refund)
    return respond(payload)
