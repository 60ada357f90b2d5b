"""/wp-json/wc/v3/coupons: list (and look up by code), create, read, update, delete."""

from __future__ import annotations

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
from sandboxes.woocommerce.coupons import (
    DISCOUNT_TYPES,
    code_key,
    create_coupon,
    find_by_code,
    trash_coupon,
    update_coupon,
)
from sandboxes.woocommerce.models import Coupon
from sandboxes.woocommerce.params import collection_schema, request_params, validate
from sandboxes.woocommerce.rest import found, page_of, wp_error
from sandboxes.woocommerce.serializers import coupon_json
from sandboxes.woocommerce.store import SandboxStore

bp = Blueprint("sandbox_coupons", __name__, url_prefix="/wp-json/wc/v3")
LIST_SCHEMA = collection_schema(
    ["date", "id", "include", "title", "slug", "modified"], code={"type": "string"}
)
_IDS = {"type": "array", "items": {"type": "integer"}}
WRITE_SCHEMA: dict[str, dict[str, Any]] = {
    "code": {"type": "string"},
    "amount": {"type": "string"},
    "discount_type": {"type": "string", "enum": DISCOUNT_TYPES},
    "description": {"type": "string"},
    "individual_use": {"type": "boolean"},
    "product_ids": _IDS,
    "excluded_product_ids": _IDS,
    "usage_limit": {"type": "integer"},
    "usage_limit_per_user": {"type": "integer"},
    "limit_usage_to_x_items": {"type": "integer"},
    "free_shipping": {"type": "boolean"},
    "product_categories": _IDS,
    "excluded_product_categories": _IDS,
    "exclude_sale_items": {"type": "boolean"},
    "minimum_amount": {"type": "string"},
    "maximum_amount": {"type": "string"},
    "email_restrictions": {"type": "array", "items": {"type": "string"}},
    "meta_data": {"type": "array"},
}


@bp.get("/coupons")
def list_coupons() -> Response:
    """List coupons; `code` finds one the way the database compares codes."""
    store = current_store()
    args = validate(request_params(), LIST_SCHEMA)
    require_user("list")
    with store.lock:
        found = _filtered(store, args)
        page = page_of(found, args["page"], args["per_page"], args.get("offset"))
        payload = [coupon_json(store, coupon, base_url()) for coupon in page]
    return listing(
        payload, route="coupons", total=len(found), page=args["page"], per_page=args["per_page"]
    )


def _filtered(store: SandboxStore, args: dict[str, Any]) -> list[Coupon]:
    if args.get("code"):
        coupons = find_by_code(store, args["code"])
    else:
        coupons = [coupon for coupon in store.coupons.values() if coupon.status != "trash"]
    if args.get("search"):
        coupons = [c for c in coupons if code_key(args["search"]) in code_key(c.code)]
    if args["include"]:
        coupons = [coupon for coupon in coupons if coupon.id in args["include"]]
    coupons = [coupon for coupon in coupons if coupon.id not in args["exclude"]]
    sign = -1 if args["order"] == "desc" else 1
    return sorted(coupons, key=lambda coupon: (sign * coupon.created.timestamp(), coupon.id))


@bp.post("/coupons")
def create() -> Response:
    """Create a coupon; a code in use (any case) is refused with nothing stored."""
    store = current_store()
    args = validate(
        request_params(),
        WRITE_SCHEMA
        | {"discount_type": {**WRITE_SCHEMA["discount_type"], "default": "fixed_cart"}},
        required=("code",),
    )
    require_user("create")
    with store.lock:
        coupon = create_coupon(store, args)
        payload = coupon_json(store, coupon, base_url())
    return created(payload, store_path(f"coupons/{coupon.id}"))


def _coupon(store: SandboxStore, coupon_id: int, status: int = 404) -> Coupon:
    return found(store.coupons, coupon_id, "woocommerce_rest_shop_coupon_invalid_id", status)


@bp.get("/coupons/<int:coupon_id>")
def read(coupon_id: int) -> Response:
    """Return one coupon."""
    store = current_store()
    with store.lock:
        coupon = _coupon(store, coupon_id)
        require_user("view")
        return respond(coupon_json(store, coupon, base_url()))


@bp.route("/coupons/<int:coupon_id>", methods=["POST", "PUT", "PATCH"])
def update(coupon_id: int) -> Response:
    """Update a coupon."""
    store = current_store()
    args = validate(request_params(), WRITE_SCHEMA)
    with store.lock:
        coupon = _coupon(store, coupon_id, status=400)
        require_user("edit")
        update_coupon(store, coupon, args)
        return respond(coupon_json(store, coupon, base_url()))


@bp.delete("/coupons/<int:coupon_id>")
def delete(coupon_id: int) -> Response:
    """Trash a coupon, or delete it with force=true."""
    store = current_store()
    args = validate(request_params(), {"force": {"type": "boolean", "default": False}})
    with store.lock:
        coupon = _coupon(store, coupon_id)
        require_user("delete")
        if not args["force"] and coupon.status == "trash":
            raise wp_error(
                "woocommerce_rest_already_trashed", "The shop_coupon has already been deleted.", 410
            )
        payload = coupon_json(store, coupon, base_url())
        if args["force"]:
            del store.coupons[coupon.id]
        else:
            trash_coupon(store, coupon)
    return respond(payload)
