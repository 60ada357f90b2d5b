"""Group commit: deliveries that arrive together are stored in one transaction.

A delivery is answered 200 only once it is committed. Committing each one in its
own transaction spends most of the intake's time beginning and committing, and on
SQLite most of it holding the single write lock, while the other request threads
wait for it. Here, the threads that arrive while a write is in progress queue up;
when it is done, the first of them writes the whole queue in one transaction and
wakes the others with their answers. Nothing waits for a timer or a batch size: a
delivery that arrives alone is written at once, and batches grow only as fast as
deliveries arrive during a write.

If a batch cannot be written, nothing of it is stored. When the database is
unavailable, every delivery in it is told so (the intake answers 503 and the
platform delivers again). On any other error each delivery is written again on its
own, so that one bad row fails only its own request.
"""

from __future__ import annotations

import logging
import threading

from plugin.errors import StorageUnavailable
from plugin.inbox.store import BatchWriter, NewDelivery, batch_writer
from plugin.storage.db import Database

log = logging.getLogger("amends.inbox")


class _Waiter:
    """One delivery in the queue, and what its thread is told when it wakes.

    Its thread sleeps on a lock taken at creation, until `wake` lets it go: the
    cheapest one-shot signal between two threads (an Event builds a Condition).
    """

    __slots__ = ("delivery", "_asleep", "leads", "inbox_id", "error")

    def __init__(self, delivery: NewDelivery) -> None:
        self.delivery = delivery
        self._asleep = threading.Lock()
        self._asleep.acquire()
        self.leads = False  # woken to write the queue, rather than with an answer
        self.inbox_id: int | None = None
        # Until the write answers, the delivery counts as not stored.
        self.error: BaseException | None = StorageUnavailable("the write was interrupted")

    def sleep(self) -> None:
        """Wait until woken (at once if woken already)."""
        self._asleep.acquire()

    def wake(self) -> None:
        """Let the waiting thread go on; once only."""
        self._asleep.release()


class GroupCommit:
    """Store deliveries from many threads, sharing transactions between those that meet."""

    def __init__(self, write: BatchWriter, max_batch: int = 100) -> None:
        self.write = write  # stores a batch in one transaction: for each, its id or None
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Waiter] = []
        self._writing = False

    @classmethod
    def into(cls, database: Database) -> GroupCommit:
        """Group-commit into the inbox of `database`."""
        return cls(batch_writer(database))

    def record(self, delivery: NewDelivery) -> int | None:
        """Store `delivery` durably; return its inbox id, or None when it is a duplicate.

        Raises StorageUnavailable (or the write's own error) when it was not stored.
        """
        waiter = _Waiter(delivery)
        with self._lock:
            self._queue.append(waiter)
            waiter.leads = not self._writing
            self._writing = True
        if not waiter.leads:
            waiter.sleep()
        if waiter.leads:
            self._lead()
        if waiter.error is not None:
            raise waiter.error
        return waiter.inbox_id

    def _lead(self) -> None:
        """Write the queue (this thread's delivery first among them), then pass the turn on."""
        with self._lock:
            batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
        try:
            self._store(batch)
        finally:
            with self._lock:
                successor = self._queue[0] if self._queue else None
                self._writing = successor is not None
            for waiter in batch[1:]:
                waiter.wake()
            if successor is not None:
                successor.leads = True
                successor.wake()

    def _store(self, batch: list[_Waiter]) -> None:
        """Write `batch`; give each waiter its id or its error."""
        try:
            ids = self.write([waiter.delivery for waiter in batch])
        except StorageUnavailable as error:
            for waiter in batch:
                waiter.error = error
            return
        except Exception as error:
            if len(batch) == 1:
                batch[0].error = error
                return
            log.warning(
                "inbox.batch-failed", extra={"deliveries": len(batch), "error": repr(error)}
            )
            for waiter in batch:
                self._store([waiter])
            return
        for waiter, inbox_id in zip(batch, ids, strict=True):
            waiter.inbox_id, waiter.error = inbox_id, None
