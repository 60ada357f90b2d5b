"""Words for the messages' editor: the stages of a case and what each variable holds."""

from __future__ import annotations

from babel import Locale

from admin_ui.i18n import gettext, language
from admin_ui.labels import N_

STAGES = {
    "acknowledgement": N_("Acknowledgement"),
    "update": N_("Progress update"),
    "resolution": N_("Resolution"),
    "compensation": N_("Compensation"),
}
VARIABLES = {
    "customer_first_name": N_("the customer's first name (empty when the order has none)"),
    "order_name": N_("the order as the customer knows it, such as #1042"),
    "shop_name": N_("your shop's name"),
    "next_update": N_("the date of the next update, written in the customer's language"),
    "incident_url": N_("the link to the page where the customer follows the case (may be empty)"),
    "contact_email": N_("your shop's e-mail address for customers"),
    "compensation_kind": N_(
        "what the customer was given: percent_coupon, fixed_coupon, free_shipping or "
        "shipping_refund (empty in other messages)"
    ),
    "code": N_("the code to enter at checkout (empty when there is none)"),
    "discount": N_("what the code takes off, a percentage or an amount (empty when there is none)"),
    "refund_amount": N_("the shipping refunded, with its currency (empty when there is none)"),
    "valid_until": N_("the code's last valid day, written in the customer's language"),
}


def stage_label(stage: str) -> str:
    """Return a message stage in words."""
    return gettext(STAGES[stage]) if stage in STAGES else stage


def language_label(code: str) -> str:
    """Return a language's name in the panel's language, as Babel writes it."""
    name = Locale.parse(language()).languages.get(code, code)
    return name[:1].upper() + name[1:]


def variable_help() -> list[tuple[str, str]]:
    """Return each variable a template may use, with what it holds."""
    return [(name, gettext(description)) for name, description in VARIABLES.items()]
