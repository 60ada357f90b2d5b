"""Write outbox rows with their decisions, and read and requeue them for operators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.errors import InvalidInput, NotFound
from plugin.outbox import EMAIL, FAILED, KINDS, QUEUED, SENDING, SENT
from plugin.queue import Queue
from plugin.storage.models import OutboxEntry
from plugin.storage.upsert import insert_new

# The outbox as a queue. A row being sent is due again when its worker's lease ends:
# that worker died (see plugin.outbox.runner).
OUTBOX: Queue[OutboxEntry] = Queue(
    "outbox", OutboxEntry, waiting=QUEUED, failed=FAILED, also_due=(SENDING,), noun="entry"
)


def enqueue(
    session: Session,
    *,
    shop_id: int,
    incident_id: int | None,
    key: str,
    kind: str,
    payload: dict[str, Any],
) -> int | None:
    """Queue a side effect, due at once; return its id, or None if `key` was queued before.

    The unique idempotency key decides, so a decision taken twice (a retried
    delivery, two workers) queues one row.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}; known: {', '.join(KINDS)}")
    now = clock_of(session).now()
    values = {
        "shop_id": shop_id,
        "incident_id": incident_id,
        "idempotency_key": key,
        "kind": kind,
        "payload": payload,
        "status": QUEUED,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }
    return insert_new(session, OutboxEntry, values, unique=("idempotency_key",))


def count_keyed(session: Session, incident_id: int, prefix: str) -> int:
    """Count an incident's rows whose key starts with `prefix` (its updates so far)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxEntry)
            .where(
                OutboxEntry.incident_id == incident_id,
                OutboxEntry.idempotency_key.startswith(prefix),
            )
        )
        or 0
    )


def has_unsent(session: Session, incident_id: int, kind: str = EMAIL) -> bool:
    """Tell whether one of the incident's rows of `kind` is still waiting to be carried out."""
    waiting = select(OutboxEntry.id).where(
        OutboxEntry.incident_id == incident_id,
        OutboxEntry.kind == kind,
        OutboxEntry.status.in_((QUEUED, SENDING)),
    )
    return session.scalar(waiting.limit(1)) is not None


def entries_of(session: Session, incident_id: int) -> list[OutboxEntry]:
    """Return an incident's outbox rows, oldest first."""
    query = select(OutboxEntry).where(OutboxEntry.incident_id == incident_id)
    return list(session.scalars(query.order_by(OutboxEntry.id)))


def list_entries(
    session: Session, *, failed_only: bool = False, limit: int = 100
) -> list[OutboxEntry]:
    """Return the newest rows first, or only those parked as failed."""
    query = select(OutboxEntry).order_by(OutboxEntry.id.desc()).limit(limit)
    if failed_only:
        query = query.where(OutboxEntry.status == FAILED)
    return list(session.scalars(query))


def requeue(session: Session, entry_id: int) -> OutboxEntry:
    """Give a failed row a fresh set of attempts, due now; refuse any other.

    A sent message is never sent again: that is what the outbox is for.
    """
    entry = session.get(OutboxEntry, entry_id, with_for_update=True)
    if entry is None:
        raise NotFound(f"no outbox message with id {entry_id}")
    if entry.status in (QUEUED, SENDING):
        raise InvalidInput(f"message {entry_id} is already {entry.status}; the worker will send it")
    if entry.status == SENT:
        raise InvalidInput(
            f"message {entry_id} was sent already"
            f" ({entry.sent_at.isoformat() if entry.sent_at else 'time unknown'}); "
            "a message is sent once"
        )
    return OUTBOX.requeue(entry, clock_of(session).now())
