"""Run the Alembic chain programmatically, against the configured database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from plugin.storage.db import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def _config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = database.engine
    return config


def upgrade(database: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    command.upgrade(_config(database), revision)


def pending(database: Database) -> bool:
    """Tell whether the database is behind the newest migration."""
    head = ScriptDirectory.from_config(_config(database)).get_current_head()
    with database.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current != head
