"""What every subcommand shares: the runtime, JSON and table output, time options."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from plugin.clock import SYSTEM_CLOCK, as_utc
from plugin.logs import configure_logging
from plugin.runtime import Runtime, build_runtime
from plugin.storage import migrate
from plugin.storage.db import check_folder_writable

console = Console()
log = logging.getLogger("amends.commands")


def runtime(migrate_sqlite: bool = True) -> Runtime:
    """Return this invocation's runtime, checking the schema is current.

    The embedded SQLite default is brought up to date on first use; a shared
    PostgreSQL is left to `amends db upgrade`, run once by the operator. The
    runtime tells the time by the wall clock, or by the clock a caller embedding
    the command line passed as `obj={"clock": ...}`.
    """
    ctx = click.get_current_context()
    if "runtime" not in ctx.meta:
        clock = (ctx.find_root().obj or {}).get("clock", SYSTEM_CLOCK)
        ctx.meta["runtime"] = built = build_runtime(clock=clock)
        ctx.call_on_close(built.database.dispose)
        configure_logging(built.settings.log_level)
        check_folder_writable(built.database)
        if migrate_sqlite and migrate.pending(built.database):
            if built.database.dialect != "sqlite":
                raise click.ClickException("the database schema is behind; run `amends db upgrade`")
            migrate.upgrade(built.database)
    return ctx.meta["runtime"]


def print_json(value: Any) -> None:
    """Print `value` as JSON on stdout, nothing else."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def print_table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """Print rows as a table for people."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    console.print(table)


def parse_time(_ctx: click.Context, _param: click.Parameter, value: str | None) -> datetime | None:
    """Read an ISO-8601 time option (UTC when it has no offset)."""
    if value is None:
        return None
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 time") from error


def parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """Read a YYYY-MM-DD option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        log.warning(
            "commands.bad-date",
            extra={"command": ctx.info_name, "option": param.name, "value": value},
        )
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from error
