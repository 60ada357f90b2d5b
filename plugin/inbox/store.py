"""Write deliveries into the inbox, and read and requeue them for operators."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from plugin.clock import utcnow
from plugin.errors import InvalidInput, NotFound
from plugin.inbox import DONE, FAILED, IGNORED, PENDING
from plugin.storage.models import InboxDelivery


@cache
def _insert_new(dialect: str) -> Insert:
    """Build once the insert that lets the unique delivery key decide."""
    table = InboxDelivery.__table__
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(table)
        .on_conflict_do_nothing(index_elements=["shop_id", "delivery_key"])
        .returning(table.c.id)
    )


def record_delivery(
    executor: Session | Connection,
    *,
    platform: str,
    shop_id: int,
    topic: str,
    delivery_key: str,
    headers: Mapping[str, str],
    body: bytes,
    triggered_at: datetime | None,
) -> int | None:
    """Store a delivery; return its id, or None when the same delivery is stored already.

    This is the intake's hot path: a prepared Core insert, no ORM unit of work.
    """
    now = utcnow()
    dialect = (executor.get_bind() if isinstance(executor, Session) else executor).dialect.name
    return executor.execute(
        _insert_new(dialect),
        {
            "platform": platform,
            "shop_id": shop_id,
            "topic": topic,
            "delivery_key": delivery_key,
            "headers": dict(headers),
            "body": body,
            "received_at": now,
            "triggered_at": triggered_at,
            "status": PENDING,
            "attempts": 0,
            "next_attempt_at": now,
        },
    ).scalar_one_or_none()


def list_deliveries(
    session: Session, *, failed_only: bool = False, limit: int = 100
) -> list[InboxDelivery]:
    """Return the newest deliveries first, or only those parked as failed."""
    query = select(InboxDelivery).order_by(InboxDelivery.id.desc()).limit(limit)
    if failed_only:
        query = query.where(InboxDelivery.status == FAILED)
    return list(session.scalars(query))


def requeue(session: Session, delivery_id: int) -> InboxDelivery:
    """Give a failed or ignored delivery a fresh set of attempts, due now."""
    delivery = session.get(InboxDelivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no inbox delivery with id {delivery_id}")
    if delivery.status == PENDING:
        raise InvalidInput(f"delivery {delivery_id} is already pending; the worker will take it")
    delivery.status = PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.processed_at = None
    return delivery


def prune_processed(session: Session, before: datetime) -> int:
    """Delete deliveries processed (or ignored) before `before`; return how many."""
    result = session.execute(
        delete(InboxDelivery).where(
            InboxDelivery.status.in_((DONE, IGNORED)), InboxDelivery.processed_at < before
        )
    )
    return result.rowcount or 0
