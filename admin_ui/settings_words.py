"""Say what is wrong with a settings field in the merchant's language.

The domain names each problem with a code (plugin/shop_settings.py); the sentence
is chosen here, so the page and the JSON API speak the language of their caller.
"""

from __future__ import annotations

from admin_ui.i18n import gettext
from admin_ui.labels import N_
from plugin.shop_settings import FieldProblem

EMAIL = N_("Enter one e-mail address, such as owner@shop.example.")
AMOUNT = N_("Enter an amount such as 500 or 499.90, or leave it empty for no budget.")
TIMEZONE = N_("Choose a time zone from the list, such as Europe/Madrid.")
LANGUAGE = N_("Choose one of the languages offered.")
DATES = N_("Write one date per line, as YYYY-MM-DD.")

MESSAGES = {
    "handling_days": N_("Enter a whole number of business days from 0 to 60."),
    "update_every_days": N_("Enter a whole number of days from 1 to 60."),
    "business_days": N_("Choose the days your shop works."),
    "unknown_weekday": N_("Choose the days your shop works."),
    "no_business_day": N_("Choose at least one business day."),
    "holidays": DATES,
    "not_a_date": N_("“%(value)s” is not a date: write one date per line, as YYYY-MM-DD."),
    "too_many_holidays": N_("List at most %(value)s holidays."),
    "timezone": TIMEZONE,
    "unknown_timezone": N_("“%(value)s” is not a time zone: choose one from the list."),
    "language": LANGUAGE,
    "unknown_language": LANGUAGE,
    "monthly_budget": AMOUNT,
    "not_an_amount": AMOUNT,
    "sender_name": N_("Write the sender's name as text, at most 80 characters."),
    "name_too_long": N_("Use at most %(value)s characters."),
    "reply_to": EMAIL,
    "merchant_email": EMAIL,
    "not_an_email": EMAIL,
    "missing": N_("Fill in this field."),
    "unknown_setting": N_("“%(value)s” is not a setting Amends knows."),
}
FALLBACK = N_("Check this field.")


def problem_message(problem: FieldProblem) -> str:
    """Return the sentence for `problem`, with the value it is about."""
    template = MESSAGES.get(problem.code, FALLBACK)
    if "%(value)s" not in template:
        return gettext(template)
    return gettext(template, value=problem.value or "")


def field_messages(problems: dict[str, FieldProblem]) -> dict[str, str]:
    """Return a sentence for each field that has a problem."""
    return {name: problem_message(problem) for name, problem in problems.items()}
