"""/wp-json/wc/v3/orders/<id>/notes: list (no pagination headers, OBSERVED), add, read, delete."""

from __future__ import annotations

from flask import Blueprint, Response

from sandboxes.woocommerce.context import (
    base_url,
    created,
    current_store,
    require_user,
    respond,
    store_path,
)
from sandboxes.woocommerce.models import Note, Order
from sandboxes.woocommerce.notes import add_note, notes_of
from sandboxes.woocommerce.params import request_params, validate
from sandboxes.woocommerce.rest import found, wp_error
from sandboxes.woocommerce.serializers import note_json
from sandboxes.woocommerce.store import SandboxStore

bp = Blueprint("sandbox_notes", __name__, url_prefix="/wp-json/wc/v3")
CREATE_SCHEMA = {
    "note": {"type": "string"},
    "customer_note": {"type": "boolean", "default": False},
    "added_by_user": {"type": "boolean", "default": False},
}


# Listing names the post type in its code; adding, reading and deleting do not
# (WC_REST_Order_Notes_V1_Controller: get_items vs create_item, get_item, delete_item).
LIST_MISSING_ORDER = "woocommerce_rest_shop_order_invalid_id"
MISSING_ORDER = "woocommerce_rest_order_invalid_id"


def _order(store: SandboxStore, order_id: int, code: str = MISSING_ORDER) -> Order:
    return found(store.orders, order_id, code, message="Invalid order ID.")


def _note(store: SandboxStore, order: Order, note_id: int) -> Note:
    note = store.notes.get(note_id)
    if note is None or note.order_id != order.id:
        raise wp_error("woocommerce_rest_invalid_id", "Invalid resource ID.", 404)
    return note


@bp.get("/orders/<int:order_id>/notes")
def list_notes(order_id: int) -> Response:
    """List an order's notes, newest first; `type` is any, customer or internal."""
    store = current_store()
    args = validate(
        request_params(),
        {"type": {"type": "string", "enum": ["any", "customer", "internal"], "default": "any"}},
    )
    require_user("list")
    with store.lock:
        order = _order(store, order_id, LIST_MISSING_ORDER)
        notes = notes_of(store, order.id, args["type"])
        return respond([note_json(store, note, base_url()) for note in notes])


@bp.post("/orders/<int:order_id>/notes")
def create(order_id: int) -> Response:
    """Add a note; a customer note is e-mailed to the customer by WooCommerce."""
    store = current_store()
    args = validate(request_params(), CREATE_SCHEMA, required=("note",))
    require_user("create")
    with store.lock:
        order = _order(store, order_id)
        note = add_note(
            store,
            order,
            args["note"],
            customer_note=args["customer_note"],
            added_by_user=args["added_by_user"],
        )
        payload = note_json(store, note, base_url())
    return created(payload, store_path(f"orders/{order_id}/notes/{note.id}"))


@bp.get("/orders/<int:order_id>/notes/<int:note_id>")
def read(order_id: int, note_id: int) -> Response:
    """Return one note."""
    store = current_store()
    require_user("view")
    with store.lock:
        note = _note(store, _order(store, order_id), note_id)
        return respond(note_json(store, note, base_url()))


@bp.delete("/orders/<int:order_id>/notes/<int:note_id>")
def delete(order_id: int, note_id: int) -> Response:
    """Delete a note; without force=true WooCommerce refuses (with the webhooks' message)."""
    store = current_store()
    args = validate(request_params(), {"force": {"type": "boolean", "default": False}})
    require_user("delete")
    with store.lock:
        if not args["force"]:
            raise wp_error(
                "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501
            )
        note = _note(store, _order(store, order_id), note_id)
        payload = note_json(store, note, base_url())
        del store.notes[note.id]
    return respond(payload)
