"""Coupons as WC_REST_Coupons_Controller stores them.

Codes are stored as sent, but looked up the way MySQL's default collation
compares them: case- and accent-insensitively, so `AMENDS-PERDÓN-12` is a
duplicate of `AMENDS-Perdón-12` (OBSERVED). `date_expires` is read in site time
unless it carries an offset; `date_expires_gmt` is ignored (OBSERVED).
"""

from __future__ import annotations

import copy
import unicodedata
from typing import TYPE_CHECKING, Any

from sandboxes.woocommerce.models import Coupon
from sandboxes.woocommerce.money import to_decimal
from sandboxes.woocommerce.rest import wp_error

if TYPE_CHECKING:
    from sandboxes.woocommerce.store import SandboxStore

DISCOUNT_TYPES = ["percent", "fixed_cart", "fixed_product"]
BOOLEANS = ("individual_use", "free_shipping", "exclude_sale_items")
INTEGERS = ("usage_limit", "usage_limit_per_user", "limit_usage_to_x_items")
ID_LISTS = (
    "product_ids",
    "excluded_product_ids",
    "product_categories",
    "excluded_product_categories",
)


def code_key(code: str) -> str:
    """Return what the database compares codes by: no case, no accents."""
    decomposed = unicodedata.normalize("NFKD", code.strip())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def find_by_code(store: SandboxStore, code: str, exclude_id: int = 0) -> list[Coupon]:
    """Return the published coupons whose code matches `code`."""
    wanted = code_key(code)
    return [
        coupon
        for coupon in store.coupons.values()
        if coupon.id != exclude_id and coupon.status != "trash" and code_key(coupon.code) == wanted
    ]


def create_coupon(store: SandboxStore, params: dict[str, Any]) -> Coupon:
    """Create a coupon; a code already in use is refused before anything is stored."""
    now = store.clock.now()
    coupon = Coupon(id=0, code="", created=now, modified=now)
    apply_fields(store, coupon, params)
    coupon.id = store.next_post_id()
    store.coupons[coupon.id] = coupon
    store.fire("woocommerce_new_coupon", coupon.id, post_type="coupon")
    return coupon


def update_coupon(store: SandboxStore, coupon: Coupon, params: dict[str, Any]) -> Coupon:
    """Apply a PUT body (date_modified stays as it was, OBSERVED)."""
    draft = copy.deepcopy(coupon)
    apply_fields(store, draft, params)
    coupon.__dict__.update(draft.__dict__)
    store.fire("woocommerce_update_coupon", coupon.id, post_type="coupon")
    return coupon


def apply_fields(store: SandboxStore, coupon: Coupon, params: dict[str, Any]) -> None:
    """Set the posted fields, raising the error WooCommerce gives for bad values."""
    if params.get("code") is not None:
        if find_by_code(store, str(params["code"]), coupon.id):
            raise wp_error(
                "woocommerce_rest_coupon_code_already_exists", "The coupon code already exists", 400
            )
        coupon.code = str(params["code"]).strip()
    for key in ("discount_type", "description", "status"):
        if params.get(key) is not None:
            setattr(coupon, key, str(params[key]))
    for key in BOOLEANS:
        if params.get(key) is not None:
            setattr(coupon, key, bool(params[key]))
    for key in INTEGERS:
        if key in params:
            setattr(coupon, key, int(params[key]) if params[key] not in (None, "") else None)
    for key in ID_LISTS:
        if isinstance(params.get(key), list):
            setattr(coupon, key, [int(value) for value in params[key]])
    for key in ("minimum_amount", "maximum_amount"):
        if params.get(key) is not None:
            setattr(coupon, key, to_decimal(params[key]))
    if "date_expires" in params:
        _set_expiry(store, coupon, params["date_expires"])
    if params.get("email_restrictions") is not None:
        coupon.email_restrictions = _emails(params["email_restrictions"])
    if params.get("amount") is not None:
        coupon.amount = to_decimal(params["amount"])
    _check_amount(coupon)
    if isinstance(params.get("meta_data"), list):
        store.update_meta(coupon.meta, params["meta_data"])


def _set_expiry(store: SandboxStore, coupon: Coupon, value: Any) -> None:
    if value in (None, ""):
        coupon.expires = None
        return
    moment = store.clock.parse(str(value))
    if moment is None:
        raise wp_error("coupon_invalid_date", "Invalid date.", 400)
    coupon.expires = moment


def _emails(values: Any) -> list[str]:
    emails = [str(value).strip().lower() for value in (values or []) if str(value).strip()]
    for email in emails:
        local, _, domain = email.partition("@")
        if not local or "." not in domain:
            raise wp_error("coupon_invalid_email_address", "Invalid email address restriction", 400)
    return emails


def _check_amount(coupon: Coupon) -> None:
    if coupon.amount < 0 or (coupon.discount_type == "percent" and coupon.amount > 100):
        raise wp_error("coupon_invalid_amount", "Invalid discount amount", 400)


def trash_coupon(store: SandboxStore, coupon: Coupon) -> None:
    """Move the coupon to the trash."""
    coupon.status = "trash"
    store.fire("wp_trash_post", coupon.id, post_type="coupon")
