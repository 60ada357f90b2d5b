"""A policy is validated in full; every problem is said in a merchant's words, with its place."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugin.compensation.documents import (
    PolicyInvalid,
    policy_json,
    policy_yaml,
    read_policy,
    read_policy_text,
)
from plugin.compensation.summary import summary

LATE_PARCELS = """\
rules:
  - name: faulty items
    when: {kinds: [defective_item]}
    grant: {kind: percent_coupon, percent: 10}
  - name: late parcels
    when:
      kinds: [delayed_shipment]
      days_late_at_least: 2
    grant:
      kind: percent_coupon
      percent: 150
"""


def problems(text: str) -> list[str]:
    with pytest.raises(PolicyInvalid) as raised:
        read_policy_text(text)
    return [str(problem) for problem in raised.value.problems]


def test_a_value_out_of_range_names_the_rule_the_setting_and_the_line():
    assert problems(LATE_PARCELS) == [
        "line 11: rule 2 'late parcels': percent must be between 1 and 100, got 150"
    ]


def test_every_problem_is_reported_at_once_in_file_order():
    text = """\
currency: eurr
caps:
  per_incident: {share_of_order: 150}
  over_cap: maybe
  monthly_budget: -5
rules:
  - name: late parcels
    when: {kinds: [delayed_shipment, lost]}
    grant: {kind: shipping_refund, amount: 4.9999}
  - name: choice
    offer:
      options: [{kind: free_shipping}, {kind: voucher}]
  - name: both
    grant: {kind: gift, description: tote bag}
    offer: {options: [{kind: free_shipping}, {kind: gift, description: tote bag}]}
  - grant: {kind: fixed_coupon, amount: 0, percnt: 3}
"""
    assert problems(text) == [
        "line 1: currency must be an ISO 4217 currency code such as EUR, got 'eurr'",
        "line 3: caps.per_incident.share_of_order must be between 0.01 and 100, got 150",
        "line 4: caps.over_cap must be one of reduce or approve, got 'maybe'",
        "line 5: caps.monthly_budget must not be negative, got -5",
        "line 8: rule 1 'late parcels': when.kinds item 2 must be one of defective_item, "
        "delayed_shipment, delivery_exception, manual, not_as_described, wrong_item, got 'lost'",
        "line 9: rule 1 'late parcels': amount must have at most 3 decimals, got 4.9999",
        "line 12: rule 2 'choice': option 2: kind must be one of shipping_refund, "
        "percent_coupon, fixed_coupon, free_shipping, gift, got 'voucher'",
        "line 13: rule 3 'both': give either grant (one outcome) or offer (a choice), exactly one",
        "line 16: rule 4: name is required",
        "line 16: rule 4: amount must be more than 0, got 0",
        "line 16: rule 4: percnt is not a setting Amends knows; check its spelling",
    ]


def test_an_offer_has_two_or_three_choices_and_a_default_among_them():
    text = """\
rules:
  - name: four
    offer:
      options:
        - {kind: free_shipping}
        - {kind: gift, description: tote bag}
        - {kind: percent_coupon, percent: 5}
        - {kind: fixed_coupon, amount: 5}
  - name: default
    offer:
      options: [{kind: free_shipping}, {kind: percent_coupon, percent: 5}]
      default: 3
"""
    assert problems(text) == [
        "line 4: rule 1 'four': offer.options must be 2 or 3 choices, got 4",
        "line 10: rule 2 'default': offer: default must name one of the 2 options, got 3",
    ]


def test_conditions_are_checked_one_by_one():
    text = """\
rules:
  - name: odd
    when:
      kinds: []
      days_late_at_least: -1
      shipping_paid: maybe
      previous_incidents: {within_days: 9999}
    grant: {kind: gift, description: tote bag}
"""
    assert problems(text) == [
        "line 4: rule 1 'odd': when.kinds must name at least one kind; "
        "leave it out to match every kind",
        "line 5: rule 1 'odd': when.days_late_at_least must be between 0 and 365 days, got -1",
        "line 6: rule 1 'odd': when.shipping_paid must be true or false, got 'maybe'",
        "line 7: rule 1 'odd': when.previous_incidents.at_least is required",
        "line 7: rule 1 'odd': when.previous_incidents.within_days "
        "must be between 1 and 730 days, got 9999",
    ]


def test_types_are_said_in_words():
    text = """\
bogus: 1
version: 2
caps: {per_customer: {count: 1.5, window_days: '90'}}
approval: {above: abc}
rules: {late: 1}
"""
    assert problems(text) == [
        "line 1: bogus is not a setting Amends knows; check its spelling",
        "line 2: version must be one of 1, got 2",
        "line 3: caps.per_customer.count must be a whole number, got 1.5",
        "line 3: caps.per_customer.window_days must be a whole number, got '90'",
        "line 4: approval.above must be an amount such as 4.90, got 'abc'",
        "line 5: rules must be a list, got a group of settings",
    ]


def test_rules_have_names_of_their_own_and_vip_rules_need_a_vip_section():
    text = """\
rules:
  - name: Late parcels
    grant: {kind: shipping_refund}
  - name: late parcels
    when: {customer: vip}
    grant: {kind: shipping_refund}
"""
    assert problems(text) == [
        "line 4: rule 2 'late parcels': name is also rule 1's name; give each rule its own",
        "line 5: rule 2 'late parcels': when.customer is vip, "
        "but the policy has no vip section saying who is a VIP",
    ]


def test_a_vip_section_says_who_is_a_vip():
    assert problems("vip: {}\n") == [
        "line 1: vip: say who is a VIP: lifetime_spend_at_least, orders_at_least or both"
    ]


def test_a_file_that_is_no_yaml_says_where_it_breaks():
    assert problems("rules:\n  - name: x\n    grant: {kind: gift\n") == [
        "line 4: cannot be read: expected ',' or '}', but got '<stream end>'"
    ]


def test_a_key_given_twice_is_refused_rather_than_the_last_one_kept():
    text = "rules:\n  - name: a\n    name: b\n    grant: {kind: shipping_refund}\n"
    assert problems(text) == ["line 3: cannot be read: 'name' is given twice"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "but this one is empty"),
        ("- 1\n- 2\n", "got a list"),
        ("42\n", "got 42"),
    ],
)
def test_a_document_that_is_no_group_of_settings_is_refused(text, said):
    (problem,) = problems(text)
    assert problem.endswith(
        "a policy is a group of settings "
        "(version, currency, vip, caps, approval, refunds, rules), " + said
    )


def test_the_error_lists_every_problem_on_its_own_line():
    with pytest.raises(PolicyInvalid) as raised:
        read_policy_text(LATE_PARCELS.replace("days_late_at_least: 2", "days_late_at_least: x"))
    assert str(raised.value) == (
        "the compensation policy has 2 problems:\n"
        "  line 8: rule 2 'late parcels': when.days_late_at_least must be a whole number, got 'x'\n"
        "  line 11: rule 2 'late parcels': percent must be between 1 and 100, got 150"
    )


def test_amounts_are_read_exactly_and_written_as_strings():
    policy = read_policy_text("caps: {monthly_budget: 500.10, per_incident: {amount: '1e2'}}\n")
    assert policy.caps.monthly_budget == Decimal("500.1")
    assert policy.caps.per_incident.amount == Decimal("100")
    assert policy.document()["caps"]["per_incident"] == {"amount": "100"}


def test_currency_codes_are_kept_in_capitals():
    assert read_policy({"currency": "eur"}).currency == "EUR"


def test_yaml_and_json_give_back_the_same_policy():
    policy = read_policy_text(LATE_PARCELS.replace("150", "15"))
    assert read_policy_text(policy_yaml(policy, "a header\nof two lines")) == policy
    assert read_policy_text(policy_json(policy)) == policy
    assert policy_yaml(policy, "a header").startswith("# a header\nversion: 1\n")


def test_refunds_go_through_the_gateway_unless_the_policy_says_to_record_them_only():
    assert read_policy({}).refunds.through_gateway is True
    recorded = read_policy({"refunds": {"through_gateway": False}})

    assert recorded.refunds.through_gateway is False
    assert "the shop pays them back by hand" in " ".join(summary(recorded))


def test_a_refunds_setting_that_is_not_true_or_false_is_refused():
    assert problems("refunds:\n  through_gateway: sometimes\n") == [
        "line 2: refunds.through_gateway must be true or false, got 'sometimes'"
    ]
