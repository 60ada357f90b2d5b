"""One scheduler at a time per database: the others stand by and take over if it dies.

A second `amends scheduler` started by mistake (or on purpose, on another host, as a
standby) must never run a job a second time. The leader holds a lock that the
database or the kernel frees when the process dies, however it dies:

- PostgreSQL: a session-level advisory lock (`pg_try_advisory_lock`) on a
  connection the leader keeps open; schedulers on every host share it.
- SQLite: an `flock` on a file beside the database; only processes of one host can
  share a SQLite file, and the kernel frees the lock with the process.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection

from plugin.errors import StorageUnavailable
from plugin.storage.db import Database

# The advisory lock's key: any 64-bit number no other application of the database uses.
SCHEDULER_LOCK_KEY = 0x416D656E64730001  # "Amends" + 1


class Leadership:
    """A lock only one process at a time holds; `try_take` never waits."""

    def __init__(self, database: Database, name: str = "scheduler") -> None:
        self.database = database
        self.name = name
        self._connection: Connection | None = None
        self._file: int | None = None

    @property
    def held(self) -> bool:
        """Tell whether this process holds it."""
        return self._connection is not None or self._file is not None

    def try_take(self) -> bool:
        """Take it if nobody holds it; tell whether this process holds it now."""
        if self.held:
            return True
        if self.database.dialect == "postgresql":
            return self._take_advisory()
        return self._take_file()

    def release(self) -> None:
        """Let it go (dying lets it go too)."""
        if self._connection is not None:
            # The connection goes back to the pool, where its session lives on: unlock.
            self._connection.scalar(
                text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEDULER_LOCK_KEY}
            )
            self._connection.close()
            self._connection = None
        if self._file is not None:
            os.close(self._file)
            self._file = None

    def _take_advisory(self) -> bool:
        connection = self.database.autocommitting.connect()
        taken = connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": SCHEDULER_LOCK_KEY}
        )
        if taken:
            self._connection = connection
            return True
        connection.close()
        return False

    def _take_file(self) -> bool:
        path = self._path()
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StorageUnavailable(f"cannot open {path}: {error.strerror}") from error
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return False
        self._file = descriptor
        return True

    def _path(self) -> Path:
        if self.database.file is None:
            raise StorageUnavailable("an in-memory database has no scheduler to share with")
        return self.database.file.with_name(f"{self.database.file.name}.{self.name}.lock")
