"""A customer choosing her compensation on her own page, as she would from her e-mail.

Casa Olivar's policy offers a choice when the carrier loses a parcel: 15 % off the
next order (the default) or free shipping on it. Anna opens the link in the last
message the shop sent her, reads her page and picks free shipping with the page's own
form (its CSRF token and the cookie the page set), as her browser would. Amends then
executes that one option through the store, and only that one.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import requests

from demo.people import SHOPIFY_CUSTOMERS, WOOCOMMERCE_CUSTOMERS
from plugin.compensation.defaults import DEFAULT_DOCUMENT
from sandboxes.mail import Mailbox

LOST_PARCELS = {
    "name": "lost parcels: the customer chooses",
    "when": {"kinds": ["delivery_exception"]},
    "offer": {
        "options": [
            {"kind": "percent_coupon", "percent": "15", "expires_in_days": 60},
            {"kind": "free_shipping", "expires_in_days": 60},
        ],
        "default": 1,
        "choose_within_days": 7,
    },
}
FREE_SHIPPING = 2  # the option the customer picks: not the default
_LINK = re.compile(r"https?://[^\s\"'<>]+/incident/[A-Za-z0-9._-]+")


def casa_olivar_policy() -> dict[str, Any]:
    """Return the default policy with the lost-parcels offer tried first."""
    document = copy.deepcopy(DEFAULT_DOCUMENT)
    document["rules"] = [LOST_PARCELS, *document["rules"]]
    return document


def page_link(mailbox: Mailbox, email: str) -> str:
    """Return the link to the customer's page in the last message the shop sent them."""
    for message in reversed(mailbox.messages()):
        if str(message["To"]) != email:
            continue
        found = _LINK.search(message.get_body(("plain",)).get_content())
        if found:
            return found[0]
    raise RuntimeError(f"no message to {email} links to their page")


def choose_on_page(mailbox: Mailbox, email: str, option: int) -> None:
    """Open the customer's page from their e-mail and post the choice form, as a browser does."""
    link = page_link(mailbox, email)
    with requests.Session() as browser:
        page = browser.get(link, timeout=30)
        page.raise_for_status()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        offered = re.findall(r'name="option" value="(\d+)"', page.text)
        if token is None or str(option) not in offered:
            raise RuntimeError(f"{link} offers no option {option} (it offers {offered})")
        answer = browser.post(
            f"{link}/choice",
            data={"csrf_token": token[1], "option": str(option)},
            allow_redirects=False,
            timeout=30,
        )
    if answer.status_code != 303 or "done=chosen" not in answer.headers.get("Location", ""):
        raise RuntimeError(f"the page did not take the choice: {answer.status_code}")


def _name(email: str | None) -> str:
    for customer in (*SHOPIFY_CUSTOMERS, *WOOCOMMERCE_CUSTOMERS):
        if customer.email == email:
            return f"{customer.first_name} {customer.last_name}"
    return email or "a customer"


def describe_choices(
    compensations: list[dict[str, Any]], incidents: list[dict[str, Any]], world: Any
) -> list[str]:
    """Say, one line per choice a customer made, what the store holds for it."""
    emails = {incident["id"]: incident["customer_email"] for incident in incidents}
    lines = []
    for chosen in compensations:
        if chosen["chosen_by"] != "customer":
            continue
        offer = [
            row
            for row in compensations
            if (row["incident"], row["decision"]) == (chosen["incident"], chosen["decision"])
        ]
        others = [row for row in offer if row["id"] != chosen["id"]]
        in_store = chosen["code"] and world.shopify_discount(chosen["code"])
        untouched = all(row["status"] == "not_chosen" and not row["code"] for row in others)
        lines.append(
            f"{_name(emails.get(chosen['incident']))} chose "
            f"{chosen['kind'].replace('_', ' ')} on their page (option {chosen['option']} of "
            f"{len(offer)}, incident {chosen['incident']}): {chosen['status']}, "
            + (
                f"the store holds exactly that one, code {chosen['code']}"
                if in_store and untouched
                else "but the store does not hold exactly that one"
            )
            + "."
        )
    return lines
