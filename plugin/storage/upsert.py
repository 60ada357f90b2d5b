"""Inserts that let a unique constraint decide, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Row, Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from plugin.storage.models import Base

ConflictInsert = postgresql.Insert | sqlite.Insert


def conflict_insert(dialect: str, target: type[Base] | Table) -> ConflictInsert:
    """Start an INSERT into `target` that can say ON CONFLICT, in `dialect`'s own form."""
    if dialect == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)


def insert_new(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    unique: Sequence[str],
) -> int | None:
    """Insert a row unless one with the same `unique` columns exists; return its new id.

    None means the row was there already: the caller treats that as "seen".
    """
    _flush_pending(session)
    dialect = session.get_bind().dialect.name
    statement = _insert_new(dialect, _table(model), tuple(values), tuple(unique))
    return session.execute(statement, dict(values)).scalar_one_or_none()


@lru_cache(maxsize=64)
def _insert_new(
    dialect: str, table: Table, columns: tuple[str, ...], unique: tuple[str, ...]
) -> ReturningInsert[Any]:
    """Build the insert of rows of `columns` once: the worker runs some for every delivery."""
    statement = conflict_insert(dialect, table).on_conflict_do_nothing(index_elements=list(unique))
    return statement.returning(table.c.id)


def upsert_newer(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    unique: Sequence[str],
    version: str,
    keep: Sequence[str] = ("created_at",),
    returning: tuple[ColumnElement[Any], ...] = (),
) -> Row[Any] | None:
    """Insert a row, or update the stored one unless its `version` column is newer.

    Platforms do not order their deliveries, so the resource's own modification
    time decides. A value without a version cannot be ordered and is taken as is.
    Return the row's id, then the `returning` expressions (built once: they key the
    statement's cache), when it was written; None when the stored row was newer.
    """
    _flush_pending(session)
    dialect = session.get_bind().dialect.name
    table = _table(model)
    statement = _upsert_newer(
        dialect, table, tuple(values), tuple(unique), version, tuple(keep), returning
    )
    return session.execute(statement, dict(values)).one_or_none()


@lru_cache(maxsize=64)
def _upsert_newer(
    dialect: str,
    table: Table,
    columns: tuple[str, ...],
    unique: tuple[str, ...],
    version: str,
    keep: tuple[str, ...],
    returning: tuple[ColumnElement[Any], ...],
) -> ReturningInsert[Any]:
    """Build the upsert for rows of `columns` once: the worker runs it for every order state."""
    statement = conflict_insert(dialect, table)
    stored, incoming = table.c[version], statement.excluded[version]
    changes = {k: statement.excluded[k] for k in columns if k not in (*unique, *keep)}
    return statement.on_conflict_do_update(
        index_elements=list(unique),
        set_=changes,
        where=or_(stored.is_(None), incoming.is_(None), stored <= incoming),
    ).returning(table.c.id, *returning)


def _table(model: type[Base]) -> Table:
    """Return the model's table: a statement on it skips the ORM's bulk-insert machinery."""
    return cast(Table, model.__table__)


def _flush_pending(session: Session) -> None:
    """Write the session's pending changes first, as a statement on the ORM model would.

    The constraint decides against what the transaction wrote, the ORM's unflushed
    changes included (an incident just resolved gives its open key up).
    """
    if session.autoflush:
        session.flush()
