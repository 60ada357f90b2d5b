"""Coupons, shipping refunds and order notes through WooCommerce's REST API.

WooCommerce has no idempotency keys, so each action first looks for what an
earlier attempt made (the coupon code, a refund or note carrying the action's
key) and only then creates; a crash between the two calls is covered the same way.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from connectors.woocommerce.client import WooClient
from plugin.errors import InvalidInput, PlatformRejected
from plugin.platforms import (
    ActionResult,
    CouponSpec,
    NoteSpec,
    ShippingRefundSpec,
    own_write_tag,
)

DUPLICATE_COUPON = "woocommerce_rest_coupon_code_already_exists"
CANNOT_CREATE_REFUND = "woocommerce_rest_cannot_create_order_refund"
CENTS = Decimal("0.01")


def coupon_payload(spec: CouponSpec) -> dict[str, Any]:
    """Build the coupon: single use, for one customer, valid through `expires_on`."""
    kind = {"percent": "percent", "fixed_amount": "fixed_cart", "free_shipping": "fixed_cart"}
    if spec.kind not in kind:
        raise InvalidInput(f"unknown coupon kind {spec.kind!r}")
    payload: dict[str, Any] = {
        "code": spec.code,
        "discount_type": kind[spec.kind],
        "amount": "0" if spec.kind == "free_shipping" else str(spec.amount),
        "free_shipping": spec.kind == "free_shipping",
        "individual_use": True,
        "usage_limit": 1,
        "usage_limit_per_user": 1,
        "description": spec.description,
        "meta_data": [{"key": "_amends_code", "value": spec.code}],
    }
    if spec.customer_email:
        payload["email_restrictions"] = [spec.customer_email]
    if spec.expires_on:
        # WooCommerce expires a coupon at 00:00 of the date (site time) and ignores
        # date_expires_gmt, so "valid through X" is sent as the next day.
        payload["date_expires"] = f"{spec.expires_on + timedelta(days=1)}T00:00:00"
    return payload


def issue_coupon(client: WooClient, spec: CouponSpec) -> ActionResult:
    """Create the coupon; a code that exists for the same customer is the earlier attempt.

    A free-shipping coupon comes back with a warning when no shipping method of
    the store accepts coupons: the code would apply, but shipping would not be free.
    """
    warnings = free_shipping_warnings(client) if spec.kind == "free_shipping" else ()
    try:
        created = client.post("coupons", coupon_payload(spec)).json
    except PlatformRejected as error:
        if error.code != DUPLICATE_COUPON:
            raise
        existing = _existing_coupon(client, spec)
        return ActionResult(str(existing["id"]), created=False, warnings=warnings)
    return ActionResult(str(created["id"]), created=True, warnings=warnings)


COUPON_REQUIREMENTS = frozenset({"coupon", "either", "both"})
NO_COUPON_FREE_SHIPPING = (
    "No free-shipping method of this store accepts coupons, so a free-shipping code will "
    "not make shipping free. In WooCommerce > Settings > Shipping, give a zone a "
    "'Free shipping' method that requires 'A valid free shipping coupon'."
)


def free_shipping_warnings(client: WooClient) -> tuple[str, ...]:
    """Return a warning unless an enabled free-shipping method is unlocked by a coupon."""
    try:
        zones = client.get("shipping/zones").json
        for zone in zones:
            for method in client.get(f"shipping/zones/{zone['id']}/methods").json:
                requires = ((method.get("settings") or {}).get("requires") or {}).get("value")
                if (
                    method.get("method_id") == "free_shipping"
                    and method.get("enabled", True)
                    and requires in COUPON_REQUIREMENTS
                ):
                    return ()
    except PlatformRejected as error:
        return (
            f"Could not read the store's shipping methods ({error}); check that a "
            "free-shipping method accepts coupons.",
        )
    return (NO_COUPON_FREE_SHIPPING,)


def _existing_coupon(client: WooClient, spec: CouponSpec) -> dict[str, Any]:
    found = client.get("coupons", {"code": spec.code}).json
    if not found:
        raise PlatformRejected(f"coupon {spec.code} reported as existing but not found")
    coupon = found[0]
    wanted = [spec.customer_email.lower()] if spec.customer_email else []
    if [email.lower() for email in coupon.get("email_restrictions") or []] != wanted:
        raise PlatformRejected(
            f"coupon code {spec.code} already exists for another customer; derive a new code"
        )
    return coupon


def refund_shipping(client: WooClient, spec: ShippingRefundSpec) -> ActionResult:
    """Refund the order's shipping lines with their taxes, once.

    `spec.through_gateway` asks the payment gateway to move the money (`api_refund`);
    record-only is for gateways that cannot refund (a bank transfer's refuses).
    WooCommerce e-mails the customer about every refund made through REST, whatever
    `spec.notify` says (woocommerce.md, observed 2026-12-06), so the result says
    they were told.
    """
    tag = own_write_tag(spec.idempotency_key)
    refunds = list(client.paginate(f"orders/{spec.order_id}/refunds"))
    for refund in refunds:
        if tag in (refund.get("reason") or ""):
            if refund.get("refunded_payment") is False:  # the merchant pays it back by hand
                warning = RECORDED_ONLY.format(amount=refund.get("amount"))
                return replace(_recorded(client, spec, refund, warning), created=False)
            return ActionResult(str(refund["id"]), created=False, customer_notified=True)
    order = client.get(f"orders/{spec.order_id}").json
    lines = shipping_refund_lines(order, refunds, spec.amount)
    if not lines:
        raise PlatformRejected(f"order {spec.order_id} has no shipping left to refund")
    total = sum(
        (
            Decimal(line["refund_total"])
            + sum((Decimal(t["refund_total"]) for t in line["refund_tax"]), Decimal(0))
            for line in lines
        ),
        Decimal(0),
    )
    body = {
        "amount": str(total.quantize(CENTS)),
        "reason": f"{spec.reason} {tag}",
        "api_restock": False,
        "line_items": lines,
    }
    try:
        refund = client.post(
            f"orders/{spec.order_id}/refunds", body | {"api_refund": spec.through_gateway}
        ).json
    except PlatformRejected as error:
        if not (spec.through_gateway and gateway_cannot_refund(error)):
            raise
        # Nothing was kept of the refused refund (WooCommerce discards it): record it
        # instead, once, and tell the merchant to pay it back by hand.
        refund = client.post(f"orders/{spec.order_id}/refunds", body | {"api_refund": False}).json
        warning = GATEWAY_REFUSED.format(amount=body["amount"], error=error)
        return _recorded(client, spec, refund, warning)
    if not spec.through_gateway:
        return _recorded(client, spec, refund, RECORDED_ONLY.format(amount=body["amount"]))
    return ActionResult(str(refund["id"]), created=True, customer_notified=True)


GATEWAY_REFUSED = (
    "The order's payment gateway cannot refund automatically ({error}). The shipping refund "
    "of {amount} is recorded in WooCommerce; pay it back to the customer by hand."
)
RECORDED_ONLY = (
    "The shipping refund of {amount} is recorded in WooCommerce without moving money through "
    "the payment gateway; pay it back to the customer by hand."
)


def gateway_cannot_refund(error: PlatformRejected) -> bool:
    """Tell whether WooCommerce refused a refund because the gateway cannot make it."""
    return error.code == CANNOT_CREATE_REFUND and "gateway" in str(error).lower()


def _recorded(
    client: WooClient, spec: ShippingRefundSpec, refund: dict[str, Any], warning: str
) -> ActionResult:
    """Leave the merchant a private note on the order about a refund no gateway made."""
    note = NoteSpec(spec.order_id, f"{spec.idempotency_key}:pay-by-hand", f"Amends: {warning}")
    add_note(client, note)
    return ActionResult(
        str(refund["id"]), created=True, warnings=(warning,), customer_notified=True
    )


def refunded_shipping(refunds: list[dict[str, Any]]) -> dict[str, Decimal]:
    """Return how much of each shipping line (tax included) earlier refunds gave back."""
    refunded: dict[str, Decimal] = {}
    for refund in refunds:
        for line in refund.get("shipping_lines") or []:
            meta = {m.get("key"): m.get("value") for m in line.get("meta_data") or []}
            original = str(meta.get("_refunded_item_id") or "")
            gross = -(Decimal(line.get("total") or 0) + Decimal(line.get("total_tax") or 0))
            refunded[original] = refunded.get(original, Decimal(0)) + gross
    return refunded


def shipping_refund_lines(
    order: dict[str, Any], refunds: list[dict[str, Any]], amount: Decimal | None
) -> list[dict[str, Any]]:
    """Return refund lines for the shipping not refunded yet, net and tax per rate.

    With `amount` (tax included) only that much is refunded, split across net
    and taxes in proportion; without, all the shipping still refundable.
    """
    already = refunded_shipping(refunds)
    lines = []
    for line in order.get("shipping_lines") or []:
        net, taxes = Decimal(line["total"]), line.get("taxes") or []
        gross = net + sum(Decimal(t.get("total") or 0) for t in taxes)
        remaining = gross - already.get(str(line["id"]), Decimal(0))
        if remaining <= 0:
            continue
        wanted = remaining if amount is None else min(amount, remaining)
        share = wanted / gross
        lines.append(
            {
                "id": line["id"],
                "refund_total": str((net * share).quantize(CENTS)),
                "refund_tax": [
                    {
                        "id": t["id"],
                        "refund_total": str((Decimal(t["total"]) * share).quantize(CENTS)),
                    }
                    for t in taxes
                    if t.get("total")
                ],
            }
        )
        if amount is not None:
            amount -= wanted
            if amount <= 0:
                break
    return lines


def add_note(client: WooClient, spec: NoteSpec) -> ActionResult:
    """Add the note once; a customer-facing note is e-mailed by WooCommerce."""
    tag = own_write_tag(spec.idempotency_key)
    for note in client.get(f"orders/{spec.order_id}/notes").json:
        if tag in (note.get("note") or ""):
            return ActionResult(
                str(note["id"]), created=False, customer_notified=spec.customer_facing
            )
    note = client.post(
        f"orders/{spec.order_id}/notes",
        {"note": f"{spec.text} {tag}", "customer_note": spec.customer_facing},
    ).json
    return ActionResult(str(note["id"]), created=True, customer_notified=spec.customer_facing)
