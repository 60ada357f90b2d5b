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

The statement has no RETURNING clause, on purpose. In autocommit mode SQLite
takes its write lock, inserts and commits within one call into the driver, and
Python's driver lets go of the GIL for that call. A statement with RETURNING stays
open (its transaction too) until its rows are read in further calls, and before
each of them this thread must win the GIL back from the process's other request
threads: on a busy server that takes up to the interpreter's switch interval
(5 ms), while every other process waits for the write lock. What RETURNING would
say is known without it: SQLite gives each new row the next rowid, so the rows a
statement inserts hold consecutive ids ending at the connection's last insert
rowid; only when some rows were left out by a conflict does a read of that id
range tell which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, select
from sqlalchemy.sql.dml import Insert

from plugin.storage.db import Database


class PreparedInsert:
    """`statement` for rows with exactly `columns`, compiled for SQLite once.

    `statement` is an INSERT ... ON CONFLICT DO NOTHING into a table whose primary
    key is its rowid; `key` names the columns its conflict target is on.
    """

    def __init__(
        self, statement: Insert, columns: Sequence[str], key: Sequence[str], database: Database
    ) -> None:
        dialect = database.engine.dialect
        if database.file is None:
            raise ValueError("PreparedInsert runs on a SQLite file's driver only")
        if statement._returning:  # noqa: SLF001 - no public way to ask
            raise ValueError("PreparedInsert learns the new ids without RETURNING; drop it")
        table = cast(Table, statement.table)
        (rowid,) = table.primary_key.columns
        if not isinstance(rowid.type, Integer):
            raise ValueError(f"{table.name}'s primary key is not its rowid")
        compiled = statement.compile(dialect=dialect, column_keys=list(columns))
        self.database = database
        self.sql = str(compiled)
        self._binds = [
            (name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in compiled.positiontup or ()
        ]
        self._key = [self._position(name) for name in key]
        self._inserted_sql = str(
            select(rowid, *(table.c[name] for name in key))
            .where(rowid.between(bindparam("first"), bindparam("last")))
            .compile(dialect=dialect)
        )
        row = "(" + ", ".join("?" * len(self._binds)) + ")"
        if self.sql.count(row) != 1:
            raise ValueError(f"cannot find the one VALUES row of {self.sql!r}")
        self.sql_for = lru_cache(maxsize=None)(
            lambda count: self.sql.replace(row, ", ".join([row] * count))
        )

    def _position(self, name: str) -> int:
        """Return where column `name` sits in a row's parameters."""
        for position, (column, _) in enumerate(self._binds):
            if column == name:
                return position
        raise ValueError(f"key column {name!r} is not among the inserted columns")

    def execute(self, rows: Sequence[Mapping[str, Any]]) -> list[int | None]:
        """Insert every row in one statement; give each its new id, or None if it was left out.

        A row is left out when its key is already stored, or repeated earlier in
        `rows`. The values are converted first, and only then is the database locked.
        """
        width = len(self._binds)
        parameters = [
            row[name] if bind is None else bind(row[name])
            for row in rows
            for name, bind in self._binds
        ]
        cursor = self.database.sqlite_statement(self.sql_for(len(rows)), parameters)
        count, last = cursor.rowcount, cursor.lastrowid or 0
        if count == len(rows):
            return list(range(last - count + 1, last + 1))
        if count == 0:
            return [None] * len(rows)
        inserted = self.database.sqlite_statement(self._inserted_sql, (last - count + 1, last))
        ids = {tuple(found[1:]): found[0] for found in inserted.fetchall()}
        keys = [
            tuple(parameters[start + position] for position in self._key)
            for start in range(0, len(parameters), width)
        ]
        return [ids.pop(key, None) for key in keys]
