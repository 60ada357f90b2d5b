"""Money: exact amounts in one currency, never floats, never mixed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plugin.compensation.money import CurrencyMismatch, Money, minor_units, total


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def test_platform_strings_are_read_to_the_currency_minor_units():
    assert eur("54.8") == Money(Decimal("54.80"), "EUR")
    assert str(eur("54.8")) == "54.80 EUR"
    assert str(eur(" 5 ")) == "5.00 EUR"
    assert str(Money.parse("1500", "jpy")) == "1500 JPY"
    assert str(Money.parse("1.5", "KWD")) == "1.500 KWD"


def test_minor_units_come_from_the_currency():
    assert [minor_units(code) for code in ("EUR", "JPY", "KWD")] == [2, 0, 3]


def test_an_amount_with_more_decimals_than_the_currency_is_rounded_half_up():
    assert Money(Decimal("10.965"), "EUR").amount == Decimal("10.97")
    assert Money(Decimal("10.964"), "EUR").amount == Decimal("10.96")
    assert Money(Decimal("99.5"), "JPY").amount == Decimal("100")


def test_at_most_never_rounds_above_what_it_was_given():
    assert Money.at_most(Decimal("12.5"), "JPY") == Money(12, "JPY")
    assert Money.at_most(Decimal("10.969"), "EUR") == eur("10.96")


@pytest.mark.parametrize("amount", [4.9, "4.90", None, True])
def test_floats_strings_and_other_things_are_not_amounts(amount):
    with pytest.raises(TypeError, match="Money takes a Decimal amount"):
        Money(amount, "EUR")


@pytest.mark.parametrize("text", ["", "4,90", "abc", "4.90 EUR"])
def test_a_string_that_is_no_amount_is_refused_when_parsed(text):
    with pytest.raises(ValueError, match="is not an amount of money"):
        Money.parse(text, "EUR")


@pytest.mark.parametrize("amount", ["NaN", "Infinity"])
def test_amounts_are_finite(amount):
    with pytest.raises(ValueError, match="must be finite"):
        Money(Decimal(amount), "EUR")


@pytest.mark.parametrize("code", ["EURO", "€", "", "QQQ", None])
def test_a_currency_is_an_iso_4217_code(code):
    with pytest.raises(ValueError, match="ISO 4217 code"):
        Money(Decimal(1), code)


def test_codes_are_kept_in_capitals():
    assert Money(Decimal(1), "eur").currency == "EUR"


def test_arithmetic_stays_exact_within_one_currency():
    assert eur("0.10") + eur("0.20") == eur("0.30")
    assert eur("54.80") - eur("4.90") == eur("49.90")
    assert -eur("4.90") == eur("-4.90")
    assert total([eur("0.10")] * 3, "EUR") == eur("0.30")
    assert total([], "EUR") == Money.zero("EUR")


def test_adding_euros_to_dollars_raises():
    with pytest.raises(CurrencyMismatch, match="cannot join 1.00 EUR with 1.00 USD"):
        eur("1") + Money.parse("1", "USD")
    with pytest.raises(CurrencyMismatch):
        eur("1") - Money.parse("1", "USD")


def test_comparison_is_by_amount_within_one_currency():
    assert eur("4.90") < eur("10.96") <= eur("10.96") < eur("11")
    assert eur("11") > eur("10.96") >= eur("10.96")
    assert max(eur("4.90"), eur("10.96")) == eur("10.96")
    assert eur("1") != Money.parse("1", "USD")
    with pytest.raises(CurrencyMismatch):
        assert eur("1") < Money.parse("2", "USD")


def test_money_is_never_compared_with_a_bare_number():
    with pytest.raises(TypeError, match="not money"):
        assert eur("1") < Decimal(2)


def test_percent_of_rounds_down_so_a_share_never_exceeds_its_whole():
    assert eur("54.80").percent_of(20) == eur("10.96")
    assert eur("54.83").percent_of(20) == eur("10.96")  # 10.966
    assert eur("10").percent_of(Decimal("33.333")) == eur("3.33")
    assert Money.parse("999", "JPY").percent_of(10) == Money(99, "JPY")


def test_percent_of_takes_no_float():
    with pytest.raises(TypeError):
        eur("10").percent_of(20.0)  # type: ignore[arg-type]


def test_the_json_form_keeps_the_amount_as_a_string():
    assert eur("4.9").to_json() == {"amount": "4.90", "currency": "EUR"}
    assert Money.from_json({"amount": "4.90", "currency": "EUR"}) == eur("4.90")


@pytest.mark.parametrize(
    "value",
    [{"amount": 4.9, "currency": "EUR"}, {"amount": "4.90"}, "4.90 EUR", None],
)
def test_a_json_form_that_is_not_money_is_refused(value):
    with pytest.raises(ValueError, match="amount"):
        Money.from_json(value)
