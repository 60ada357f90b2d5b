"""A new shop's policy acts without configuration, within conservative caps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugin.compensation.decide import GRANT, NEEDS_APPROVAL, NOTHING, decide
from plugin.compensation.defaults import DEFAULT_DOCUMENT, default_policy
from plugin.compensation.facts import Given
from plugin.compensation.money import Money
from plugin.compensation.store import policy_of
from tests.compensation_helpers import NOBODY, NOTHING_SPENT, compensated, eur, facts


@pytest.mark.parametrize("kind", ["defective_item", "wrong_item", "not_as_described"])
def test_a_faulty_item_earns_ten_percent_off_the_next_order_for_sixty_days(kind):
    decision = decide(default_policy(), facts(kind, days_late=None), NOBODY, NOTHING_SPENT)

    assert decision.action == GRANT
    (coupon,) = decision.compensations
    assert (coupon.kind, coupon.percent, coupon.expires_in_days) == (
        "percent_coupon",
        Decimal(10),
        60,
    )
    assert coupon.value == eur("5.48")
    assert decision.rule == "faulty items"


def test_a_parcel_three_days_late_earns_its_shipping_back():
    decision = decide(default_policy(), facts(days_late=3), NOBODY, NOTHING_SPENT)
    assert decision.action == GRANT
    assert [(c.kind, c.value) for c in decision.compensations] == [("shipping_refund", eur("4.90"))]
    assert decision.explanation == (
        "rule 'late parcels' matched (delayed shipment; 3 days late ≥ 3; shipping paid 4.90 EUR); "
        "shipping refund 4.90 EUR; within the per-incident cap of 20 % of 54.80 EUR = 10.96 EUR"
    )


def test_a_late_parcel_that_shipped_free_earns_a_free_shipping_code():
    decision = decide(default_policy(), facts(shipping="0", days_late=4), NOBODY, NOTHING_SPENT)
    assert decision.action == GRANT
    assert [(c.kind, c.expires_in_days) for c in decision.compensations] == [("free_shipping", 60)]


def test_a_parcel_two_days_late_earns_nothing_yet():
    assert decide(default_policy(), facts(days_late=2), NOBODY, NOTHING_SPENT).action == NOTHING


@pytest.mark.parametrize("kind", ["delivery_exception", "manual"])
def test_other_incidents_are_left_to_the_merchant(kind):
    assert decide(default_policy(), facts(kind), NOBODY, NOTHING_SPENT).action == NOTHING


def test_a_coupon_above_twenty_five_is_made_smaller_and_waits_for_approval():
    decision = decide(default_policy(), facts("defective_item", order="400"), NOBODY, NOTHING_SPENT)
    assert decision.action == NEEDS_APPROVAL
    (coupon,) = decision.compensations
    assert (coupon.percent, coupon.value) == (Decimal(6), eur("24"))
    assert decision.caps == ("per_incident_amount",)


def test_a_refund_above_a_fifth_of_the_order_waits_for_approval():
    decision = decide(default_policy(), facts(order="20", shipping="6.90"), NOBODY, NOTHING_SPENT)
    assert decision.action == NEEDS_APPROVAL
    assert decision.compensations[0].value == eur("4")
    assert decision.caps == ("per_incident_share",)


def test_a_third_compensation_within_ninety_days_is_not_given():
    history = compensated((10, "5"), (80, "5"))
    decision = decide(default_policy(), facts(), history, NOTHING_SPENT)
    assert decision.action == NOTHING
    assert decision.caps == ("per_customer_count",)


def test_the_monthly_budget_of_five_hundred_is_kept():
    decision = decide(default_policy(), facts(), NOBODY, eur("497.10"))
    assert decision.action == NEEDS_APPROVAL
    assert decision.compensations[0].value == eur("2.90")
    assert decide(default_policy(), facts(), NOBODY, eur("500")).action == NOTHING


def test_the_default_works_in_every_order_currency():
    order = facts()
    yen = type(order)(
        kind="delayed_shipment",
        at=order.at,
        order_value=Money.parse("5480", "JPY"),
        shipping_paid=Money.parse("490", "JPY"),
        days_late=3,
    )
    decision = decide(default_policy(), yen, NOBODY, Money.zero("JPY"))
    # 25 JPY is the per-incident cap here: the default's amounts are in the order's currency.
    assert decision.action == NEEDS_APPROVAL
    assert decision.compensations[0].value == Money(25, "JPY")


def test_a_refund_staff_gave_is_not_given_again():
    given = (Given("shipping_refund", eur("4.90")),)
    assert decide(default_policy(), facts(), NOBODY, NOTHING_SPENT, given).action == NOTHING


def test_the_default_document_is_a_valid_policy_exactly_as_written():
    assert default_policy().document() == DEFAULT_DOCUMENT


def test_a_shop_without_a_policy_of_its_own_follows_the_default():
    assert policy_of({}) == default_policy()
    assert policy_of(None) == default_policy()
    assert policy_of({"care": {"handling_days": 2}}) == default_policy()
