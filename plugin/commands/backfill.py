"""`amends backfill`: read a store's past orders, returns and refunds into the inbox."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from plugin import backfill
from plugin.commands.support import console, parse_date, runtime
from plugin.errors import PlatformError
from plugin.runtime import Runtime

log = logging.getLogger("amends.commands")

# What a shell reports for a command stopped by Ctrl-C (128 + SIGINT).
INTERRUPTED = 130


@click.command("backfill")
@click.option("--shop", "shop_id", type=int, required=True, help="the shop whose history to read")
@click.option(
    "--since",
    callback=parse_date,
    required=True,
    help="first day, YYYY-MM-DD (UTC): orders placed from then on, with their returns and refunds",
)
def backfill_command(shop_id: int, since: date) -> None:
    """Read a shop's past orders, returns and refunds for the reports; resumable.

    Stopped (Ctrl-C, a lost connection, a killed process), the same command goes on
    from the last page kept. The worker turns what was read into report lines; no
    incident opens and no customer hears of a past matter.
    """
    rt = runtime()
    if since > rt.clock.now().date():
        log.warning("commands.backfill.future", extra={"shop": shop_id, "since": str(since)})
        raise click.BadParameter(f"{since} is in the future", param_hint="'--since'")
    start = datetime.combine(since, time(0), tzinfo=UTC)
    progress = backfill.start(rt, shop_id, start)
    if progress.complete:
        click.echo(_said(progress, "was read already"))
        return
    with _bar() as bar:
        task = bar.add_task(f"shop {shop_id} since {since}", total=progress.total)
        bar.update(task, completed=progress.fetched)

        def on_page(now: backfill.Progress) -> None:
            bar.update(task, completed=now.fetched, total=now.total)

        try:
            progress = backfill.run(rt, shop_id, start, on_page)
        except KeyboardInterrupt:
            bar.stop()
            _stopped(rt, shop_id, start, "interrupted")
            raise click.exceptions.Exit(INTERRUPTED) from None
        except PlatformError as error:
            bar.stop()
            _stopped(rt, shop_id, start, f"stopped by the store: {error}")
            raise click.exceptions.Exit(1) from error
    click.echo(_said(progress, "read"))


def _bar() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("orders"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _stopped(rt: Runtime, shop_id: int, since: datetime, why: str) -> None:
    """Say how far the backfill got and how to go on; log it."""
    progress = backfill.start(rt, shop_id, since)
    log.warning(
        "commands.backfill.stopped",
        extra={"shop": shop_id, "pages": progress.pages, "reason": why},
    )
    click.echo(
        f"Error: backfill of shop {shop_id} {why}, after {progress.pages} pages "
        f"({progress.fetched} orders kept); run the same command again to go on from there.",
        err=True,
    )


def _said(progress: backfill.Progress, verb: str) -> str:
    return (
        f"History of shop {progress.shop_id} since {progress.since.date()} {verb}: "
        f"{progress.fetched} orders in {progress.pages} pages, {progress.stored} new "
        "to the inbox (`amends worker` turns them into report lines)."
    )


def register(group: click.Group) -> None:
    """Add this command to `group`."""
    group.add_command(backfill_command)
