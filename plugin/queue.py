"""One queue mechanism for the tables the worker drains: the inbox and the outbox.

A row waits with a status and a due time (`next_attempt_at`, indexed with the
status). A worker claims the oldest due row that no other worker holds: on
PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that many workers share the queue; on
SQLite every transaction starts with `BEGIN IMMEDIATE` (see plugin.storage.db),
which serialises the claims. The claim counts the attempt; what the worker then
records is either success (its table's own business), or a failure: tried again
after an exponential backoff, capped, or after the delay the error asked for when
that is longer; parked as failed after the last attempt, or at once when trying
again cannot help. A parked row waits for a person (`requeue`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session

MAX_ERROR_LENGTH = 2000


class QueuedRow(Protocol):
    """The columns every queue table has."""

    id: Any
    status: Any
    attempts: Any
    next_attempt_at: Any
    last_error: Any


Row = TypeVar("Row", bound=QueuedRow)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how far apart a failing row is tried again."""

    max_attempts: int = 8
    base_seconds: float = 30.0
    max_seconds: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        """Return the wait after the `attempts`-th failure: exponential, capped."""
        return timedelta(seconds=min(self.base_seconds * 2 ** (attempts - 1), self.max_seconds))


def retry_delay(error: BaseException, policy: RetryPolicy, attempts: int) -> timedelta:
    """Return the wait before the next attempt: the backoff, or longer if the error asks.

    A platform that says "slow down, try in 120 s" (PlatformRateLimited) or a mail
    server that says "try again in 5 minutes" gives `retry_after` in seconds; coming
    back sooner would only be refused again.
    """
    backoff = policy.delay(attempts)
    asked = getattr(error, "retry_after", None)
    if isinstance(asked, int | float) and asked > 0:
        return max(backoff, timedelta(seconds=asked))
    return backoff


def describe(error: BaseException) -> str:
    """Say what went wrong in one bounded line, as `last_error` keeps it."""
    return f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]


@dataclass(frozen=True)
class Queue(Generic[Row]):
    """A table drained as a queue: which statuses wait their turn, which one is parked."""

    name: str  # logs as `amends.<name>`, events as `<name>.failed`, `<name>.retry-scheduled`
    model: type[Row]
    waiting: str  # the status of a row waiting for its next attempt
    failed: str  # the status of a row parked after its last attempt
    # Further statuses a due row may have and still be claimed (the outbox's
    # "sending", once its worker's lease has run out).
    also_due: tuple[str, ...] = ()
    noun: str = "row"  # what a row is called in log context: "delivery", "message"
    log: logging.Logger = field(init=False, repr=False, compare=False)
    # The claim with no narrowing, built once: the inbox's worker claims a batch
    # with it every few milliseconds, and building it cost as much as running it.
    _due: Select[Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "log", logging.getLogger(f"amends.{self.name}"))
        object.__setattr__(self, "_due", self._claim_statement((), None, bindparam("limit")))

    def claim_next(
        self,
        session: Session,
        now: datetime,
        where: Sequence[ColumnElement[bool]] = (),
        join: tuple[Any, ColumnElement[bool]] | None = None,
        *,
        count_attempt: bool = True,
    ) -> Row | None:
        """Lock and return the oldest due row no other worker holds, its attempt counted.

        `where` narrows the rows (and `join` brings in the table it names, e.g. the
        shop, to take only active shops' rows); only the queue's own row is locked.
        Without `count_attempt` the caller counts it, when it writes the row's outcome.
        """
        rows = self.claim_due(session, now, 1, where, join)
        row = rows[0] if rows else None
        if row is not None and count_attempt:
            row.attempts += 1
        return row

    def claim_due(
        self,
        session: Session,
        now: datetime,
        limit: int,
        where: Sequence[ColumnElement[bool]] = (),
        join: tuple[Any, ColumnElement[bool]] | None = None,
    ) -> list[Row]:
        """Lock and return up to `limit` due rows no other worker holds, oldest first.

        Their attempts are the caller's to count. Rows claimed together are locked
        together until the transaction ends: another worker skips them all.
        """
        if not where and join is None:
            return list(session.scalars(self._due, {"now": now, "limit": limit}))
        return list(session.scalars(self._claim_statement(where, join, limit), {"now": now}))

    def _claim_statement(
        self,
        where: Sequence[ColumnElement[bool]],
        join: tuple[Any, ColumnElement[bool]] | None,
        limit: Any,
    ) -> Select[Any]:
        """Build the claim of `claim_due`, due as of the parameter `now`."""
        model: Any = self.model
        statuses = (self.waiting, *self.also_due)
        waiting = model.status == self.waiting if len(statuses) == 1 else model.status.in_(statuses)
        query = select(model)
        if join is not None:
            query = query.join(*join)
        return (
            query.where(waiting, model.next_attempt_at <= bindparam("now"), *where)
            .order_by(model.next_attempt_at, model.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=model)
        )

    def record_failure(
        self,
        row: Row,
        error: BaseException,
        policy: RetryPolicy,
        now: datetime,
        *,
        permanent: bool = False,
    ) -> bool:
        """Keep the error on the row and schedule its next attempt, or park it; tell if parked.

        `permanent` parks at once: a payload that cannot be read, a recipient that
        was refused, will not do better on the next attempt.
        """
        row.last_error = describe(error)
        context = {self.noun: row.id, "attempts": row.attempts}
        if permanent or row.attempts >= policy.max_attempts:
            row.status = self.failed
            self.log.error(f"{self.name}.failed", extra=context, exc_info=error)
            return True
        row.status = self.waiting
        row.next_attempt_at = now + retry_delay(error, policy, row.attempts)
        self.log.warning(f"{self.name}.retry-scheduled", extra=context, exc_info=error)
        return False

    def requeue(self, row: Row, now: datetime) -> Row:
        """Give a row a fresh set of attempts, due at `now`."""
        row.status = self.waiting
        row.attempts = 0
        row.next_attempt_at = now
        return row
