"""One SQLite writer at a time across processes, and the next one woken at once.

SQLite lets one transaction write at a time. A process that finds the database
locked waits in SQLite's busy handler, which sleeps between tries (1, 2, 5, 10, 15,
20, 25 ms and on): under steady writes from two gunicorn workers and the worker
process, each spends a good part of its time asleep while the lock is already
free again. A kernel lock (``flock``) on a file beside the database queues the
writers instead and hands the lock to the next one the moment the holder lets go;
if a process dies holding it, the kernel releases it.

The intake's inserts do not queue here (see `Database.sqlite_statement`): each is
one call into SQLite that takes its lock and lets it go within the call. A
transaction holding this lock may find SQLite's lock held by one of them for that
long, and then waits in SQLite's busy handler.

``flock`` belongs to an open file, not to a thread, so the threads of one process
queue on a reentrant lock in front of it; the file is opened once per process. A
forked child starts afresh: it opens its own file (sharing its parent's would
share the lock) and a new thread lock (its copy may look held by its own thread).
"""

from __future__ import annotations

import fcntl
import os
import threading
import weakref
from pathlib import Path
from types import TracebackType

from plugin.errors import StorageUnavailable


class WriterLock:
    """A reentrant lock held by one thread of one process among all sharing `path`.

    Without a path (an in-memory database) it only orders the threads of this process.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._start_afresh()
        this = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: _afresh(this()))

    def _start_afresh(self) -> None:
        """Hold nothing and have no file open (at creation, and in a forked child)."""
        self._threads = threading.RLock()
        self._depth = 0  # how deep the owning thread has entered; guarded by _threads
        self._file: int | None = None

    def __enter__(self) -> WriterLock:
        self._threads.acquire()
        if self._depth == 0 and self.path is not None:
            try:
                fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
            except OSError as error:
                self._threads.release()
                raise StorageUnavailable(f"cannot lock {self.path}: {error.strerror}") from error
        self._depth += 1
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._file is not None:
                fcntl.flock(self._file, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def _descriptor(self) -> int:
        """Return this process's descriptor for the lock file, opening it on first use."""
        if self._file is None:
            if self.path is None:
                raise RuntimeError("a lock without a path has no file to open")
            self._file = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        return self._file


def lock_path(database_file: str | None) -> Path | None:
    """Name the lock file of a SQLite database file; None for an in-memory database."""
    if not database_file or database_file == ":memory:" or database_file.startswith("file:"):
        return None
    return Path(database_file).with_name(Path(database_file).name + "-writer.lock")


def _afresh(lock: WriterLock | None) -> None:
    """Start a forked child's copy of `lock` afresh, if the lock still exists."""
    if lock is not None:
        lock._start_afresh()  # noqa: SLF001 - the fork hook is the lock's own
