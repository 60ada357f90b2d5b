"""Money: an exact amount in one currency, kept to that currency's minor units.

Amounts are Decimals, never floats, and never plain strings inside the domain: a
platform's "54.8" becomes Money at the edge with `Money.parse`. Arithmetic and
comparison only join amounts of the same currency, so a euro is never added to a
dollar by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from babel.numbers import get_currency_precision, is_currency


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were joined; convert first, or keep them apart."""


@dataclass(frozen=True)
class Money:
    """An amount of one currency (ISO 4217 code), quantized to its minor units.

    A value with more decimals than the currency has is rounded half up, as a
    till would; `percent_of` rounds down instead, so a share never exceeds its whole.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, Decimal | int):
            raise TypeError(
                f"Money takes a Decimal amount, got {type(self.amount).__name__} "
                f"{self.amount!r}; read strings with Money.parse"
            )
        amount = Decimal(self.amount)
        if not amount.is_finite():
            raise ValueError(f"an amount of money must be finite, got {amount}")
        code = _currency(self.currency)
        object.__setattr__(self, "currency", code)
        object.__setattr__(self, "amount", amount.quantize(_unit(code), rounding=ROUND_HALF_UP))

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Read an amount as the platforms write it ("54.80", "54.8", "5")."""
        try:
            amount = Decimal(text.strip())
        except (InvalidOperation, AttributeError) as error:
            raise ValueError(f"{text!r} is not an amount of money") from error
        return cls(amount, currency)

    @classmethod
    def at_most(cls, amount: Decimal, currency: str) -> Money:
        """Return the most of `currency` that is not above `amount` (a cap of 12.5 JPY is 12)."""
        code = _currency(currency)
        return cls(Decimal(amount).quantize(_unit(code), rounding=ROUND_DOWN), code)

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return nothing, in `currency`."""
        return cls(Decimal(0), currency)

    @classmethod
    def from_json(cls, value: Any) -> Money:
        """Read the JSON form `{"amount": "4.90", "currency": "EUR"}`."""
        if not isinstance(value, dict) or set(value) != {"amount", "currency"}:
            raise ValueError(f'money is {{"amount": "4.90", "currency": "EUR"}}, got {value!r}')
        if not isinstance(value["amount"], str):
            raise ValueError(f"the amount is written as a string, got {value['amount']!r}")
        return cls.parse(value["amount"], value["currency"])

    def to_json(self) -> dict[str, str]:
        """Return the JSON form; the amount as a string, so no reader turns it into a float."""
        return {"amount": str(self.amount), "currency": self.currency}

    def percent_of(self, percent: Decimal | int) -> Money:
        """Return `percent` % of this amount, rounded down to the minor unit."""
        if isinstance(percent, bool) or not isinstance(percent, Decimal | int):
            raise TypeError(f"a percent is a Decimal or an int, got {percent!r}")
        share = self.amount * Decimal(percent) / 100
        return Money(share.quantize(_unit(self.currency), rounding=ROUND_DOWN), self.currency)

    def is_zero(self) -> bool:
        """Tell whether this is no money at all."""
        return self.amount == 0

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._same(other).amount

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._same(other).amount

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._same(other).amount

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._same(other).amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def _same(self, other: object) -> Money:
        """Return `other` if it is money of this currency; refuse anything else."""
        if not isinstance(other, Money):
            raise TypeError(f"cannot join {self} with {other!r}: not money")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"cannot join {self} with {other}: different currencies")
        return other


def total(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    """Add amounts of `currency` up; nothing adds up to zero.

    The amounts are added as Decimals and made Money once: each is already exact
    to the currency's minor unit, so the sum is too, and a decision adds up every
    compensation of the shop's month.
    """
    result = Money.zero(currency)
    return Money(sum((result._same(amount).amount for amount in amounts), result.amount), currency)


def minor_units(currency: str) -> int:
    """Return how many decimals `currency` is written with (2 for EUR, 0 for JPY)."""
    return int(get_currency_precision(_currency(currency)))


def _currency(code: object) -> str:
    """Return an ISO 4217 code in capitals, or say what is wrong with it."""
    if not isinstance(code, str) or len(code.strip()) != 3 or not _known(code.strip().upper()):
        raise ValueError(f"a currency is an ISO 4217 code such as EUR, got {code!r}")
    return code.strip().upper()


@cache
def _known(code: str) -> bool:
    """Tell whether Babel knows the currency; asked once per code (every Money asks)."""
    return is_currency(code)


@cache
def _unit(currency: str) -> Decimal:
    """Return the currency's smallest unit as an exponent for `quantize` (0.01, 1, 0.001)."""
    return Decimal(1).scaleb(-int(get_currency_precision(currency)))
