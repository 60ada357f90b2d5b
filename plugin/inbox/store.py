"""Write deliveries into the inbox, and read and requeue them for operators."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Table, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from plugin.clock import clock_of
from plugin.errors import InvalidInput, NotFound
from plugin.inbox import DONE, FAILED, IGNORED, PENDING
from plugin.queue import Queue
from plugin.storage.db import Database
from plugin.storage.models import InboxDelivery
from plugin.storage.prepared import PreparedInsert
from plugin.storage.upsert import conflict_insert


@dataclass(frozen=True)
class NewDelivery:
    """A verified delivery, as the intake (or the reconcile job) hands it to the inbox."""

    platform: str
    shop_id: int
    topic: str
    delivery_key: str
    headers: Mapping[str, str]
    body: bytes
    triggered_at: datetime | None


# The inbox as a queue: pending deliveries wait their turn, failed ones are parked.
INBOX: Queue[InboxDelivery] = Queue(
    "inbox", InboxDelivery, waiting=PENDING, failed=FAILED, noun="delivery"
)

_KEY = ("shop_id", "delivery_key")  # unique: a delivery and its redeliveries share it
_TABLE = cast(Table, InboxDelivery.__table__)


@cache
def _insert_new(dialect: str) -> Insert:
    """Build once the insert that lets the unique delivery key decide."""
    insert = conflict_insert(dialect, _TABLE)
    return insert.on_conflict_do_nothing(index_elements=_KEY)


@cache
def _insert_new_returning(dialect: str) -> Insert:
    """The same insert, answering with the key and new id of each row it stored."""
    table = InboxDelivery.__table__
    return _insert_new(dialect).returning(table.c.id, *(table.c[name] for name in _KEY))


# The columns a new delivery's row sets; the others keep their defaults (NULL).
_COLUMNS = (
    "platform",
    "shop_id",
    "topic",
    "delivery_key",
    "headers",
    "body",
    "received_at",
    "triggered_at",
    "next_attempt_at",
    "status",
    "attempts",
)


def _first_of_each(deliveries: Sequence[NewDelivery]) -> dict[tuple[int, str], NewDelivery]:
    """Keep the first delivery of each (shop, key): a repeat within a batch is a duplicate."""
    firsts: dict[tuple[int, str], NewDelivery] = {}
    for delivery in deliveries:
        firsts.setdefault((delivery.shop_id, delivery.delivery_key), delivery)
    return firsts


def _rows(deliveries: Iterable[NewDelivery], now: datetime) -> list[dict[str, Any]]:
    """Describe deliveries as inbox rows, received and due at `now`."""
    return [
        {
            "platform": delivery.platform,
            "shop_id": delivery.shop_id,
            "topic": delivery.topic,
            "delivery_key": delivery.delivery_key,
            "headers": dict(delivery.headers),
            "body": delivery.body,
            "received_at": now,
            "triggered_at": delivery.triggered_at,
            "next_attempt_at": now,
            "status": PENDING,
            "attempts": 0,
        }
        for delivery in deliveries
    ]


def _store(
    deliveries: Sequence[NewDelivery],
    insert: Callable[[list[dict[str, Any]]], list[int | None]],
    now: datetime,
) -> list[int | None]:
    """Insert the first of each delivery with `insert`; give each delivery its answer.

    `insert` gives each row it is handed its new id, or None when it was stored before.
    """
    firsts = _first_of_each(deliveries)
    ids = dict(zip(firsts, insert(_rows(firsts.values(), now)), strict=True))
    return [
        ids[key] if firsts[key] is delivery else None
        for delivery in deliveries
        for key in [(delivery.shop_id, delivery.delivery_key)]
    ]


def _ids_returned(
    rows: Sequence[Mapping[str, Any]], returned: Iterable[Sequence[Any]]
) -> list[int | None]:
    """Line up the (id, shop id, key) rows an insert returned with the rows it was given."""
    stored = {(shop_id, key): inbox_id for inbox_id, shop_id, key in returned}
    return [stored.get((row["shop_id"], row["delivery_key"])) for row in rows]


def record_deliveries(
    executor: Session | Connection, deliveries: Sequence[NewDelivery], now: datetime
) -> list[int | None]:
    """Store deliveries in one statement; for each, its id or None if it was stored already.

    A delivery repeated within `deliveries` is stored once: the first one gets the
    id, the repeats None, as if they had come after it.
    """
    dialect = (executor.get_bind() if isinstance(executor, Session) else executor).dialect.name
    insert = _insert_new_returning(dialect)
    return _store(deliveries, lambda rows: _ids_returned(rows, executor.execute(insert, rows)), now)


BatchWriter = Callable[[Sequence[NewDelivery]], list[int | None]]


def batch_writer(database: Database) -> BatchWriter:
    """Return the intake's writer: each call stores a batch in one transaction of its own.

    On a SQLite file the insert runs on the driver (see plugin.storage.prepared), so
    that SQLite's one write lock is held as briefly as possible. On PostgreSQL the
    one multi-row INSERT commits by itself.
    """
    if database.file is not None:
        insert = PreparedInsert(_insert_new("sqlite"), _COLUMNS, _KEY, database)
        return lambda deliveries: _store(deliveries, insert.execute, database.clock.now())

    # An in-memory SQLite database has no other writer to wait for: a transaction will do.
    standalone = database.autocommit if database.dialect == "postgresql" else database.connection

    def write(deliveries: Sequence[NewDelivery]) -> list[int | None]:
        with standalone() as connection:
            return record_deliveries(connection, deliveries, database.clock.now())

    return write


def list_deliveries(
    session: Session, *, failed_only: bool = False, limit: int = 100
) -> list[InboxDelivery]:
    """Return the newest deliveries first, or only those parked as failed."""
    query = select(InboxDelivery).order_by(InboxDelivery.id.desc()).limit(limit)
    if failed_only:
        query = query.where(InboxDelivery.status == FAILED)
    return list(session.scalars(query))


def requeue(session: Session, delivery_id: int, *, force: bool = False) -> InboxDelivery:
    """Give a failed delivery a fresh set of attempts, due now.

    A delivery processed already (done, or ignored) is processed again only when
    forced: its events would reach the incidents a second time.
    """
    delivery = session.get(InboxDelivery, delivery_id)
    if delivery is None:
        raise NotFound(f"no inbox delivery with id {delivery_id}")
    if delivery.status == PENDING:
        raise InvalidInput(f"delivery {delivery_id} is already pending; the worker will take it")
    if delivery.status != FAILED and not force:
        raise InvalidInput(
            f"delivery {delivery_id} was processed already ({delivery.status}); "
            "only a failed one is retried (--force to process it again)"
        )
    delivery.processed_at = None
    return INBOX.requeue(delivery, clock_of(session).now())


def prune_processed(session: Session, before: datetime) -> int:
    """Delete deliveries processed (or ignored) before `before`; return how many."""
    result = session.execute(
        delete(InboxDelivery).where(
            InboxDelivery.status.in_((DONE, IGNORED)), InboxDelivery.processed_at < before
        )
    )
    return cast(CursorResult[Any], result).rowcount or 0
