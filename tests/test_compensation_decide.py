"""What an incident earns: the rule that matches, the caps that bind, and why, in words."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from plugin.compensation.decide import GRANT, NEEDS_APPROVAL, NOTHING, OFFER, decide
from plugin.compensation.facts import CustomerHistory, Given
from plugin.compensation.money import CurrencyMismatch, Money
from tests.compensation_helpers import (
    NOBODY,
    NOTHING_SPENT,
    REFUND,
    compensated,
    eur,
    facts,
    policy,
    rule,
)
from tests.conftest import TEST_NOW

LATE = rule("late parcels", REFUND, kinds=["delayed_shipment"], days_late_at_least=2)
SHARE_20 = {"per_incident": {"share_of_order": "20"}}
COUPON_10 = {"kind": "percent_coupon", "percent": "10"}


# Rules


def test_a_matching_rule_grants_and_says_which_rule_and_which_cap_applied():
    decision = decide(policy(LATE, caps=SHARE_20), facts(), NOBODY, NOTHING_SPENT)

    assert decision.action == GRANT
    assert [c.kind for c in decision.compensations] == ["shipping_refund"]
    assert decision.compensations[0].value == eur("4.90")
    assert decision.rule == "late parcels"
    assert decision.caps == ("per_incident_share",)
    assert decision.explanation == (
        "rule 'late parcels' matched (delayed shipment; 3 days late ≥ 2); "
        "shipping refund 4.90 EUR; within the per-incident cap of 20 % of 54.80 EUR = 10.96 EUR"
    )


def test_the_first_matching_rule_decides_not_a_later_one():
    generous = rule("very late", {"kind": "fixed_coupon", "amount": "10"}, days_late_at_least=5)
    chosen = decide(policy(generous, LATE), facts(days_late=6), NOBODY, NOTHING_SPENT)
    assert (chosen.rule, chosen.compensations[0].kind) == ("very late", "fixed_coupon")

    chosen = decide(policy(generous, LATE), facts(days_late=4), NOBODY, NOTHING_SPENT)
    assert (chosen.rule, chosen.compensations[0].kind) == ("late parcels", "shipping_refund")


def test_an_incident_no_rule_matches_earns_nothing_and_says_so():
    decision = decide(policy(LATE), facts(days_late=1), NOBODY, NOTHING_SPENT)
    assert decision.action == NOTHING
    assert decision.compensations == ()
    assert decision.explanation == "no rule matched this delayed shipment"

    decision = decide(policy(LATE), facts("defective_item"), NOBODY, NOTHING_SPENT)
    assert decision.explanation == "no rule matched this defective item"


def test_a_late_shipment_of_unknown_lateness_does_not_meet_a_days_late_condition():
    decision = decide(policy(LATE), facts(days_late=None), NOBODY, NOTHING_SPENT)
    assert decision.action == NOTHING


def test_order_and_item_values_are_severities_a_rule_can_ask_for():
    big = rule("big orders", COUPON_10, order_value_at_least="100", item_value_at_least="40")
    policy_ = policy(big)

    assert decide(policy_, facts(order="99.99", item="50"), NOBODY, NOTHING_SPENT).action == NOTHING
    assert (
        decide(policy_, facts(order="150", item="39.99"), NOBODY, NOTHING_SPENT).action == NOTHING
    )
    assert decide(policy_, facts(order="150"), NOBODY, NOTHING_SPENT).action == NOTHING
    decision = decide(policy_, facts(order="150", item="40"), NOBODY, NOTHING_SPENT)
    assert decision.action == GRANT
    assert decision.reasons[0] == (
        "rule 'big orders' matched (order 150.00 EUR ≥ 100.00 EUR; item 40.00 EUR ≥ 40.00 EUR)"
    )


def test_whether_shipping_was_paid_picks_a_refund_or_a_free_shipping_code():
    paid = rule("paid", REFUND, shipping_paid=True)
    free = rule("free", {"kind": "free_shipping"}, shipping_paid=False)
    policy_ = policy(paid, free)

    assert decide(policy_, facts(), NOBODY, NOTHING_SPENT).rule == "paid"
    decision = decide(policy_, facts(shipping="0"), NOBODY, NOTHING_SPENT)
    assert decision.rule == "free"
    assert decision.explanation == (
        "rule 'free' matched (shipping was free); "
        "free-shipping code for the next order, valid 60 days (counted as 0.00 EUR); no cap set"
    )


def test_a_shipping_refund_on_free_shipping_gives_nothing():
    decision = decide(policy(LATE), facts(shipping="0"), NOBODY, NOTHING_SPENT)
    assert decision.action == NOTHING
    assert decision.reasons[-1] == "no shipping refund: the customer paid no shipping"


def test_a_shipping_refund_of_an_amount_gives_no_more_than_the_shipping_paid():
    up_to_3 = rule("part", {"kind": "shipping_refund", "amount": "3"})
    up_to_9 = rule("all", {"kind": "shipping_refund", "amount": "9"})
    assert decide(policy(up_to_3), facts(), NOBODY, NOTHING_SPENT).compensations[0].value == eur(
        "3"
    )
    assert decide(policy(up_to_9), facts(), NOBODY, NOTHING_SPENT).compensations[0].value == eur(
        "4.90"
    )


def test_repeat_incidents_count_only_within_their_window():
    repeat = rule("again", COUPON_10, previous_incidents={"at_least": 2, "within_days": 30})
    twice_lately = CustomerHistory(incidents=(TEST_NOW - timedelta(days=3),) * 2)
    once_lately = CustomerHistory(
        incidents=(TEST_NOW - timedelta(days=3), TEST_NOW - timedelta(days=31))
    )

    assert decide(policy(repeat), facts(), once_lately, NOTHING_SPENT).action == NOTHING
    decision = decide(policy(repeat), facts(), twice_lately, NOTHING_SPENT)
    assert decision.reasons[0] == "rule 'again' matched (2 earlier incidents in 30 days ≥ 2)"


# VIP customers


VIP = {"lifetime_spend_at_least": "1000", "orders_at_least": 10}
VIP_RULE = rule("vip", {"kind": "fixed_coupon", "amount": "15"}, customer="vip")
REGULAR_RULE = rule("regular", {"kind": "fixed_coupon", "amount": "5"}, customer="regular")


@pytest.mark.parametrize(
    ("history", "because"),
    [
        (CustomerHistory(orders_count=10), "10 orders ≥ 10"),
        (
            CustomerHistory(orders_count=2, lifetime_spend=eur("1000")),
            "lifetime spend 1000.00 EUR ≥ 1000.00 EUR",
        ),
    ],
)
def test_a_vip_by_order_count_or_lifetime_spend_gets_the_vip_rule(history, because):
    decision = decide(policy(VIP_RULE, REGULAR_RULE, vip=VIP), facts(), history, NOTHING_SPENT)
    assert decision.rule == "vip"
    assert decision.reasons[0] == f"rule 'vip' matched (VIP customer ({because}))"


@pytest.mark.parametrize(
    "history",
    [
        CustomerHistory(orders_count=9, lifetime_spend=eur("999.99")),
        # Spend in another currency says nothing: no rate converts it.
        CustomerHistory(orders_count=1, lifetime_spend=Money.parse("5000", "USD")),
        NOBODY,
    ],
)
def test_a_customer_below_both_thresholds_is_a_regular(history):
    decision = decide(policy(VIP_RULE, REGULAR_RULE, vip=VIP), facts(), history, NOTHING_SPENT)
    assert decision.rule == "regular"
    assert decision.reasons[0] == "rule 'regular' matched (not a VIP customer)"


# Caps


def test_above_the_per_incident_share_a_refund_is_reduced_to_the_cap():
    caps = {**SHARE_20, "over_cap": "reduce"}
    decision = decide(policy(LATE, caps=caps), facts(shipping="15"), NOBODY, NOTHING_SPENT)

    assert decision.action == GRANT
    assert decision.compensations[0].value == eur("10.96")
    assert decision.caps == ("per_incident_share",)
    assert decision.reasons[-1] == (
        "shipping refund 10.96 EUR; reduced from 15.00 EUR to fit "
        "the per-incident cap of 20 % of 54.80 EUR = 10.96 EUR"
    )


def test_above_a_cap_with_over_cap_approve_the_reduced_compensation_waits_for_a_person():
    caps = {"per_incident": {"amount": "25"}, "over_cap": "approve"}
    decision = decide(policy(LATE, caps=caps), facts(shipping="30"), NOBODY, NOTHING_SPENT)

    assert decision.action == NEEDS_APPROVAL
    assert decision.proposed == GRANT
    assert decision.compensations[0].value == eur("25")
    assert decision.reasons[-1] == "waits for approval: it was made smaller to fit a cap"


def test_the_tightest_cap_is_the_one_that_applies():
    caps = {
        "per_incident": {"amount": "25", "share_of_order": "20"},
        "monthly_budget": "500",
        "over_cap": "reduce",
    }
    decision = decide(policy(LATE, caps=caps), facts(shipping="30"), NOBODY, eur("492"))
    assert decision.compensations[0].value == eur("8")
    assert decision.caps == ("monthly_budget",)
    assert decision.reasons[-1] == (
        "shipping refund 8.00 EUR; reduced from 30.00 EUR to fit "
        "the monthly budget of 500.00 EUR, 492.00 EUR spent, 8.00 EUR left"
    )


def test_a_percent_coupon_above_a_cap_is_lowered_to_the_whole_percent_that_fits():
    coupon = rule("faulty", {"kind": "percent_coupon", "percent": "10"})
    caps = {"per_incident": {"amount": "25"}, "over_cap": "reduce"}
    decision = decide(policy(coupon, caps=caps), facts(order="300"), NOBODY, NOTHING_SPENT)

    (given,) = decision.compensations
    assert (given.percent, given.value) == (Decimal(8), eur("24"))
    assert decision.reasons[-1] == (
        "coupon of 8 % off the next order, valid 60 days (counted as 24.00 EUR); "
        "reduced from 30.00 EUR to fit the per-incident cap of 25.00 EUR"
    )


def test_what_cannot_be_made_smaller_is_left_out_when_it_does_not_fit():
    gift = rule("gift", {"kind": "gift", "description": "a tote bag", "value": "12"})
    caps = {"per_incident": {"amount": "10"}, "over_cap": "reduce"}
    decision = decide(policy(gift, caps=caps), facts(), NOBODY, NOTHING_SPENT)

    assert decision.action == NOTHING
    assert decision.compensations == ()
    assert decision.caps == ("per_incident_amount",)
    assert decision.reasons[-1] == (
        "no gift: 12.00 EUR does not fit the per-incident cap of 10.00 EUR"
    )


def test_the_per_customer_count_counts_only_the_window():
    caps = {"per_customer": {"count": 2, "window_days": 90}}
    twice_lately = compensated((10, "5"), (89, "5"))
    once_lately = compensated((10, "5"), (90, "5"))

    decision = decide(policy(LATE, caps=caps), facts(), twice_lately, NOTHING_SPENT)
    assert decision.action == NOTHING
    assert decision.caps == ("per_customer_count",)
    assert decision.reasons[-1] == (
        "nothing more: the per-customer cap of 2 compensations in 90 days (2 had) is reached"
    )
    assert decide(policy(LATE, caps=caps), facts(), once_lately, NOTHING_SPENT).action == GRANT


def test_the_per_customer_amount_takes_off_what_the_window_gave():
    caps = {"per_customer": {"amount": "12", "window_days": 30}, "over_cap": "reduce"}
    history = compensated((5, "4"), (20, "5"), (45, "50"))
    decision = decide(policy(LATE, caps=caps), facts(), history, NOTHING_SPENT)

    assert decision.compensations[0].value == eur("3")
    assert decision.reasons[-1] == (
        "shipping refund 3.00 EUR; reduced from 4.90 EUR to fit "
        "the per-customer cap of 12.00 EUR in 30 days, 9.00 EUR had"
    )


def test_a_spent_budget_gives_nothing_and_never_goes_negative():
    caps = {"monthly_budget": "500", "over_cap": "reduce"}
    for spent in ("500", "612.40"):  # staff can overspend it; Amends adds nothing then
        decision = decide(policy(LATE, caps=caps), facts(), NOBODY, eur(spent))
        assert decision.action == NOTHING
        assert decision.caps == ("monthly_budget",)
        assert decision.reasons[-1].startswith("no shipping refund: 4.90 EUR does not fit")
        assert decision.reasons[-1].endswith(", 0.00 EUR left")


def test_an_approval_threshold_holds_what_is_worth_more():
    caps = {"per_incident": {"amount": "25"}}
    coupon = rule("coupon", {"kind": "fixed_coupon", "amount": "12"})
    policy_ = policy(coupon, caps=caps, approval={"above": "10"})

    decision = decide(policy_, facts(), NOBODY, NOTHING_SPENT)
    assert decision.action == NEEDS_APPROVAL
    assert decision.reasons[-1] == (
        "waits for approval: 12.00 EUR is above the approval threshold of 10.00 EUR"
    )
    approved = decide(policy_, facts(), NOBODY, NOTHING_SPENT, approved=True)
    assert approved.action == GRANT
    assert approved.compensations == decision.compensations
    assert approved.reasons[-1] == "approved"


def test_an_approval_given_later_still_fits_the_caps_as_they_stand_then():
    caps = {"monthly_budget": "100", "over_cap": "reduce"}
    coupon = rule("coupon", {"kind": "fixed_coupon", "amount": "12"}, needs_approval=True)
    policy_ = policy(coupon, caps=caps)

    assert decide(policy_, facts(), NOBODY, NOTHING_SPENT).action == NEEDS_APPROVAL
    approved = decide(policy_, facts(), NOBODY, eur("95"), approved=True)
    assert approved.action == GRANT
    assert approved.compensations[0].value == eur("5")


# What staff gave already


def test_a_shipping_refund_staff_gave_is_never_repeated():
    given = (Given("shipping_refund", eur("4.90")),)
    decision = decide(policy(LATE), facts(), NOBODY, NOTHING_SPENT, given)

    assert decision.action == NOTHING
    assert decision.reasons[-1] == (
        "no shipping refund: 4.90 EUR was given already by staff; not repeated"
    )


def test_what_staff_gave_counts_against_the_per_incident_cap():
    coupon = rule("coupon", {"kind": "fixed_coupon", "amount": "10"})
    caps = {**SHARE_20, "over_cap": "reduce"}
    given = (Given("shipping_refund", eur("4.90")),)
    decision = decide(policy(coupon, caps=caps), facts(), NOBODY, NOTHING_SPENT, given)

    assert decision.compensations[0].value == eur("6.06")
    assert decision.reasons[-1] == (
        "coupon of 6.06 EUR off the next order, valid 60 days; reduced from 10.00 EUR to fit "
        "the per-incident cap of 20 % of 54.80 EUR = 10.96 EUR, 4.90 EUR already given"
    )


def test_what_staff_gave_counts_against_the_per_customer_count():
    caps = {"per_customer": {"count": 2}}
    coupon = rule("coupon", {"kind": "fixed_coupon", "amount": "5"})
    given = (Given("shipping_refund", eur("4.90")),)
    history = compensated((30, "5"))

    decision = decide(policy(coupon, caps=caps), facts(), history, NOTHING_SPENT, given)
    assert decision.action == NOTHING
    assert decision.caps == ("per_customer_count",)


# Offers


CHOICE = {
    "options": [
        {"kind": "percent_coupon", "percent": "10"},
        {"kind": "free_shipping", "value": "5"},
        REFUND,
    ],
    "default": 2,
    "choose_within_days": 5,
}


def test_an_offer_lists_the_options_and_the_default_that_applies_without_a_choice():
    decision = decide(policy(rule("choice", offer=CHOICE)), facts(), NOBODY, NOTHING_SPENT)

    assert decision.action == OFFER
    assert [c.kind for c in decision.compensations] == [
        "percent_coupon",
        "free_shipping",
        "shipping_refund",
    ]
    assert (decision.default, decision.choose_within_days) == (1, 5)
    assert decision.most() == eur("5.48")


def test_an_option_given_already_is_left_out_of_the_offer():
    given = (Given("shipping_refund", eur("4.90")),)
    decision = decide(policy(rule("choice", offer=CHOICE)), facts(), NOBODY, NOTHING_SPENT, given)
    assert [c.kind for c in decision.compensations] == ["percent_coupon", "free_shipping"]
    assert decision.default == 1


def test_an_offer_left_with_one_option_grants_it():
    caps = {"per_incident": {"amount": "5"}, "over_cap": "reduce"}
    offer = {"options": [{"kind": "free_shipping", "value": "6"}, REFUND], "default": 1}
    decision = decide(policy(rule("choice", offer=offer), caps=caps), facts(), NOBODY, eur("0"))

    assert decision.action == GRANT
    assert [(c.kind, c.value) for c in decision.compensations] == [("shipping_refund", eur("4.90"))]
    assert decision.reasons[-1] == "only one option is left, so it is granted without asking"


def test_when_the_default_option_no_longer_fits_the_first_one_left_is_the_default():
    caps = {"per_incident": {"amount": "5.50"}, "over_cap": "reduce"}
    offer = {
        **CHOICE,
        "options": [
            *CHOICE["options"][:1],
            {"kind": "gift", "description": "mug", "value": "9"},
            REFUND,
        ],
    }
    decision = decide(policy(rule("choice", offer=offer), caps=caps), facts(), NOBODY, eur("0"))
    assert decision.action == OFFER
    assert [c.kind for c in decision.compensations] == ["percent_coupon", "shipping_refund"]
    assert decision.default == 0


# Currencies


def test_an_order_in_another_currency_than_the_policy_is_left_to_a_person():
    usd_order = facts()
    usd_order = type(usd_order)(
        kind="delayed_shipment",
        at=TEST_NOW,
        order_value=Money.parse("54.80", "USD"),
        shipping_paid=Money.parse("4.90", "USD"),
        days_late=3,
    )
    decision = decide(policy(LATE, currency="EUR"), usd_order, NOBODY, NOTHING_SPENT)
    assert decision.action == NOTHING
    assert decision.explanation == (
        "the order is in USD and the policy's amounts are in EUR; Amends does not convert "
        "currencies, so this incident is compensated by hand"
    )


def test_spend_gathered_in_another_currency_is_a_mistake_of_the_caller():
    with pytest.raises(CurrencyMismatch, match="the caps are counted in EUR"):
        decide(policy(LATE), facts(), NOBODY, Money.parse("1", "USD"))


def test_a_decision_is_kept_as_json():
    decision = decide(policy(LATE, caps=SHARE_20), facts(), NOBODY, NOTHING_SPENT)
    assert decision.to_json() == {
        "action": "grant",
        "proposed": None,
        "rule": "late parcels",
        "caps": ["per_incident_share"],
        "compensations": [
            {
                "kind": "shipping_refund",
                "value": {"amount": "4.90", "currency": "EUR"},
                "percent": None,
                "expires_in_days": None,
                "description": "",
            }
        ],
        "default": None,
        "choose_within_days": None,
        "explanation": decision.explanation,
    }
