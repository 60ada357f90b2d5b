"""Rows whose due time has come: the one way the scheduler's jobs find their work.

Orders, parcels and incidents each carry an indexed `next_due_at` (incidents also an
indexed `sla_due_at`, for the shop's service targets); a job takes the rows due by
now, of shops still installed, oldest first, a batch at a time, locked so that two
schedulers share the work instead of doing it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.shops import ACTIVE
from plugin.storage.models import Incident, Order, Parcel, Shop

Due = TypeVar("Due", Incident, Order, Parcel)


def due_rows(
    session: Session, model: type[Due], now: datetime, limit: int, due: str = "next_due_at"
) -> Sequence[Due]:
    """Lock and return up to `limit` rows of `model` whose `due` time has come, of active shops."""
    table: Any = model
    due_at = getattr(table, due)
    query = (
        select(model)
        .join(Shop, Shop.id == table.shop_id)
        .where(due_at <= now, Shop.status == ACTIVE)
        .order_by(due_at, table.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=model)
    )
    return session.scalars(query).all()
