"""/wp-json/wc/v3/orders: list with WooCommerce's filters, create, read, update, trash, delete."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response

from sandboxes.woocommerce.context import (
    base_url,
    created,
    current_store,
    listing,
    require_user,
    respond,
    store_path,
)
from sandboxes.woocommerce.models import Order
from sandboxes.woocommerce.orders import (
    create_order,
    delete_order,
    trash_order,
    update_order,
)
from sandboxes.woocommerce.params import collection_schema, request_params, validate
from sandboxes.woocommerce.rest import found, page_of, wp_error
from sandboxes.woocommerce.serializers import order_json
from sandboxes.woocommerce.store import SandboxStore

bp = Blueprint("sandbox_orders", __name__, url_prefix="/wp-json/wc/v3")
ORDERBY = ["date", "id", "include", "title", "slug", "modified"]
HIDDEN_FROM_ANY = ("trash", "auto-draft")


def _statuses(store: SandboxStore) -> list[str]:
    return ["auto-draft", *store.statuses]


def _list_schema(store: SandboxStore) -> dict[str, dict[str, Any]]:
    statuses = ["any", "trash", *_statuses(store)]
    return collection_schema(
        ORDERBY,
        status={"type": "array", "items": {"type": "string", "enum": statuses}, "default": ["any"]},
        customer={"type": "integer"},
        product={"type": "integer"},
        parent={"type": "array", "items": {"type": "integer"}, "default": []},
        modified_after={"type": "string", "format": "date-time"},
        modified_before={"type": "string", "format": "date-time"},
        dates_are_gmt={"type": "boolean", "default": False},
        dp={"type": "integer", "default": 2},
    )


def _write_schema(store: SandboxStore) -> dict[str, dict[str, Any]]:
    return {
        "status": {"type": "string", "enum": _statuses(store)},
        "currency": {"type": "string"},
        "customer_id": {"type": "integer"},
        "parent_id": {"type": "integer"},
        "customer_note": {"type": "string"},
        "payment_method": {"type": "string"},
        "payment_method_title": {"type": "string"},
        "transaction_id": {"type": "string"},
        "billing": {"type": "object"},
        "shipping": {"type": "object"},
        "line_items": {"type": "array"},
        "shipping_lines": {"type": "array"},
        "meta_data": {"type": "array"},
        "set_paid": {"type": "boolean"},
    }


@bp.get("/orders")
def list_orders() -> Response:
    """List orders, newest first by default, with X-WP-Total and X-WP-TotalPages."""
    store = current_store()
    args = validate(request_params(), _list_schema(store))
    require_user("list")
    with store.lock:
        found = _filtered(store, args)
        page = page_of(found, args["page"], args["per_page"], args.get("offset"))
        payload = [order_json(store, order, base_url()) for order in page]
    return listing(
        payload,
        route="orders",
        total=len(found),
        page=args["page"],
        per_page=args["per_page"],
        extra_query={"status": args["status"], "dp": str(args["dp"]), "context": "view"},
    )


def _filtered(store: SandboxStore, args: dict[str, Any]) -> list[Order]:
    orders = [order for order in store.orders.values() if _matches(store, order, args)]
    column = {"modified": "modified", "date": "created"}.get(args["orderby"])
    if args["orderby"] == "include" and args["include"]:
        position = {order_id: index for index, order_id in enumerate(args["include"])}
        return sorted(orders, key=lambda order: position.get(order.id, len(position)))
    descending = args["order"] == "desc"
    if column is None:
        return sorted(orders, key=lambda order: order.id, reverse=descending)
    sign = -1 if descending else 1
    return sorted(orders, key=lambda o: (sign * getattr(o, column).timestamp(), o.id))


def _matches(store: SandboxStore, order: Order, args: dict[str, Any]) -> bool:
    statuses = args["status"]
    if "any" in statuses:
        if order.status in HIDDEN_FROM_ANY:
            return False
    elif order.status not in statuses:
        return False
    checks = [
        args.get("customer") is None or order.customer_id == args["customer"],
        not args["include"] or order.id in args["include"],
        order.id not in args["exclude"],
        not args["parent"] or order.parent_id in args["parent"],
        args.get("product") is None
        or any(item.product_id == args["product"] for item in order.line_items),
        _searched(order, args.get("search")),
    ]
    return all(checks) and _in_dates(store, order, args)


def _searched(order: Order, search: str | None) -> bool:
    if not search:
        return True
    haystack = " ".join([*order.billing.values(), *order.shipping.values(), str(order.id)])
    return search.lower() in haystack.lower()


def _in_dates(store: SandboxStore, order: Order, args: dict[str, Any]) -> bool:
    """Apply after/before (created) and modified_after/before; bounds are exclusive."""
    gmt = args["dates_are_gmt"]
    bounds = (
        ("after", order.created, 1),
        ("before", order.created, -1),
        ("modified_after", order.modified, 1),
        ("modified_before", order.modified, -1),
    )
    for name, moment, direction in bounds:
        if not args.get(name):
            continue
        limit = store.clock.parse(args[name], gmt=gmt)
        if limit is None:
            raise wp_error("rest_invalid_param", f"Invalid parameter(s): {name}", 400)
        if not _beyond(moment, limit, direction):
            return False
    return True


def _beyond(moment: datetime, limit: datetime, direction: int) -> bool:
    return moment > limit if direction > 0 else moment < limit


@bp.post("/orders")
def create() -> Response:
    """Create an order; answer 201 with its Location."""
    store = current_store()
    args = validate(request_params(), _write_schema(store))
    require_user("create")
    with store.lock:
        order = create_order(store, args)
        payload = order_json(store, order, base_url())
    return created(payload, store_path(f"orders/{order.id}"))


def _order(store: SandboxStore, order_id: int, status: int = 404) -> Order:
    return found(store.orders, order_id, "woocommerce_rest_shop_order_invalid_id", status)


@bp.get("/orders/<int:order_id>")
def read(order_id: int) -> Response:
    """Return one order (trashed ones too, with status `trash`)."""
    store = current_store()
    with store.lock:
        order = _order(store, order_id)
        require_user("view")
        return respond(order_json(store, order, base_url()))


@bp.route("/orders/<int:order_id>", methods=["POST", "PUT", "PATCH"])
def update(order_id: int) -> Response:
    """Update status, meta_data (tracking, ...), addresses or lines of an order."""
    store = current_store()
    args = validate(request_params(), _write_schema(store))
    with store.lock:
        order = _order(store, order_id, status=400)
        require_user("edit")
        update_order(store, order, args)
        return respond(order_json(store, order, base_url()))


@bp.delete("/orders/<int:order_id>")
def delete(order_id: int) -> Response:
    """Trash the order, or delete it for good with force=true; answer it as it was."""
    store = current_store()
    args = validate(request_params(), {"force": {"type": "boolean", "default": False}})
    with store.lock:
        order = _order(store, order_id)
        require_user("delete")
        if not args["force"] and order.status == "trash":
            raise wp_error(
                "woocommerce_rest_already_trashed", "The shop_order has already been deleted.", 410
            )
        payload = order_json(store, order, base_url())
        if args["force"]:
            delete_order(store, order)
        else:
            trash_order(store, order)
    return respond(payload)
