"""The `amends` command line, as the operator contract describes it."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.exc import OperationalError

from plugin.commands import (
    backfill,
    compensations,
    db,
    inbox,
    incidents,
    outbox,
    policy,
    processes,
    reports,
    sandbox,
    shops,
    users,
)
from plugin.errors import AmendsError
from plugin.storage.db import unavailable


class AmendsGroup(click.Group):
    """A command group that reports known errors as one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; report an AmendsError as `Error: <message>`."""
        try:
            return super().invoke(ctx)
        except AmendsError as error:
            raise click.ClickException(str(error)) from error
        except OperationalError as error:
            raise click.ClickException(str(unavailable(error))) from error


@click.group(cls=AmendsGroup)
@click.version_option(package_name="amends")
def main() -> None:
    """Amends: incident handling for Shopify and WooCommerce stores."""


for _module in (
    processes,
    shops,
    incidents,
    policy,
    compensations,
    inbox,
    outbox,
    reports,
    backfill,
    db,
    sandbox,
    users,
):
    _module.register(main)
