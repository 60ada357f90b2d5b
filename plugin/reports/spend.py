"""Compensation spend: what went out, by kind, and each month's spend against the budget.

Read from the compensations table, as the caps read it: a compensation counts when
it went out or is on its way (queued, issued, given by staff), in the month of the
shop's calendar it was approved, chosen or decided in. A compensation waiting for
approval or a choice is spent only once it is given, so it is in no figure here.
The budget is the shop's policy's `monthly_budget` (None when it has none); it
counts spend in the policy's currency (every currency when the policy names none).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from plugin.compensation.records import SPENT, counted_at
from plugin.compensation.store import policy_of
from plugin.incidents.calendar import ShopCalendar
from plugin.incidents.care import CareSettings
from plugin.reports.period import Period
from plugin.scope import ShopScope
from plugin.storage.models import CompensationRecord, Shop


@dataclass(frozen=True)
class SpendRow:
    """What one shop gave of one kind in one currency over the period."""

    shop: int
    kind: str
    currency: str
    compensations: int
    amount: str  # exact, as text: no reader turns money into a float

    def as_json(self) -> dict[str, Any]:
        """Return the row as a dict."""
        return asdict(self)


@dataclass(frozen=True)
class BudgetRow:
    """One shop's spend in one calendar month (its first day) against its monthly budget."""

    shop: int
    month: str  # YYYY-MM-01
    currency: str | None
    spent: str
    budget: str | None
    budget_used: float | None  # spent / budget

    def as_json(self) -> dict[str, Any]:
        """Return the row as a dict."""
        return asdict(self)


@dataclass(frozen=True)
class Spend:
    """Spend by kind over a period, and each of its months against the budget."""

    by_kind: list[SpendRow]
    months: list[BudgetRow]

    def as_json(self) -> dict[str, Any]:
        """Return both tables as lists of dicts."""
        return {
            "by_kind": [row.as_json() for row in self.by_kind],
            "months": [row.as_json() for row in self.months],
        }


def compensation_spend(session: Session, scope: ShopScope, period: Period) -> Spend:
    """Return what the scope's shops gave in `period`, by kind and per month against budget."""
    shops = {shop.id: shop for shop in session.scalars(scope.filter(select(Shop), Shop.id))}
    query: Select[Any] = select(CompensationRecord).where(
        CompensationRecord.status.in_(sorted(SPENT)),
        CompensationRecord.shop_id.in_(list(shops)),
    )
    by_kind: dict[tuple[int, str, str], list[Decimal]] = defaultdict(list)
    by_month: dict[tuple[int, date, str], Decimal] = defaultdict(Decimal)
    for row in session.scalars(scope.filter(query, CompensationRecord.shop_id)):
        when = counted_at(row)
        if not period.since <= when < period.until:
            continue
        by_kind[(row.shop_id, row.kind, row.currency)].append(row.amount)
        month = _calendar(shops[row.shop_id]).local_day(when).replace(day=1)
        by_month[(row.shop_id, month, row.currency)] += row.amount
    kinds = [
        SpendRow(shop, kind, currency, len(amounts), f"{sum(amounts, Decimal(0)):f}")
        for (shop, kind, currency), amounts in by_kind.items()
    ]
    kinds.sort(key=lambda row: (row.shop, -Decimal(row.amount), row.kind, row.currency))
    months = [row for shop in shops.values() for row in _months(shop, period, by_month)]
    return Spend(kinds, months)


def _calendar(shop: Shop) -> ShopCalendar:
    return CareSettings.of(shop.settings).calendar


def _months(
    shop: Shop, period: Period, spent: dict[tuple[int, date, str], Decimal]
) -> list[BudgetRow]:
    """Return the shop's months in the period, each with its spend beside the budget."""
    policy = policy_of(shop.settings)
    budget = policy.caps.monthly_budget
    rows = []
    for month in _months_of(period, _calendar(shop)):
        currencies: list[str | None] = [
            currency
            for (shop_id, when, currency) in sorted(spent)
            if (shop_id, when) == (shop.id, month)
        ]
        if policy.currency:
            currencies = [policy.currency]
        for currency in currencies or [None]:
            amount = spent.get((shop.id, month, currency), Decimal(0)) if currency else Decimal(0)
            used = round(float(amount / budget), 4) if budget else None
            rows.append(
                BudgetRow(
                    shop.id,
                    month.isoformat(),
                    currency,
                    f"{amount:f}",
                    None if budget is None else f"{budget:f}",
                    used,
                )
            )
    return rows


def _months_of(period: Period, calendar: ShopCalendar) -> list[date]:
    """Return the first days of the shop's calendar months the period touches."""
    first = calendar.local_day(period.since).replace(day=1)
    last = calendar.local_day(period.until - timedelta(microseconds=1))
    months = []
    while first <= last:
        months.append(first)
        first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months
