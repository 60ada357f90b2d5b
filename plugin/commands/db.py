"""`amends db upgrade`."""

from __future__ import annotations

import click

from plugin.commands.support import runtime
from plugin.storage import migrate


@click.group()
def db() -> None:
    """Manage the database schema."""


@db.command()
def upgrade() -> None:
    """Apply every pending migration."""
    database = runtime(migrate_sqlite=False).database
    migrate.upgrade(database)
    click.echo(f"database schema is up to date ({database.dialect})")


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(db)
