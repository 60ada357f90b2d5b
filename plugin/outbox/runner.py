"""Carry out what the outbox holds, each row once, and record how it went.

The worker claims a due row in a short transaction of its own and marks it
`sending`, with a lease (`next_attempt_at`, now plus AMENDS_OUTBOX_LEASE_SECONDS);
no transaction is held open while the mail server is talked to, so SQLite's one
writer and the webhooks are not kept waiting. The row is recorded `sent` the moment
the server has accepted the message, before the connection is even closed; a
failure puts it back in the queue with a backoff, or parks it.

A worker that dies mid-send leaves its row `sending`. When the lease has run out
another claim takes it and sends it again, with the same Message-ID (derived from
the idempotency key). If the server had not yet accepted the message (the worker
died while talking to it), the customer receives it once. If it had, and the
worker died in the instant between the server's acceptance and the one UPDATE
that records it, the message goes out twice with one Message-ID, which mail
services that keep one copy per Message-ID show once. That instant is the only
window: SMTP gives no way to ask a server whether it took a message, so
at-least-once is the honest promise at that boundary, and this keeps it as
narrow as it can be. The attempt number fences the claim: a worker whose lease
ran out can no longer record over the one that took its row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.errors import ConfigurationError, InvalidInput, PlatformError, StorageUnavailable
from plugin.outbox import QUEUED, SENDING, SENT
from plugin.outbox.store import OUTBOX
from plugin.queue import RetryPolicy
from plugin.shops import ACTIVE
from plugin.storage.db import Database
from plugin.storage.models import OutboxEntry, Shop

log = logging.getLogger("amends.outbox")


@dataclass(frozen=True)
class Claim:
    """A row a worker holds, with what carrying it out needs; `attempt` fences the claim."""

    id: int
    attempt: int
    shop_id: int
    kind: str
    key: str
    payload: dict[str, Any]
    incident_id: int | None
    shop_domain: str
    shop_settings: dict[str, Any]


@dataclass(frozen=True)
class Receipt:
    """What the other side gave back: a Message-ID, a platform's id for what it made.

    `warnings` are what a platform said about what it made (a code no shipping
    method accepts); `customer_notified` that the platform told the customer itself.
    """

    message_id: str | None = None
    platform_ref: str | None = None
    warnings: tuple[str, ...] = ()
    customer_notified: bool = False


class Executor(Protocol):
    """Carries out the rows of one kind (e-mail, compensation actions)."""

    def carry_out(self, claim: Claim, done: Callable[[Receipt], None]) -> None:
        """Do what the row says; call `done` the moment it has happened, or raise.

        Raise a PlatformError that says whether to retry. Call `done` before any
        slow clean-up, so that a crash during it does not do the thing twice.
        """

    def succeeded(self, session: Session, entry: OutboxEntry, receipt: Receipt) -> None:
        """Write what follows from a row carried out (in the transaction recording it)."""

    def failed(self, session: Session, entry: OutboxEntry) -> None:
        """Write what follows from a row parked as failed."""


class OutboxRunner:
    """Drain the outbox of one process: the kinds it can carry out, due rows first."""

    def __init__(
        self,
        database: Database,
        executors: Mapping[str, Executor],
        policy: RetryPolicy,
        lease: timedelta,
        missing: Mapping[str, str] | None = None,
    ) -> None:
        """Carry out rows with `executors`; `missing` says, by kind, what to configure."""
        self.database = database
        self.executors = dict(executors)
        self.policy = policy
        self.lease = lease
        self.missing = dict(missing or {})
        self._warned = False

    def run_due(self, limit: int | None = None) -> int:
        """Carry out rows until none is due (or `limit` is reached); return how many."""
        self._warn_once_if_stuck()
        count = 0
        while self.executors and (limit is None or count < limit):
            if not self.run_next():
                break
            count += 1
        return count

    def run_next(self) -> bool:
        """Claim one due row and carry it out; tell whether there was one."""
        claimed = self._claim(self.database.clock.now())
        if claimed is None:
            return False
        if isinstance(claimed, Claim):
            self._carry_out(claimed)
        return True

    def _claim(self, now: datetime) -> Claim | OutboxEntry | None:
        """Take the next due row and mark it sending; park one that crashed its workers."""
        with self.database.transaction() as session:
            entry = OUTBOX.claim_next(
                session,
                now,
                where=(Shop.status == ACTIVE, OutboxEntry.kind.in_(list(self.executors))),
                join=(Shop, Shop.id == OutboxEntry.shop_id),
            )
            if entry is None:
                return None
            if entry.status == SENDING and self._interrupted(session, entry, now):
                return entry
            entry.status = SENDING
            entry.next_attempt_at = now + self.lease
            shop = session.get(Shop, entry.shop_id)
            return Claim(
                id=entry.id,
                attempt=entry.attempts,
                shop_id=entry.shop_id,
                kind=entry.kind,
                key=entry.idempotency_key,
                payload=dict(entry.payload),
                incident_id=entry.incident_id,
                shop_domain=shop.domain if shop else "",
                shop_settings=dict(shop.settings or {}) if shop else {},
            )

    def _interrupted(self, session: Session, entry: OutboxEntry, now: datetime) -> bool:
        """Note a row whose worker died while sending; park it (True) after too many."""
        log.warning(
            "outbox.interrupted-send",
            extra={"entry": entry.id, "key": entry.idempotency_key, "attempts": entry.attempts},
        )
        entry.last_error = "the worker sending it stopped before recording the result"
        if entry.attempts <= self.policy.max_attempts:
            return False
        error = RuntimeError(
            f"every one of {entry.attempts - 1} attempts stopped its worker while sending; "
            "it may have reached the customer: check before `amends outbox retry`"
        )
        OUTBOX.record_failure(entry, error, self.policy, now, permanent=True)
        self.executors[entry.kind].failed(session, entry)
        return True

    def _carry_out(self, claim: Claim) -> None:
        """Carry the row out and record the result; never record a failure after success."""
        accepted = False

        def done(receipt: Receipt) -> None:
            nonlocal accepted
            accepted = True
            self._record_done(claim, receipt)

        try:
            self.executors[claim.kind].carry_out(claim, done)
        except StorageUnavailable:
            if accepted:
                log.error("outbox.done-not-recorded", extra={"entry": claim.id, "key": claim.key})
            raise
        # The worker is the boundary: any failure of one row is recorded on it and
        # retried, never allowed to stop the queue.
        except Exception as error:  # noqa: BLE001
            if accepted:
                log.warning("outbox.after-done", extra={"entry": claim.id, "error": str(error)})
            else:
                self._record_failure(claim, error)
        else:
            if not accepted:
                self._record_failure(claim, RuntimeError("carried out without saying it was done"))

    def _record_done(self, claim: Claim, receipt: Receipt) -> None:
        now = self.database.clock.now()
        with self.database.transaction() as session:
            entry = self._still_ours(session, claim)
            if entry is None:
                return
            entry.status = SENT
            entry.sent_at = now
            entry.message_id = receipt.message_id
            entry.platform_ref = receipt.platform_ref
            entry.last_error = None
            self.executors[claim.kind].succeeded(session, entry, receipt)
        log.info("outbox.sent", extra={"entry": claim.id, "key": claim.key})

    def _record_failure(self, claim: Claim, error: BaseException) -> None:
        now = self.database.clock.now()
        with self.database.transaction() as session:
            entry = self._still_ours(session, claim)
            if entry is None:
                return
            if OUTBOX.record_failure(entry, error, self.policy, now, permanent=_permanent(error)):
                self.executors[claim.kind].failed(session, entry)

    def _still_ours(self, session: Session, claim: Claim) -> OutboxEntry | None:
        """Lock the claimed row; None (and an error logged) if another worker took it since."""
        entry = session.get(OutboxEntry, claim.id, with_for_update=True)
        if entry is not None and entry.status == SENDING and entry.attempts == claim.attempt:
            return entry
        log.error(
            "outbox.claim-lost",
            extra={"entry": claim.id, "key": claim.key, "attempt": claim.attempt},
        )
        return None

    def _warn_once_if_stuck(self) -> None:
        """Say once per run that messages wait for something this process was not given."""
        if self._warned or not self.missing:
            return
        with self.database.reading() as session:
            waiting = [
                kind
                for kind in self.missing
                if session.scalar(
                    select(OutboxEntry.id)
                    .where(OutboxEntry.status == QUEUED, OutboxEntry.kind == kind)
                    .limit(1)
                )
                is not None
            ]
        if not waiting:
            return
        self._warned = True
        for kind in waiting:
            log.warning("outbox.not-configured", extra={"kind": kind, "needs": self.missing[kind]})


def _permanent(error: BaseException) -> bool:
    """Tell whether trying again cannot help: the other side said never, or the input is bad."""
    if isinstance(error, PlatformError):
        return not error.retryable
    return isinstance(error, InvalidInput | ConfigurationError)
