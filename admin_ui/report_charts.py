"""The report pages' charts, drawn for the panel's pages and for the WordPress plugin.

The Returns page draws them inline; the JSON API answers each as an SVG document
(`/admin/api/reports/returns/trend.svg`, `.../top-defective.svg`) that the WordPress
plugin puts on its own page. Words are in the caller's language.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from babel.dates import format_date
from babel.numbers import format_percent
from markupsafe import Markup

from admin_ui import charts, i18n
from admin_ui.labels import reason_label
from plugin.reports import Period, ReasonRow, TrendRow


def trend_chart(rows: list[TrendRow], period: Period, every: str) -> Markup:
    """Draw returned units per reason in each week or month of the period, empty ones too."""
    units: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        units[row.period_start][row.reason] += row.returned_units
    columns = [
        charts.Column(
            _bucket_label(start, every),
            [
                charts.Segment(reason, reason_label(reason), value)
                for reason, value in sorted(units[start.isoformat()].items())
            ],
        )
        for start in bucket_starts(period, every)
    ]
    total = sum(column.total for column in columns)
    title = (
        i18n.gettext("Returned units per reason, each week")
        if every == "week"
        else (i18n.gettext("Returned units per reason, each month"))
    )
    description = i18n.gettext(
        "%(units)s units returned from %(first)s to %(last)s; the table below gives each figure.",
        units=total,
        first=day(period.since.date()),
        last=day((period.until - timedelta(days=1)).date()),
    )
    return charts.stacked_columns(columns, title, description)


def top_chart(rows: list[ReasonRow]) -> Markup:
    """Draw the products most returned as defective, one bar each, with their return rate."""
    bars = [
        (row.title or row.product_id or "—", row.returned_units, _rate_note(row.return_rate))
        for row in rows
    ]
    title = i18n.gettext("Products most returned as defective")
    description = i18n.gettext(
        "%(count)s products; the table below gives each one's units and return rate.",
        count=len(bars),
    )
    return charts.horizontal_bars(bars, title, description)


def _rate_note(rate: float | None) -> str:
    return "" if rate is None else i18n.gettext("%(rate)s returned", rate=percent(rate))


def bucket_starts(period: Period, every: str) -> list[date]:
    """Return the first day of each week (Monday) or month the period touches."""
    first, last = period.since.date(), (period.until - timedelta(days=1)).date()
    if every == "week":
        start = first - timedelta(days=first.weekday())
        return [start + timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]
    starts, month = [], first.replace(day=1)
    while month <= last:
        starts.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


def _bucket_label(start: date, every: str) -> str:
    pattern = "d MMM" if every == "week" else "MMM yyyy"
    return format_date(start, pattern, locale=i18n.language())


def day(moment: date | datetime | str | None) -> str:
    """Return a day as the merchant writes it."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        moment = date.fromisoformat(moment)
    return format_date(moment, "medium", locale=i18n.language())


def percent(rate: float | None) -> str:
    """Return a share as a percentage, to a tenth."""
    return "—" if rate is None else format_percent(rate, "#,##0.#%", locale=i18n.language())
