"""What a customer message may say about its case: the variables every template sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_percent

# The names a template may use, and what each holds, in the merchant's words.
VARIABLES = {
    "customer_first_name": "the customer's first name (empty when the order has none)",
    "order_name": "the order as the customer knows it, such as #1042",
    "shop_name": "the shop's name",
    "next_update": "the date of the next update, written in the customer's language",
    "incident_url": "the link to the page where the customer follows the case (may be empty)",
    "contact_email": "the shop's e-mail address for customers",
    "compensation_kind": "what the customer was given: percent_coupon, fixed_coupon, "
    "free_shipping or shipping_refund (empty in other messages)",
    "code": "the code to enter at checkout (empty when there is none)",
    "discount": "what the code takes off, such as 10 % or 5,00 € (empty when there is none)",
    "refund_amount": "the shipping refunded, with its currency (empty when there is none)",
    "valid_until": "the code's last valid day, written in the customer's language",
}


@dataclass(frozen=True)
class GivenCompensation:
    """What the customer was given, as a message tells it."""

    kind: str  # percent_coupon, fixed_coupon, free_shipping, shipping_refund
    amount: Decimal
    currency: str
    percent: Decimal | None = None
    code: str | None = None
    valid_until: date | None = None


@dataclass(frozen=True)
class MessageContext:
    """The facts of one message; the optional ones may be missing from an order."""

    order_name: str
    shop_name: str
    contact_email: str
    customer_first_name: str | None = None
    next_update: date | None = None
    incident_url: str | None = None
    compensation: GivenCompensation | None = None


def template_variables(context: MessageContext, language: str) -> dict[str, str]:
    """Return the variables a template renders, every one of them text.

    A missing optional value is an empty string, so `{% if incident_url %}` reads
    naturally and nothing ever prints "None". Dates are written the way the
    customer's language writes them (`26 ноября 2026 г.`, `26. November 2026`).
    """
    next_update = context.next_update
    return {
        "customer_first_name": (context.customer_first_name or "").strip(),
        "order_name": context.order_name,
        "shop_name": context.shop_name,
        "next_update": format_date(next_update, "long", locale=language) if next_update else "",
        "incident_url": context.incident_url or "",
        "contact_email": context.contact_email,
    } | _compensation_variables(context.compensation, language)


def _compensation_variables(given: GivenCompensation | None, language: str) -> dict[str, str]:
    """Write what the customer was given as their language writes amounts and dates."""
    if given is None:
        return dict.fromkeys(("compensation_kind", "code", "discount", "refund_amount"), "") | {
            "valid_until": ""
        }
    money = format_currency(given.amount, given.currency, locale=language)
    discount = ""
    if given.kind == "percent_coupon" and given.percent is not None:
        discount = format_percent(given.percent / 100, locale=language)
    elif given.kind == "fixed_coupon":
        discount = money
    return {
        "compensation_kind": given.kind,
        "code": given.code or "",
        "discount": discount,
        "refund_amount": money if given.kind == "shipping_refund" else "",
        "valid_until": format_date(given.valid_until, "long", locale=language)
        if given.valid_until
        else "",
    }
