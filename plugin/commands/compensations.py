"""`amends compensations list|approve|deny`."""

from __future__ import annotations

import logging

import click

from plugin.commands.support import print_json, print_table, runtime
from plugin.compensation.approvals import Outcome, approve, deny, list_compensations
from plugin.scope import ShopScope

log = logging.getLogger("amends.compensations")
BY = click.option(
    "--by",
    "who",
    default=None,
    help="who decides, kept in the audit (staff:<who>); staff when not given",
)


@click.group()
def compensations() -> None:
    """Look at compensations, and approve or deny those waiting for a person."""


@compensations.command("list")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
@click.option("--pending", is_flag=True, help="only those waiting for approval")
@click.option("--shop", "shop_id", type=int, help="only this shop's")
def list_command(as_json: bool, pending: bool, shop_id: int | None) -> None:
    """List compensations, newest first."""
    rt = runtime()
    scope = ShopScope.every().narrowed_to(shop_id)
    with rt.database.reading() as session:
        rows = list_compensations(session, scope, pending_only=pending)
    if as_json:
        print_json(rows)
        return
    columns = ["id", "shop", "incident", "kind", "amount", "currency", "status", "code", "rule"]
    title = "Compensations waiting for approval" if pending else "Compensations"
    print_table(title, columns, [[row[c] for c in columns] for row in rows])


@compensations.command("approve")
@click.argument("compensation_id", type=int)
@BY
def approve_command(compensation_id: int, who: str | None) -> None:
    """Approve a compensation waiting for approval (with the options of its offer)."""
    rt = runtime()
    actor = _actor(who)
    with rt.database.transaction() as session:
        outcome = approve(session, ShopScope.every(), compensation_id, actor)
    log.info("compensations.approved", extra={"compensation": compensation_id, "by": actor})
    _report(f"compensation {compensation_id} approved by {actor}", outcome)


@compensations.command("deny")
@click.argument("compensation_id", type=int)
@click.option("--reason", default=None, help="why, kept in the audit")
@BY
def deny_command(compensation_id: int, reason: str | None, who: str | None) -> None:
    """Deny a compensation waiting for approval; nothing of it is executed."""
    rt = runtime()
    actor = _actor(who)
    with rt.database.transaction() as session:
        outcome = deny(session, ShopScope.every(), compensation_id, actor, reason)
    log.info("compensations.denied", extra={"compensation": compensation_id, "by": actor})
    _report(f"compensation {compensation_id} denied by {actor}", outcome)


def _actor(who: str | None) -> str:
    who = (who or "").strip()
    if len(who) > 50 or any(ch in who for ch in "\r\n"):
        raise click.BadParameter("give a short name, on one line", param_hint="--by")
    return f"staff:{who}" if who else "staff"


def _report(headline: str, outcome: Outcome) -> None:
    click.echo(headline)
    for row in outcome.compensations:
        amount = f"{row['amount']} {row['currency']}"
        click.echo(f"  {row['id']}: {row['kind']} {amount} -> {row['status']}")
    if outcome.explanation:
        click.echo(f"  why: {outcome.explanation}")


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(compensations)
