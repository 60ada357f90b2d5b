"""The panel's report pages: Returns and Outcomes, with their charts and CSV files.

Each table on a page is one of `report_tables`, and each has its CSV file at
`/admin/reports/<path>.csv` (the page's pass keeps an embedded download signed in).
A filter that cannot be used gets a message beside its field and the default days.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_timedelta
from babel.numbers import format_currency, format_percent
from flask import g, render_template, request
from flask.typing import ResponseReturnValue

from admin_ui import charts, i18n, signed
from admin_ui.labels import reason_label
from admin_ui.pages import bp, panel_url
from admin_ui.report_api import csv_download, read_table
from admin_ui.report_filters import ReportFilter
from admin_ui.report_tables import TABLES, Table
from plugin.incidents.inbox import InvalidFilter
from plugin.reports import Period, TrendRow, as_csv, outcomes
from plugin.reports.spend import compensation_spend


def _filter() -> tuple[ReportFilter, Period, dict[str, str]]:
    """Read the page's filter; on a bad one, say so beside its field and use the defaults."""
    today = signed.runtime().clock.now().date()
    try:
        wanted = ReportFilter.parse(request.args)
        return wanted, wanted.period(today), {}
    except InvalidFilter as problem:
        message = {
            "since": i18n.gettext("Give a day as YYYY-MM-DD, at most three years before the last."),
            "until": i18n.gettext("Give a day as YYYY-MM-DD, on or after the first day."),
        }.get(problem.field, i18n.gettext("Choose one of the values offered."))
        return ReportFilter(), ReportFilter().period(today), {problem.field: message}


def _csv_links(names: list[str], wanted: ReportFilter) -> dict[str, str]:
    return {name: panel_url(f"admin_pages.csv_{name}", **wanted.arguments()) for name in names}


@bp.get("/reports/returns")
def returns_report() -> ResponseReturnValue:
    """Show why goods come back: by reason, product or SKU, over time, and the worst products."""
    wanted, period, errors = _filter()
    names = ["returns", "returns_trend", "returns_compared", "top_defective"]
    tables = {name: read_table(TABLES[name], wanted) for name in names}
    context = {
        "wanted": wanted,
        "values": request.args,
        "errors": errors,
        "first_day": period.since.date(),
        "last_day": (period.until - timedelta(days=1)).date(),
        "tables": tables,
        "csv": _csv_links(names, wanted),
        "trend_chart": _trend_chart(tables["returns_trend"], period, wanted.every),
        "top_chart": _top_chart(tables["top_defective"]),
        "reasons_shown": sorted({row.reason for row in tables["returns_trend"]}),
        "colour_of": charts.colour_of,
        "day": _day,
        "percent": _percent,
    }
    return render_template("panel/returns.html", **context), 400 if errors else 200


@bp.get("/reports/outcomes")
def outcomes_report() -> ResponseReturnValue:
    """Show how incidents were handled, what was given against the budget, who came back."""
    wanted, period, errors = _filter()
    runtime = signed.runtime()
    now = runtime.clock.now()
    with runtime.database.reading() as session:
        figures = outcomes(session, g.scope, period, now)
        spend = compensation_spend(session, g.scope, period)
    names = ["outcome_times", "outcome_shares", "compensation_spend", "budget"]
    context = {
        "wanted": wanted,
        "values": request.args,
        "errors": errors,
        "first_day": period.since.date(),
        "last_day": (period.until - timedelta(days=1)).date(),
        "figures": figures,
        "spend": spend,
        "csv": _csv_links(names, wanted),
        "day": _day,
        "percent": _percent,
        "duration": _duration,
        "money": _money,
        "month": _month,
    }
    return render_template("panel/outcomes.html", **context), 400 if errors else 200


def _csv_view(table: Table):  # noqa: ANN202 (a view function for Flask)
    def view() -> ResponseReturnValue:
        wanted, _, errors = _filter()
        if errors:
            return (", ".join(errors.values()), 400, {"Content-Type": "text/plain; charset=utf-8"})
        return csv_download(table, wanted, as_csv(read_table(table, wanted), table.columns))

    view.__doc__ = f"Download the {table.name.replace('_', ' ')} table as CSV."
    return view


for _table in TABLES.values():
    bp.add_url_rule(
        f"/reports/{_table.path}.csv", endpoint=f"csv_{_table.name}", view_func=_csv_view(_table)
    )


def _trend_chart(rows: list[TrendRow], period: Period, every: str) -> Any:
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
        first=_day(period.since.date()),
        last=_day((period.until - timedelta(days=1)).date()),
    )
    return charts.stacked_columns(columns, title, description)


def _top_chart(rows: list) -> Any:
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
    return "" if rate is None else i18n.gettext("%(rate)s returned", rate=_percent(rate))


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


def _day(moment: date | datetime | str | None) -> str:
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        moment = date.fromisoformat(moment)
    return format_date(moment, "medium", locale=i18n.language())


def _month(first_day: str) -> str:
    return format_date(date.fromisoformat(first_day), "MMMM yyyy", locale=i18n.language())


def _percent(rate: float | None) -> str:
    return "—" if rate is None else format_percent(rate, "#,##0.#%", locale=i18n.language())


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return format_timedelta(
        timedelta(seconds=seconds), threshold=1.5, format="long", locale=i18n.language()
    )


def _money(amount: str | Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    if not currency:
        return str(amount)
    return format_currency(Decimal(amount), currency, locale=i18n.language())
