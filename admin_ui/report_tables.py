"""Every table the report pages show, by name: the JSON API, the pages and CSV read them here.

A table is a name (its URL and its file name), its columns, and how its rows are
read for a shop scope, a filter and the current time. The API answers each as JSON
or CSV (`/admin/api/reports/<path>`), the pages link to each as a CSV file, and the
WordPress plugin forwards both: one list, so no table has a download the others lack.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from admin_ui.report_filters import ReportFilter
from plugin.reports import (
    ComparedRow,
    ReasonRow,
    TrendRow,
    columns,
    outcomes,
    period_over_period,
    return_reasons,
    return_trend,
    top_defective,
)
from plugin.reports.export import Row
from plugin.reports.figures import ShareRow, TimingRow
from plugin.reports.spend import BudgetRow, SpendRow, compensation_spend
from plugin.scope import ShopScope

Reader = Callable[[Session, ShopScope, ReportFilter, datetime], Sequence[Row]]
TOP = 10  # products in the top defective table


@dataclass(frozen=True)
class Table:
    """One report table: `path` under /admin/api/reports/, its columns, how it is read."""

    name: str  # the endpoint's and the file's name
    path: str
    columns: list[str]
    read: Reader

    def filename(self, wanted: ReportFilter, now: datetime) -> str:
        """Return the CSV file's name: what it is, how grouped, which days."""
        period = wanted.period(now.date())
        last = (period.until - timedelta(days=1)).date()
        grouped = {"returns": wanted.by, "returns_compared": wanted.by}.get(self.name)
        step = wanted.every if self.name == "returns_trend" else None
        parts = ["amends", self.path.replace("/", "-"), grouped and f"by-{grouped}", step]
        parts += [period.since.date().isoformat(), "to", last.isoformat()]
        return "-".join(part for part in parts if part) + ".csv"


def _returns(s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime) -> list[ReasonRow]:
    return return_reasons(s, scope, wanted.period(now.date()), wanted.by)


def _trend(s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime) -> list[TrendRow]:
    return return_trend(s, scope, wanted.period(now.date()), wanted.every)


def _compared(
    s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime
) -> list[ComparedRow]:
    return period_over_period(s, scope, wanted.period(now.date()), wanted.by)


def _defective(
    s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime
) -> list[ReasonRow]:
    return top_defective(s, scope, wanted.period(now.date()), TOP)


def _timings(s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime) -> list[TimingRow]:
    return outcomes(s, scope, wanted.period(now.date()), now).timings()


def _shares(s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime) -> list[ShareRow]:
    return outcomes(s, scope, wanted.period(now.date()), now).shares()


def _spend(s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime) -> list[SpendRow]:
    return compensation_spend(s, scope, wanted.period(now.date())).by_kind


def _budget(s: Session, scope: ShopScope, wanted: ReportFilter, now: datetime) -> list[BudgetRow]:
    return compensation_spend(s, scope, wanted.period(now.date())).months


COMPARED_COLUMNS = columns(ReasonRow) + [
    "previous_returned_units",
    "previous_sold_units",
    "previous_return_rate",
    "rate_change",
]

TABLES = {
    table.name: table
    for table in (
        Table("returns", "returns", columns(ReasonRow), _returns),
        Table("returns_trend", "returns/trend", columns(TrendRow), _trend),
        Table("returns_compared", "returns/compared", COMPARED_COLUMNS, _compared),
        Table("top_defective", "returns/top-defective", columns(ReasonRow), _defective),
        Table("outcome_times", "outcomes/times", columns(TimingRow), _timings),
        Table("outcome_shares", "outcomes/shares", columns(ShareRow), _shares),
        Table("compensation_spend", "outcomes/spend", columns(SpendRow), _spend),
        Table("budget", "outcomes/budget", columns(BudgetRow), _budget),
    )
}


def rows_json(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """Return the rows as JSON objects."""
    return [row.as_json() for row in rows]
