"""`amends reports returns|outcomes`: the return-reason report and the outcome figures."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import click

from plugin.commands.support import console, parse_date, print_json, print_table, runtime
from plugin.errors import InvalidInput
from plugin.reports import GROUPINGS, Period, ReasonRow, as_csv, columns, outcomes, return_reasons
from plugin.scope import ShopScope
from plugin.shops import get_shop

log = logging.getLogger("amends.commands")


def _period(since: date | None, until: date | None, now: datetime) -> Period:
    """Return the whole days asked for: by default the 30 days up to today (UTC)."""
    try:
        return Period.asked(since, until, now.date())
    except InvalidInput as error:
        log.warning("commands.reports.backwards", extra={"since": str(since), "until": str(until)})
        last = until or now.date()
        raise click.BadParameter(f"--until {last} is before --since {since}") from error


def _scope(shop_id: int | None) -> ShopScope:
    """Return every shop, or the one asked for (which must exist)."""
    if shop_id is not None:
        with runtime().database.reading() as session:
            get_shop(session, shop_id)
    return ShopScope.every().narrowed_to(shop_id)


@click.group()
def reports() -> None:
    """Return reasons and incident outcomes, per shop."""


@reports.command("returns")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.option("--csv", "as_csv_text", is_flag=True, help="print CSV")
@click.option("--shop", "shop_id", type=int, help="only this shop's")
@click.option("--since", callback=parse_date, help="first day, YYYY-MM-DD (default: 30 days ago)")
@click.option("--until", callback=parse_date, help="last day, YYYY-MM-DD (default: today)")
@click.option("--by", type=click.Choice(GROUPINGS), default="reason", show_default=True)
def returns_command(
    as_json: bool,
    as_csv_text: bool,
    shop_id: int | None,
    since: date | None,
    until: date | None,
    by: str,
) -> None:
    """Units returned by reason (and product or SKU) against units sold, per shop."""
    if as_json and as_csv_text:
        raise click.UsageError("choose one of --json and --csv")
    rt = runtime()
    period = _period(since, until, rt.clock.now())
    scope = _scope(shop_id)
    with rt.database.reading() as session:
        rows = return_reasons(session, scope, period, by)
    if as_json:
        print_json([row.as_json() for row in rows])
    elif as_csv_text:
        click.echo(as_csv(rows, columns(ReasonRow)), nl=False)
    else:
        _print_returns(rows, period)


def _print_returns(rows: list[ReasonRow], period: Period) -> None:
    title = f"Returns {period.since.date()} to {(period.until - timedelta(days=1)).date()}"
    shown = ["shop", "platform", "reason", "product_id", "sku", "title"]
    shown += ["returned_units", "sold_units", "return_rate", "returns_without_quantity"]
    print_table(title, shown, [[row.as_json()[c] for c in shown] for row in rows])


@reports.command("outcomes")
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
@click.option("--shop", "shop_id", type=int, help="only this shop's")
@click.option("--since", callback=parse_date, help="first day, YYYY-MM-DD (default: 30 days ago)")
def outcomes_command(as_json: bool, shop_id: int | None, since: date | None) -> None:
    """How fast incidents were handled, cadence kept, and customers who came back."""
    rt = runtime()
    now = rt.clock.now()
    period = _period(since, None, now)
    scope = _scope(shop_id)
    with rt.database.reading() as session:
        figures = outcomes(session, scope, period, now).as_json()
    if as_json:
        print_json(figures)
        return
    console.print(f"[bold]Outcomes[/bold] of incidents opened from {period.since.date()}")
    rows = [[name, _say(value)] for name, value in figures.items()]
    print_table("", ["figure", "value"], rows)


def _say(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {'-' if v is None else v}" for k, v in value.items())
    return "-" if value is None else str(value)


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(reports)
