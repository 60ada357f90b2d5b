"""Inserts that let a unique constraint decide, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, or_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

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
    statement = (
        conflict_insert(session.get_bind().dialect.name, model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(unique))
        .returning(model.__table__.c.id)
    )
    return session.execute(statement).scalar_one_or_none()


def upsert_newer(
    session: Session,
    model: type[Base],
    values: Mapping[str, Any],
    unique: Sequence[str],
    version: str,
    keep: Sequence[str] = ("created_at",),
) -> int | None:
    """Insert a row, or update the stored one unless its `version` column is newer.

    Platforms do not order their deliveries, so the resource's own modification
    time decides. A value without a version cannot be ordered and is taken as is.
    Return the row's id when it was written, None when the stored row was newer.
    """
    dialect = session.get_bind().dialect.name
    statement = _upsert_newer(dialect, model, tuple(values), tuple(unique), version, tuple(keep))
    return session.execute(statement, dict(values)).scalar_one_or_none()


@lru_cache(maxsize=64)
def _upsert_newer(
    dialect: str,
    model: type[Base],
    columns: tuple[str, ...],
    unique: tuple[str, ...],
    version: str,
    keep: tuple[str, ...],
):  # noqa: ANN202
    """Build the upsert for rows of `columns` once: the worker runs it for every order state."""
    statement = conflict_insert(dialect, model)
    stored, incoming = getattr(model, version), getattr(statement.excluded, version)
    changes = {k: getattr(statement.excluded, k) for k in columns if k not in (*unique, *keep)}
    return statement.on_conflict_do_update(
        index_elements=list(unique),
        set_=changes,
        where=or_(stored.is_(None), incoming.is_(None), stored <= incoming),
    ).returning(model.__table__.c.id)
