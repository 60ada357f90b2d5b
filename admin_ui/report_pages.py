"""The panel's report pages: Returns and Outcomes, with their charts and CSV files.

Each table on a page is one of `report_tables`, and each has its CSV file at
`/admin/reports/<path>.csv` (the page's pass keeps an embedded download signed in).
A filter that cannot be used gets a message beside its field and the default days.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date, format_timedelta
from babel.numbers import format_currency
from flask import g, render_template, request
from flask.typing import ResponseReturnValue

from admin_ui import i18n, report_charts, signed
from admin_ui.pages import bp, panel_url
from admin_ui.report_api import csv_download, read_table
from admin_ui.report_filters import ReportFilter
from admin_ui.report_tables import TABLES, Table
from plugin.incidents.inbox import InvalidFilter
from plugin.reports import Period, as_csv, outcomes
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


def _report_page(
    template: str,
    names: list[str],
    wanted: ReportFilter,
    period: Period,
    errors: dict[str, str],
    **shown: object,
) -> ResponseReturnValue:
    """Render a report page with what each one has: its filter, its days, its tables' CSV links.

    `names` are the page's tables; `shown` is what only this page shows. A filter
    that could not be used makes the page a 400, its message beside the field.
    """
    context = {
        "wanted": wanted,
        "values": request.args,
        "errors": errors,
        "first_day": period.since.date(),
        "last_day": (period.until - timedelta(days=1)).date(),
        "csv": _csv_links(names, wanted),
        "day": report_charts.day,
        "percent": report_charts.percent,
    }
    return render_template(template, **context, **shown), 400 if errors else 200


@bp.get("/reports/returns")
def returns_report() -> ResponseReturnValue:
    """Show why goods come back: by reason, product or SKU, over time, and the worst products."""
    wanted, period, errors = _filter()
    names = ["returns", "returns_trend", "returns_compared", "top_defective"]
    tables = {name: read_table(TABLES[name], wanted) for name in names}
    return _report_page(
        "panel/returns.html",
        names,
        wanted,
        period,
        errors,
        tables=tables,
        trend_chart=report_charts.trend_chart(tables["returns_trend"], period, wanted.every),
        top_chart=report_charts.top_chart(tables["top_defective"]),
    )


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
    return _report_page(
        "panel/outcomes.html",
        names,
        wanted,
        period,
        errors,
        figures=figures,
        spend=spend,
        duration=_duration,
        money=_money,
        month=_month,
    )


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


def _month(first_day: str) -> str:
    return format_date(date.fromisoformat(first_day), "MMMM yyyy", locale=i18n.language())


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
