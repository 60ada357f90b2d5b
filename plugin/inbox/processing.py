"""Claim due deliveries and process each in one transaction, exactly once.

The claim, the domain's writes and the delivery's new status commit together: a
crash anywhere leaves the delivery pending and its effects unwritten, so the next
worker simply does it again. Claims, backoff and parking are the queue mechanism
the outbox shares (plugin.queue).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

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
from plugin.storage.models import InboxDelivery

__all__ = ["INBOX", "Parser", "RetryPolicy", "claim_next", "process_due", "process_next"]

log = logging.getLogger("amends.inbox")

#: Turns a stored delivery into canonical events; None means "no parser for this topic".
Parser = Callable[[InboxDelivery], list[Event] | None]


def claim_next(session: Session, now: datetime) -> InboxDelivery | None:
    """Lock and return the oldest due pending delivery that no other worker holds."""
    return INBOX.claim_next(session, now, count_attempt=False)


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
        # The row's attempt, outcome and time are set after its events are handled,
        # so that they reach the database in one UPDATE at commit: the savepoint
        # would flush an earlier change, and every write of the row is a round trip
        # per delivery on PostgreSQL.
        try:
            with session.begin_nested():
                status, erased = _apply(session, delivery, parse)
        # The worker is the boundary where any failure of one delivery must be
        # recorded on it (and retried), not allowed to stop the queue.
        except Exception as error:  # noqa: BLE001
            delivery.attempts += 1
            # A payload that cannot be read will not read better later, nor a value the
            # database refuses for its type or size (an id longer than any platform's):
            # park it at once.
            permanent = isinstance(error, MalformedDelivery | DataError)
            INBOX.record_failure(delivery, error, policy, now, permanent=permanent)
        else:
            delivery.attempts += 1
            delivery.status = status
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


def _apply(session: Session, delivery: InboxDelivery, parse: Parser) -> tuple[str, bool]:
    """Handle the delivery's events; return its new status and whether they erased data."""
    events = parse(delivery)
    if events is None:
        log.info("inbox.ignored", extra={"delivery": delivery.id, "topic": delivery.topic})
        return IGNORED, False
    for event in events:
        handle_event(session, delivery.shop_id, event)
    erased = any(erases_personal_data(event) for event in events)
    if erased:
        delivery.body = REDACTED_BODY  # the request itself names whom it erased
    log.info(
        "inbox.processed",
        extra={"delivery": delivery.id, "topic": delivery.topic, "events": len(events)},
    )
    return DONE, erased
