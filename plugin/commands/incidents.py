"""`amends incidents list|show|open|note|resolve|reopen`."""

from __future__ import annotations

import json

import click

from plugin.commands.support import console, print_json, print_table, runtime
from plugin.incidents import KINDS, STATUSES, staff
from plugin.incidents.views import list_incidents, show_incident
from plugin.scope import ShopScope


@click.group()
def incidents() -> None:
    """Look at incidents and their timelines, and work on them by hand."""


@incidents.command("list")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.option("--shop", "shop_id", type=int, help="only this shop's")
@click.option("--status", type=click.Choice(sorted(STATUSES)))
@click.option("--kind", type=click.Choice(sorted(KINDS)))
def list_command(as_json: bool, shop_id: int | None, status: str | None, kind: str | None) -> None:
    """List incidents, newest first."""
    rt = runtime()
    with rt.database.transaction() as session:
        scope = ShopScope.every().narrowed_to(shop_id)
        found = list_incidents(session, scope, status=status, kind=kind)
    if as_json:
        print_json(found)
        return
    columns = [
        "id",
        "shop",
        "platform",
        "order_name",
        "kind",
        "status",
        "customer_email",
        "created_at",
    ]
    print_table("Incidents", columns, [[i[c] for c in columns] for i in found])


@incidents.command("show")
@click.argument("incident_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="print a JSON object")
def show_command(incident_id: int, as_json: bool) -> None:
    """Show one incident with its timeline, messages and compensations."""
    rt = runtime()
    with rt.database.transaction() as session:
        incident = show_incident(session, ShopScope.every(), incident_id)
    if as_json:
        print_json(incident)
        return
    console.print(
        f"[bold]Incident {incident['id']}[/bold] {incident['kind']} ({incident['status']}) "
        f"order {incident['order_name'] or incident['order_id']} of shop {incident['shop']}"
    )
    print_table(
        "Timeline",
        ["at", "type", "actor", "detail"],
        [
            [e["at"], e["type"], e["actor"], json.dumps(e["detail"], ensure_ascii=False)]
            for e in incident["timeline"]
        ],
    )
    columns = ["channel", "stage", "locale", "status", "queued_at", "sent_at"]
    print_table("Messages", columns, [[m[c] for c in columns] for m in incident["messages"]])
    columns = ["id", "kind", "amount", "currency", "status", "code", "platform_ref", "explanation"]
    given = incident["compensations"]
    print_table("Compensations", columns, [[c[name] for name in columns] for c in given])


@incidents.command("open")
@click.option("--shop", "shop_id", type=int, required=True, help="the shop's id")
@click.option("--order", "order_id", required=True, help="the platform's order id")
@click.option("--kind", type=click.Choice(sorted(KINDS)), required=True)
def open_command(shop_id: int, order_id: str, kind: str) -> None:
    """Open an incident for an order by hand; prints its id on the last line."""
    rt = runtime()
    with rt.database.transaction() as session:
        incident_id = staff.open_by_hand(session, shop_id, order_id, kind).id
    click.echo(f"opened {kind} incident for order {order_id}")
    click.echo(incident_id)


@incidents.command("note")
@click.argument("incident_id", type=int)
@click.argument("text")
def note_command(incident_id: int, text: str) -> None:
    """Add a note to an incident's timeline."""
    rt = runtime()
    with rt.database.transaction() as session:
        staff.note(session, staff.find_incident(session, ShopScope.every(), incident_id), text)
    click.echo(f"noted on incident {incident_id}")


@incidents.command("resolve")
@click.argument("incident_id", type=int)
def resolve_command(incident_id: int) -> None:
    """Mark an incident resolved."""
    rt = runtime()
    with rt.database.transaction() as session:
        staff.resolve(session, staff.find_incident(session, ShopScope.every(), incident_id))
    click.echo(f"incident {incident_id} resolved")


@incidents.command("reopen")
@click.argument("incident_id", type=int)
def reopen_command(incident_id: int) -> None:
    """Take a resolved or closed incident up again."""
    rt = runtime()
    with rt.database.transaction() as session:
        staff.reopen(session, staff.find_incident(session, ShopScope.every(), incident_id))
    click.echo(f"incident {incident_id} reopened")


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(incidents)
