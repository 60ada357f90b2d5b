"""`amends inbox list|retry`."""

from __future__ import annotations

import click

from plugin.commands.support import print_json, print_table, runtime
from plugin.inbox.store import list_deliveries, requeue
from plugin.storage.models import InboxDelivery


def delivery_json(delivery: InboxDelivery) -> dict:
    """Return what an operator needs to know of a delivery (not its body)."""
    return {
        "id": delivery.id,
        "platform": delivery.platform,
        "shop": delivery.shop_id,
        "topic": delivery.topic,
        "delivery_key": delivery.delivery_key,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "received_at": delivery.received_at.isoformat(),
        "triggered_at": delivery.triggered_at.isoformat() if delivery.triggered_at else None,
        "next_attempt_at": delivery.next_attempt_at.isoformat(),
        "processed_at": delivery.processed_at.isoformat() if delivery.processed_at else None,
        "last_error": delivery.last_error,
    }


@click.group()
def inbox() -> None:
    """Look at webhook deliveries and requeue failed ones."""


@inbox.command("list")
@click.option("--failed", is_flag=True, help="only deliveries parked after their last attempt")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
def list_command(failed: bool, as_json: bool, limit: int) -> None:
    """List deliveries, newest first, with their processing state."""
    rt = runtime()
    with rt.database.transaction() as session:
        rows = [delivery_json(d) for d in list_deliveries(session, failed_only=failed, limit=limit)]
    if as_json:
        print_json(rows)
        return
    columns = ["id", "platform", "shop", "topic", "status", "attempts", "received_at", "last_error"]
    print_table("Inbox", columns, [[row[c] for c in columns] for row in rows])


@inbox.command("retry")
@click.argument("delivery_id", type=int)
@click.option("--force", is_flag=True, help="also a delivery processed already (done or ignored)")
def retry_command(delivery_id: int, force: bool) -> None:
    """Requeue a failed delivery with a fresh set of attempts."""
    rt = runtime()
    with rt.database.transaction() as session:
        requeue(session, delivery_id, force=force)
    click.echo(f"delivery {delivery_id} requeued")


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(inbox)
