"""Claim due deliveries a batch at a time and process each exactly once.

A batch of deliveries is claimed, processed and committed in one transaction: the
claims, every delivery's writes and every delivery's new status commit together,
so a crash anywhere leaves the whole batch pending and its effects unwritten, and
the next worker simply does it again. A delivery that fails is rolled back alone,
its failure recorded on its row (tried again later, or parked), and the batch's
others commit as if it had not been there. Deliveries are taken oldest first and
processed in that order, so the states of one order reach it in the order they
were received, as they did one transaction at a time.

Failures are rare, so a batch is first processed as one piece, with no savepoint
per delivery: a savepoint costs two statements and a flush a delivery, a fifth of
a small delivery's work. Should a delivery's handlers fail, the whole batch is
rolled back and processed again, claimed afresh, each delivery in a savepoint of
its own. The deliveries before the failing one are then handled twice, and their
log lines appear twice; nothing of the first try is committed. A payload that
cannot be read fails before anything is written for it, and is recorded without
starting over.

A delivery's new status is set on its row once the batch's deliveries are all
handled, so that the statuses reach the database together at commit rather than
in an UPDATE each. A redaction reads and deletes processed rows, so the statuses
of the deliveries before it are set first.

One commit a batch rather than a delivery is what lets a worker go faster than
the database commits: on PostgreSQL each commit waits for its log to reach the
disk, and on either database beginning, claiming and committing cost as much as
a small delivery's own work. The batch is kept small (BATCH_SIZE) because it is
also how long the worker holds SQLite's one write lock, which the intake waits
for. Batches are SQLite's: there one writer works at a time anyway. On
PostgreSQL, where workers run side by side, each delivery commits alone, because
a batch holds every lock its deliveries took (an order's lock, a row of the
incident counts) until it commits, and two workers' batches taking them in
different orders deadlock. Claims, backoff and parking are the queue mechanism
the outbox shares (plugin.queue).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from plugin.compliance import REDACTED_BODY, erases_personal_data
from plugin.dispatch import handle_event
from plugin.events import Event
from plugin.inbox import DONE, IGNORED
from plugin.inbox.store import INBOX
from plugin.platforms import MalformedDelivery
from plugin.queue import RetryPolicy
from plugin.storage.db import Database
from plugin.storage.models import InboxDelivery, Shop

__all__ = [
    "BATCH_SIZE",
    "INBOX",
    "Parser",
    "RetryPolicy",
    "batch_size",
    "claim_next",
    "process_batch",
    "process_due",
    "process_next",
]

log = logging.getLogger("amends.inbox")

#: Turns a stored delivery into canonical events; None means "no parser for this topic".
Parser = Callable[[InboxDelivery], list[Event] | None]

# Deliveries claimed and committed together. Twenty spread a commit, a claim and a
# transaction over enough deliveries that they no longer count, while the write
# lock is held for tens of milliseconds at most.
BATCH_SIZE = 20


def claim_next(session: Session, now: datetime) -> InboxDelivery | None:
    """Lock and return the oldest due pending delivery that no other worker holds."""
    return INBOX.claim_next(session, now, count_attempt=False)


def process_next(
    database: Database, parse: Parser, policy: RetryPolicy, now: datetime | None = None
) -> InboxDelivery | None:
    """Process one due delivery; return it, or None when nothing is due."""
    processed = process_batch(database, parse, policy, 1, now)
    return processed[0] if processed else None


def process_batch(
    database: Database,
    parse: Parser,
    policy: RetryPolicy,
    size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> list[InboxDelivery]:
    """Claim up to `size` due deliveries, process them and commit them together; return them."""
    now = now or database.clock.now()
    try:
        deliveries, erased = _run_batch(database, parse, policy, size, now)
    except _HandlersFailed as failed:
        deliveries, erased = _run_batch(database, parse, policy, size, now, failed)
    if erased:
        database.forget_erased()
    return deliveries


class _HandlersFailed(Exception):
    """A delivery's handlers failed in a batch processed as one piece: start it over.

    The failure is the delivery's attempt: processed again, the batch records it
    on the delivery rather than trying its handlers a second time at once.
    """

    def __init__(self, delivery_id: int, error: Exception) -> None:
        super().__init__(delivery_id, error)
        self.delivery_id = delivery_id
        self.error = error


def _run_batch(
    database: Database,
    parse: Parser,
    policy: RetryPolicy,
    size: int,
    now: datetime,
    failed: _HandlersFailed | None = None,
) -> tuple[list[InboxDelivery], bool]:
    """Process one claimed batch in one transaction; return it and whether it erased data.

    Once a delivery has `failed`, each runs in a savepoint, so that one failing is
    recorded and the others go on; until then a failure raises _HandlersFailed.
    """
    with database.transaction() as session:
        deliveries = INBOX.claim_due(session, now, size)
        session.info["batch_shops"] = _hold_shops(session, deliveries)
        outcomes = _Outcomes(now)
        erased = False
        for delivery in deliveries:
            erased |= _process_claimed(session, delivery, parse, policy, outcomes, failed)
        outcomes.settle()
    return deliveries, erased


class _Outcomes:
    """The statuses of a batch's handled deliveries, set on their rows together."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.handled: list[tuple[InboxDelivery, str]] = []

    def add(self, delivery: InboxDelivery, status: str) -> None:
        self.handled.append((delivery, status))

    def settle(self) -> None:
        """Set each handled delivery's attempt, status and time; the session writes them."""
        for delivery, status in self.handled:
            delivery.attempts += 1
            delivery.status = status
            delivery.processed_at = self.now
            delivery.last_error = None
        self.handled.clear()


def _hold_shops(session: Session, deliveries: list[InboxDelivery]) -> list[Shop]:
    """Load the batch's shops in one query, to be kept in the session until it ends.

    Handlers look their shop up by id (`session.get`) several times a delivery. The
    session's identity map holds only objects something refers to, so without this
    each look-up would load the shop again: a query each, the most frequent one
    of the worker's. Changes the handlers make through the session (an
    uninstall) reach the held objects, and a delivery rolled back to its savepoint
    expires them, so they are read again when next used.
    """
    ids = {delivery.shop_id for delivery in deliveries if delivery.shop_id is not None}
    if not ids:
        return []
    return list(session.scalars(_SHOPS, {"ids": list(ids)}))


# Built once, as each batch reads its shops.
_SHOPS = select(Shop).where(Shop.id.in_(bindparam("ids", expanding=True)))


def batch_size(database: Database) -> int:
    """Return how many deliveries to commit together on `database` (see the module's doc)."""
    return BATCH_SIZE if database.file is not None else 1


def process_due(
    database: Database,
    parse: Parser,
    policy: RetryPolicy,
    limit: int | None = None,
    batch: int | None = None,
) -> int:
    """Process deliveries until none is due (or `limit` is reached); return how many."""
    batch = batch or batch_size(database)
    count = 0
    while limit is None or count < limit:
        size = batch if limit is None else min(batch, limit - count)
        processed = len(process_batch(database, parse, policy, size))
        if not processed:
            break
        count += processed
    return count


def _process_claimed(
    session: Session,
    delivery: InboxDelivery,
    parse: Parser,
    policy: RetryPolicy,
    outcomes: _Outcomes,
    failed: _HandlersFailed | None,
) -> bool:
    """Process one claimed delivery; note or record its outcome; tell if it erased data."""
    try:
        events = parse(delivery)
        if events is None:
            log.info("inbox.ignored", extra={"delivery": delivery.id, "topic": delivery.topic})
            outcomes.add(delivery, IGNORED)
            return False
        erased = any(erases_personal_data(event) for event in events)
        if erased:
            outcomes.settle()  # a redaction reads which deliveries were processed
        if failed is None:
            try:
                _apply(session, delivery, events, erased)
            except Exception as error:  # noqa: BLE001 -- any failure starts the batch over
                raise _HandlersFailed(delivery.id, error) from error
        elif failed.delivery_id == delivery.id:
            raise failed.error
        else:
            with session.begin_nested():
                _apply(session, delivery, events, erased)
    except _HandlersFailed:
        raise
    # The worker is the boundary where any failure of one delivery must be recorded
    # on it (and retried), not allowed to stop the queue nor its batch.
    except Exception as error:  # noqa: BLE001
        delivery.attempts += 1
        # A payload that cannot be read will not read better later, nor a value the
        # database refuses for its type or size (an id longer than any platform's):
        # park it at once.
        permanent = isinstance(error, MalformedDelivery | DataError)
        INBOX.record_failure(delivery, error, policy, outcomes.now, permanent=permanent)
        return False
    outcomes.add(delivery, DONE)
    return erased


def _apply(session: Session, delivery: InboxDelivery, events: list[Event], erased: bool) -> None:
    """Handle the delivery's events; forget its payload when they erased data."""
    for event in events:
        handle_event(session, delivery.shop_id, event)
    if erased:
        delivery.body = REDACTED_BODY  # the request itself names whom it erased
    log.info(
        "inbox.processed",
        extra={"delivery": delivery.id, "topic": delivery.topic, "events": len(events)},
    )
