"""Turn a rule's outcome into a compensation with a price, and make one smaller to fit a cap.

Every compensation has a `value`: what it counts as against caps and budget. For a
refund or a fixed coupon it is what the customer gets; a percent coupon counts as
that share of this order (what it would save on an order like it); a free-shipping
code as the shipping paid on this order unless the policy names a value; a gift as
the value the policy gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from plugin.compensation.facts import IncidentFacts
from plugin.compensation.money import Money
from plugin.compensation.policy import (
    FixedCoupon,
    FreeShipping,
    Gift,
    OutcomeSpec,
    PercentCoupon,
    ShippingRefund,
)

LABELS = {
    "shipping_refund": "shipping refund",
    "percent_coupon": "percent coupon",
    "fixed_coupon": "fixed coupon",
    "free_shipping": "free-shipping code",
    "gift": "gift",
}


@dataclass(frozen=True)
class Compensation:
    """One thing to give the customer, with what it costs the shop."""

    kind: str
    value: Money
    percent: Decimal | None = None  # a percent coupon's percent
    expires_in_days: int | None = None  # a coupon's or code's validity
    description: str = ""  # a gift's

    def words(self) -> str:
        """Say what the customer gets, for the merchant."""
        valid = f", valid {self.expires_in_days} days" if self.expires_in_days else ""
        if self.kind == "shipping_refund":
            return f"shipping refund {self.value}"
        if self.kind == "fixed_coupon":
            return f"coupon of {self.value} off the next order{valid}"
        if self.kind == "percent_coupon":
            return (
                f"coupon of {self.percent:f} % off the next order{valid} (counted as {self.value})"
            )
        if self.kind == "free_shipping":
            return f"free-shipping code for the next order{valid} (counted as {self.value})"
        return f"gift for staff to send: {self.description} (counted as {self.value})"

    def to_json(self) -> dict[str, Any]:
        """Return the compensation as the incident keeps it."""
        return {
            "kind": self.kind,
            "value": self.value.to_json(),
            "percent": None if self.percent is None else f"{self.percent:f}",
            "expires_in_days": self.expires_in_days,
            "description": self.description,
        }


def priced(spec: OutcomeSpec, facts: IncidentFacts, currency: str) -> Compensation | str:
    """Return the compensation `spec` gives for this incident, or say why it gives nothing."""
    if isinstance(spec, ShippingRefund):
        if facts.shipping_paid.is_zero():
            return "no shipping refund: the customer paid no shipping"
        whole = facts.shipping_paid
        amount = whole if spec.amount is None else min(whole, Money.at_most(spec.amount, currency))
        if amount.is_zero():
            return f"no shipping refund: {spec.amount} is less than one unit of {currency}"
        return Compensation("shipping_refund", amount)
    if isinstance(spec, PercentCoupon):
        value = facts.order_value.percent_of(spec.percent)
        return Compensation("percent_coupon", value, spec.percent, spec.expires_in_days)
    if isinstance(spec, FixedCoupon):
        amount = Money.at_most(spec.amount, currency)
        if amount.is_zero():
            return f"no fixed coupon: {spec.amount} is less than one unit of {currency}"
        return Compensation("fixed_coupon", amount, expires_in_days=spec.expires_in_days)
    if isinstance(spec, FreeShipping):
        value = facts.shipping_paid if spec.value is None else Money(spec.value, currency)
        return Compensation("free_shipping", value, expires_in_days=spec.expires_in_days)
    if isinstance(spec, Gift):
        return Compensation("gift", Money(spec.value, currency), description=spec.description)
    raise TypeError(f"no compensation is priced for {spec!r}")


def reduced(compensation: Compensation, room: Money, facts: IncidentFacts) -> Compensation | None:
    """Return the compensation made to fit `room`, or None when it cannot be made smaller.

    A refund or fixed coupon shrinks to the room; a percent coupon to the whole
    percent whose value fits; a code or a gift is all or nothing.
    """
    if room.is_zero() or room.amount < 0:
        return None
    if compensation.kind in ("shipping_refund", "fixed_coupon"):
        return Compensation(compensation.kind, room, expires_in_days=compensation.expires_in_days)
    if compensation.kind == "percent_coupon" and not facts.order_value.is_zero():
        whole = (room.amount * 100 / facts.order_value.amount).to_integral_value(ROUND_FLOOR)
        percent = min(whole, compensation.percent or whole)
        if percent < 1:
            return None
        value = facts.order_value.percent_of(percent)
        return Compensation("percent_coupon", value, percent, compensation.expires_in_days)
    return None
