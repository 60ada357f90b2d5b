"""Facts and policies for the compensation tests, written the way a merchant would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from plugin.compensation.documents import read_policy
from plugin.compensation.facts import CustomerHistory, IncidentFacts, PastCompensation
from plugin.compensation.money import Money
from plugin.compensation.policy import Policy
from tests.conftest import TEST_NOW


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def facts(
    kind: str = "delayed_shipment",
    order: str = "54.80",
    shipping: str = "4.90",
    days_late: int | None = 3,
    item: str | None = None,
) -> IncidentFacts:
    return IncidentFacts(
        kind=kind,
        at=TEST_NOW,
        order_value=eur(order),
        shipping_paid=eur(shipping),
        days_late=days_late,
        item_value=eur(item) if item else None,
    )


def policy(*rules: dict[str, Any], **document: Any) -> Policy:
    return read_policy({**document, "rules": list(rules)})


def rule(
    name: str,
    grant: dict | None = None,
    offer: dict | None = None,
    needs_approval: bool = False,
    **when: Any,
) -> dict:
    written: dict[str, Any] = {"name": name, "when": when, "needs_approval": needs_approval}
    if grant is not None:
        written["grant"] = grant
    if offer is not None:
        written["offer"] = offer
    return written


def compensated(*days_ago_and_value: tuple[int, str], orders: int = 1) -> CustomerHistory:
    """A customer who received these compensations, so many days ago, for earlier incidents."""
    return CustomerHistory(
        orders_count=orders,
        lifetime_spend=eur("100"),
        incidents=tuple(TEST_NOW - timedelta(days=days) for days, _ in days_ago_and_value),
        compensations=tuple(
            PastCompensation(TEST_NOW - timedelta(days=days), "fixed_coupon", eur(value))
            for days, value in days_ago_and_value
        ),
    )


REFUND = {"kind": "shipping_refund"}
NOBODY = CustomerHistory()
NOTHING_SPENT = eur("0")
