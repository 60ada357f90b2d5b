"""`amends outbox list|retry`."""

from __future__ import annotations

import click

from plugin.commands.support import print_json, print_table, runtime
from plugin.compensation.execute import requeued
from plugin.outbox import COMPENSATION
from plugin.outbox.store import list_entries, requeue
from plugin.storage.models import OutboxEntry


def entry_json(entry: OutboxEntry) -> dict:
    """Return what an operator needs to know of a message (not whom it is for)."""
    return {
        "id": entry.id,
        "shop": entry.shop_id,
        "incident": entry.incident_id,
        "kind": entry.kind,
        "idempotency_key": entry.idempotency_key,
        "stage": entry.payload.get("stage") or _alert_stage(entry),
        "locale": entry.payload.get("locale"),
        "status": entry.status,
        "attempts": entry.attempts,
        "queued_at": entry.created_at.isoformat(),
        "next_attempt_at": entry.next_attempt_at.isoformat(),
        "sent_at": entry.sent_at.isoformat() if entry.sent_at else None,
        "message_id": entry.message_id,
        "platform_ref": entry.platform_ref,
        "last_error": entry.last_error,
    }


def _alert_stage(entry: OutboxEntry) -> str | None:
    """Name a merchant's alert by the target missed: `sla:acknowledgement`, `sla:resolution`."""
    breach = entry.payload.get("breach")
    return f"sla:{breach}" if breach else None


@click.group()
def outbox() -> None:
    """Look at messages (to customers, alerts to merchants) waiting, sent or failed."""


@outbox.command("list")
@click.option("--failed", is_flag=True, help="only messages parked after their last attempt")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
def list_command(failed: bool, as_json: bool, limit: int) -> None:
    """List outbox messages, newest first, with their state."""
    rt = runtime()
    with rt.database.reading() as session:
        rows = [entry_json(e) for e in list_entries(session, failed_only=failed, limit=limit)]
    if as_json:
        print_json(rows)
        return
    columns = [
        "id",
        "incident",
        "kind",
        "stage",
        "locale",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    print_table("Outbox", columns, [[row[c] for c in columns] for row in rows])


@outbox.command("retry")
@click.argument("entry_id", type=int)
def retry_command(entry_id: int) -> None:
    """Requeue a failed message with a fresh set of attempts.

    A compensation's row takes the compensation back to queued with it.
    """
    rt = runtime()
    with rt.database.transaction() as session:
        entry = requeue(session, entry_id)
        if entry.kind == COMPENSATION:
            requeued(session, entry)
    click.echo(f"message {entry_id} requeued")


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(outbox)
