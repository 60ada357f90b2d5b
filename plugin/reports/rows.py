"""What a return-reason report answers with: rows anyone (CLI, panel, CSV) can print."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, NamedTuple


def rate(returned: int | None, sold: int | None) -> float | None:
    """Return returned units per sold unit, rounded; None when nothing was sold."""
    if not sold or returned is None:
        return None
    return round(returned / sold, 4)


class ReasonRow(NamedTuple):
    """Units returned for one reason (of one product or SKU, when asked by them).

    `sold_units` are the units of the same product, SKU or shop sold in the same
    period; `returns_without_quantity` counts returned lines whose quantity the
    platform never gave (a WooCommerce refund read from its order): they are in
    no unit count. A named tuple, not a dataclass: a report over a large catalogue
    builds tens of thousands of them, and a frozen dataclass takes three times as
    long to build (bench/reports.py).
    """

    shop: int | None
    platform: str | None
    reason: str
    product_id: str | None
    sku: str | None
    title: str | None
    returned_units: int
    sold_units: int
    return_rate: float | None
    returns_without_quantity: int = 0

    def as_json(self) -> dict[str, Any]:
        """Return the row as `reports returns --json` prints it."""
        return self._asdict()


@dataclass(frozen=True)
class TrendRow:
    """Units returned for one reason in one week or month, against the units sold in it."""

    shop: int
    period_start: str  # the first day of the week (Monday) or month, YYYY-MM-DD
    reason: str
    returned_units: int
    sold_units: int
    return_rate: float | None

    def as_json(self) -> dict[str, Any]:
        """Return the row as a dict."""
        return asdict(self)


@dataclass(frozen=True)
class ComparedRow:
    """One row of a report beside the same row of the period before."""

    current: ReasonRow
    previous_returned_units: int
    previous_sold_units: int
    previous_return_rate: float | None

    @property
    def rate_change(self) -> float | None:
        """Return how much the return rate moved, in returned units per sold unit."""
        if self.current.return_rate is None or self.previous_return_rate is None:
            return None
        return round(self.current.return_rate - self.previous_return_rate, 4)

    def as_json(self) -> dict[str, Any]:
        """Return the row flat: the current columns, then the previous ones and the change."""
        return self.current.as_json() | {
            "previous_returned_units": self.previous_returned_units,
            "previous_sold_units": self.previous_sold_units,
            "previous_return_rate": self.previous_return_rate,
            "rate_change": self.rate_change,
        }


def columns(row_type: type) -> list[str]:
    """Return the column names of a row type (a dataclass or a named tuple), in order."""
    named = getattr(row_type, "_fields", None)
    return list(named) if named is not None else [field.name for field in fields(row_type)]
