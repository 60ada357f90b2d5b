"""`amends policy show|export|import`."""

from __future__ import annotations

import logging
from typing import TextIO

import click

from plugin.commands.support import runtime
from plugin.compensation.documents import (
    PolicyInvalid,
    policy_json,
    policy_yaml,
    read_policy_text,
)
from plugin.compensation.store import load_policy, save_policy
from plugin.compensation.summary import summary

log = logging.getLogger("amends.policy")
SHOP = click.option("--shop", "shop_id", type=int, required=True, help="the shop's id")


@click.group()
def policy() -> None:
    """Show, export and import a shop's compensation policy."""


@policy.command("show")
@SHOP
@click.option("--yaml", "as_yaml", is_flag=True, help="print the policy as YAML")
@click.option("--json", "as_json", is_flag=True, help="print the policy as JSON")
def show_command(shop_id: int, as_yaml: bool, as_json: bool) -> None:
    """Show the shop's compensation policy in words (or as YAML or JSON)."""
    rt = runtime()
    with rt.database.transaction() as session:
        current, own = load_policy(session, shop_id)
    if as_yaml:
        click.echo(policy_yaml(current), nl=False)
        return
    if as_json:
        click.echo(policy_json(current))
        return
    whose = "its own" if own else "the default; import one to change it"
    click.echo(f"Compensation policy of shop {shop_id} ({whose})")
    for line in summary(current):
        click.echo(line)


@policy.command("export")
@SHOP
@click.option("--yaml/--json", "as_yaml", default=True, help="YAML (the default) or JSON")
def export_command(shop_id: int, as_yaml: bool) -> None:
    """Print the shop's policy as a file to edit and import again."""
    rt = runtime()
    with rt.database.transaction() as session:
        current, _ = load_policy(session, shop_id)
    if not as_yaml:
        click.echo(policy_json(current))
        return
    header = (
        f"Compensation policy of shop {shop_id}.\n"
        f"Edit it, then: amends policy import --shop {shop_id} FILE"
    )
    click.echo(policy_yaml(current, header), nl=False)


@policy.command("import")
@SHOP
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_command(shop_id: int, file: TextIO) -> None:
    """Replace the shop's policy with FILE (YAML or JSON); a bad file changes nothing."""
    rt = runtime()
    try:
        new = read_policy_text(file.read())
    except PolicyInvalid as invalid:
        log.warning(
            "policy.import.refused",
            extra={"shop": shop_id, "file": file.name, "problems": len(invalid.problems)},
        )
        raise click.ClickException(
            f"{file.name} was not imported, nothing changed: {invalid}"
        ) from invalid
    with rt.database.transaction() as session:
        save_policy(session, shop_id, new)
    log.info("policy.imported", extra={"shop": shop_id, "rules": len(new.rules)})
    click.echo(f"imported the compensation policy of shop {shop_id} ({len(new.rules)} rules)")


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(policy)
