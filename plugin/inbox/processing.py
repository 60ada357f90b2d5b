"""Claim due deliveries and process each in one transaction, exactly once.

The claim, the domain's writes and the delivery's new status commit together: a
crash anywhere leaves the delivery pending and its effects unwritten, so the next
worker simply does it again. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets many
workers share the queue; on SQLite every transaction starts with `BEGIN IMMEDIATE`
(see plugin.storage.db), which serialises the claims.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.compliance import REDACTED_BODY, erases_personal_data
from plugin.dispatch import handle_event
from plugin.events import Event
from plugin.inbox import DONE, FAILED, IGNORED, PENDING
from plugin.platforms import MalformedDelivery
from plugin.storage.db import Database
from plugin.storage.models import InboxDelivery

log = logging.getLogger("amends.inbox")

#: Turns a stored delivery into canonical events; None means "no parser for this topic".
Parser = Callable[[InboxDelivery], list[Event] | None]


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how far apart a failing delivery is tried again."""

    max_attempts: int = 8
    base_seconds: float = 30.0
    max_seconds: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        """Return the wait after the `attempts`-th failure: exponential, capped."""
        return timedelta(seconds=min(self.base_seconds * 2 ** (attempts - 1), self.max_seconds))


def claim_next(session: Session, now: datetime) -> InboxDelivery | None:
    """Lock and return the oldest due pending delivery that no other worker holds."""
    query = (
        select(InboxDelivery)
        .where(InboxDelivery.status == PENDING, InboxDelivery.next_attempt_at <= now)
        .order_by(InboxDelivery.next_attempt_at, InboxDelivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(query).first()


def process_next(
    database: Database, parse: Parser, policy: RetryPolicy, now: datetime | None = None
) -> InboxDelivery | None:
    """Process one due delivery; return it, or None when nothing is due."""
    now = now or database.clock.now()
    erased = False
    with database.transaction() as session:
        delivery = claim_next(session, now)
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            with session.begin_nested():
                erased = _apply(session, delivery, parse)
        # The worker is the boundary where any failure of one delivery must be
        # recorded on it (and retried), not allowed to stop the queue.
        except Exception as error:  # noqa: BLE001
            _record_failure(delivery, error, policy, now)
        else:
            delivery.processed_at = now
            delivery.last_error = None
    if erased:
        database.forget_erased()
    return delivery


def process_due(
    database: Database, parse: Parser, policy: RetryPolicy, limit: int | None = None
) -> int:
    """Process deliveries until none is due (or `limit` is reached); return how many."""
    count = 0
    while limit is None or count < limit:
        if process_next(database, parse, policy) is None:
            break
        count += 1
    return count


def _apply(session: Session, delivery: InboxDelivery, parse: Parser) -> bool:
    """Handle the delivery's events; tell whether they erased personal data."""
    events = parse(delivery)
    if events is None:
        delivery.status = IGNORED
        log.info("inbox.ignored", extra={"delivery": delivery.id, "topic": delivery.topic})
        return False
    for event in events:
        handle_event(session, delivery.shop_id, event)
    erased = any(erases_personal_data(event) for event in events)
    if erased:
        delivery.body = REDACTED_BODY  # the request itself names whom it erased
    delivery.status = DONE
    log.info(
        "inbox.processed",
        extra={"delivery": delivery.id, "topic": delivery.topic, "events": len(events)},
    )
    return erased


def _record_failure(
    delivery: InboxDelivery, error: Exception, policy: RetryPolicy, now: datetime
) -> None:
    delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
    # A payload that cannot be read will not read better later: park it at once.
    if delivery.attempts >= policy.max_attempts or isinstance(error, MalformedDelivery):
        delivery.status = FAILED
        log.error(
            "inbox.failed",
            extra={"delivery": delivery.id, "attempts": delivery.attempts},
            exc_info=error,
        )
        return
    delivery.next_attempt_at = now + policy.delay(delivery.attempts)
    log.warning(
        "inbox.retry-scheduled",
        extra={"delivery": delivery.id, "attempts": delivery.attempts},
        exc_info=error,
    )
