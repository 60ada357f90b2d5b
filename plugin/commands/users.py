"""`amends users add EMAIL`: a local admin for the standalone panel."""

from __future__ import annotations

import click
from werkzeug.security import generate_password_hash

from plugin.admins import add_admin
from plugin.commands.support import runtime

MIN_PASSWORD_LENGTH = 12


@click.group()
def users() -> None:
    """Manage the local admins who sign in to the standalone panel."""


@users.command("add")
@click.argument("email")
@click.password_option(
    "--password",
    prompt="Password",
    confirmation_prompt=True,
    help="read from a prompt when not given (never put it on the command line)",
)
def add_command(email: str, password: str) -> None:
    """Add a local admin; the password is prompted and only its hash is kept."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.BadParameter(
            f"use at least {MIN_PASSWORD_LENGTH} characters", param_hint="password"
        )
    rt = runtime()
    with rt.database.transaction() as session:
        admin_id = add_admin(session, email, generate_password_hash(password))
    click.echo(f"added admin {email.strip().lower()}; sign in at /admin/login")
    click.echo(admin_id)


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(users)
