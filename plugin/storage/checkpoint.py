"""WAL checkpoints in the background, so that no writer waits for one.

In WAL mode a commit appends pages to the write-ahead log; a checkpoint copies
them back into the database file and, with ``synchronous=NORMAL``, syncs both
files to disk. Left to SQLite, the checkpoint runs inside whichever commit
pushes the log past ``wal_autocheckpoint`` pages, while that writer still holds
the write lock: every other writer of every process, and the webhooks they are
answering, waits out a disk sync. SQLite's documentation suggests running
checkpoints from a separate thread instead (https://sqlite.org/wal.html,
"Application-Initiated Checkpoints"); a PASSIVE checkpoint takes no write lock.

Every long-running process (each server worker, the inbox worker, the scheduler)
runs a `Checkpointer`; at most one of them checkpoints at a time (a kernel lock
on a file beside the database), so it does not matter which are running. The
connections keep a high `wal_autocheckpoint` as a backstop, for when none is.

Every 500 ms. Every 100 ms served a few percent more webhooks a second, but each
checkpoint ends in a disk sync that briefly stalls the writers appending to the
log, and the p99 latency at half load doubled (to 40-45 ms on a 2-core machine).
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger("amends.storage")

# Pages (of 4 KiB) after which a commit checkpoints by itself: far above what the
# checkpointer lets the log reach, so that only a database nobody checkpoints
# grows this large (SQLite's own default is 1,000).
BACKSTOP_PAGES = 10_000


class Checkpointer:
    """Copy the write-ahead log of a SQLite file into the database, every `interval` seconds."""

    def __init__(self, database_file: Path, interval: float = 0.5) -> None:
        self.database_file = database_file
        self.interval = interval
        self.lock_file = database_file.with_name(database_file.name + "-checkpoint.lock")
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Checkpointer:
        """Checkpoint in a daemon thread of this process until `stop()` or exit."""
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread (after the checkpoint in progress, if any)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def checkpoint(self, connection: sqlite3.Connection, lock: int) -> bool:
        """Checkpoint once unless another process is; True when this call did.

        PASSIVE copies what no reader still needs and never waits for writers.
        """
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
        return True

    def _run(self) -> None:
        lock = os.open(self.lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        connection = sqlite3.connect(self.database_file, isolation_level=None)
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.checkpoint(connection, lock)
                except sqlite3.Error as error:  # the next round tries again
                    log.warning("storage.checkpoint-failed", extra={"error": str(error)})
        finally:
            connection.close()
            os.close(lock)
