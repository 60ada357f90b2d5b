"""An INSERT compiled once and run on SQLite's driver, for the intake's hot path.

On SQLite every write holds the one write lock of the database file, and every
process's intake queues behind it. SQLAlchemy's execution (the BEGIN event, the
execution context, parameter processing, result wrapping) runs inside that
lock; it costs several times the insert itself. Here SQLAlchemy still writes
the SQL and converts the values (the statement is compiled once, each value goes
through its column type's own bind processor, so rows are stored exactly as
SQLAlchemy stores them), but the conversion happens before the lock is taken,
and inside it only the driver runs one statement, a multi-row INSERT that is its
own transaction (see Database.sqlite_statement).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.sql.dml import Insert

from plugin.storage.db import Database


class PreparedInsert:
    """`statement` for rows with exactly `columns`, compiled for SQLite once."""

    def __init__(self, statement: Insert, columns: Sequence[str], database: Database) -> None:
        dialect = database.engine.dialect
        if database.file is None:
            raise ValueError("PreparedInsert runs on a SQLite file's driver only")
        compiled = statement.compile(dialect=dialect, column_keys=list(columns))
        table = statement.table
        self.database = database
        self.sql = str(compiled)
        self._binds = [
            (name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in compiled.positiontup or ()
        ]
        row = "(" + ", ".join("?" * len(self._binds)) + ")"
        if self.sql.count(row) != 1:
            raise ValueError(f"cannot find the one VALUES row of {self.sql!r}")
        self.sql_for = lru_cache(maxsize=None)(
            lambda count: self.sql.replace(row, ", ".join([row] * count))
        )

    def execute(self, rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """Insert every row in one statement; return the rows it returned, in no set order.

        The values are converted first, and only then is the writer lock taken.
        """
        parameters = [
            row[name] if bind is None else bind(row[name])
            for row in rows
            for name, bind in self._binds
        ]
        with self.database.sqlite_statement() as cursor:
            return cursor.execute(self.sql_for(len(rows)), parameters).fetchall()
