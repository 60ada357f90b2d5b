"""What a customer message may say about its case: the variables every template sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

# The names a template may use, and what each holds, in the merchant's words.
VARIABLES = {
    "customer_first_name": "the customer's first name (empty when the order has none)",
    "order_name": "the order as the customer knows it, such as #1042",
    "shop_name": "the shop's name",
    "next_update": "the date of the next update, written in the customer's language",
    "incident_url": "the link to the page where the customer follows the case (may be empty)",
    "contact_email": "the shop's e-mail address for customers",
}


@dataclass(frozen=True)
class MessageContext:
    """The facts of one message; the optional ones may be missing from an order."""

    order_name: str
    shop_name: str
    contact_email: str
    customer_first_name: str | None = None
    next_update: date | None = None
    incident_url: str | None = None


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
    }
