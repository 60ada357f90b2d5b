"""The reports in the panel's JSON API: `/admin/api/reports/...`, the caller's shop only.

Each table of `report_tables` is a GET route answering a JSON array, or CSV with
`format=csv` (a file to save: its name says the table and the days). The outcome
figures are one object at `/admin/api/reports/outcomes`, as `reports outcomes --json`
prints them; the Returns charts are SVG documents at `.../returns/trend.svg` and
`.../returns/top-defective.svg`. A filter that cannot be used is a 400 naming it (`report_filters`).
"""

from __future__ import annotations

import logging

from flask import Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from admin_ui import i18n, report_charts, signed
from admin_ui.api import bp
from admin_ui.report_filters import ReportFilter, output_format
from admin_ui.report_tables import TABLES, Table, rows_json
from plugin.reports import as_csv, outcomes

log = logging.getLogger("amends.admin.api")

CSV_TYPE = "text/csv; charset=utf-8"


def csv_download(table: Table, wanted: ReportFilter, text: str) -> Response:
    """Answer `text` as a CSV file to save, named after the table and its days."""
    name = table.filename(wanted, signed.runtime().clock.now())
    response = Response(text, content_type=CSV_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def read_table(table: Table, wanted: ReportFilter) -> list:
    """Read a table's rows for the caller's shop."""
    runtime = signed.runtime()
    with runtime.database.reading() as session:
        return list(table.read(session, g.scope, wanted, runtime.clock.now()))


def _table_view(table: Table):  # noqa: ANN202 (a view function for Flask)
    def view() -> ResponseReturnValue:
        wanted, chosen = ReportFilter.parse(request.args), output_format(request.args)
        rows = read_table(table, wanted)
        log.info("admin.api.report", extra={"table": table.name, "format": chosen})
        if chosen == "csv":
            return csv_download(table, wanted, as_csv(rows, table.columns))
        return jsonify(rows_json(rows))

    view.__doc__ = f"Answer the {table.name.replace('_', ' ')} table, as JSON or CSV."
    return view


for _table in TABLES.values():
    bp.add_url_rule(
        f"/reports/{_table.path}", endpoint=f"report_{_table.name}", view_func=_table_view(_table)
    )


@bp.get("/reports/outcomes")
def report_outcomes() -> ResponseReturnValue:
    """Answer the outcome figures of the incidents opened in the period, as one object."""
    wanted = ReportFilter.parse(request.args)
    runtime = signed.runtime()
    now = runtime.clock.now()
    with runtime.database.reading() as session:
        figures = outcomes(session, g.scope, wanted.period(now.date()), now)
    return jsonify(figures.as_json())


SVG_TYPE = "image/svg+xml; charset=utf-8"


def _svg(chart: Markup) -> Response:
    """Answer a chart as an SVG document (the WordPress plugin puts it on its page)."""
    response = Response(str(chart), content_type=SVG_TYPE)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/reports/returns/trend.svg")
def report_trend_chart() -> ResponseReturnValue:
    """Draw returned units per reason each week or month, in the caller's language."""
    i18n.use_locale(request.args.get("locale"))
    wanted = ReportFilter.parse(request.args)
    period = wanted.period(signed.runtime().clock.now().date())
    rows = read_table(TABLES["returns_trend"], wanted)
    return _svg(report_charts.trend_chart(rows, period, wanted.every))


@bp.get("/reports/returns/top-defective.svg")
def report_top_chart() -> ResponseReturnValue:
    """Draw the products most returned as defective, in the caller's language."""
    i18n.use_locale(request.args.get("locale"))
    rows = read_table(TABLES["top_defective"], ReportFilter.parse(request.args))
    return _svg(report_charts.top_chart(rows))
