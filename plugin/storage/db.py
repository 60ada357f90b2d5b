"""Engines and sessions for SQLite (embedded default) and PostgreSQL (scale-out)."""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from plugin.clock import SYSTEM_CLOCK, Clock
from plugin.errors import ConfigurationError, StorageUnavailable
from plugin.storage.checkpoint import BACKSTOP_PAGES, Checkpointer
from plugin.storage.models import INCIDENT_SEARCH_TABLE
from plugin.storage.writelock import WriterLock, lock_path

log = logging.getLogger("amends.storage")

SQLITE_BUSY_TIMEOUT_MS = 10_000
# How `Database.sqlite_statement` waits out another connection's write.
BUSY_FIRST_PAUSE_S = 0.0001
BUSY_LONGEST_PAUSE_S = 0.0005


@dataclass(frozen=True)
class Database:
    """An engine and the session factory bound to it."""

    engine: Engine
    sessions: sessionmaker[Session]
    readers: Engine  # the same pool, flagged so that SQLite starts a deferred transaction
    # SQLite has one writer at a time; writers of every process queue here and wake
    # at once, rather than in SQLite's busy handler, which sleeps up to 100 ms a try.
    writers: AbstractContextManager = field(default_factory=nullcontext)
    file: Path | None = None  # a SQLite database's file; None for PostgreSQL or in memory
    # What "now" is for every session opened here; a test or a replay may set another.
    clock: Clock = SYSTEM_CLOCK
    own: _OwnConnection = field(init=False)
    autocommitting: Engine = field(init=False)  # the same pool, each statement committed

    def __post_init__(self) -> None:
        object.__setattr__(self, "own", _OwnConnection(self.engine))
        autocommitting = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        object.__setattr__(self, "autocommitting", autocommitting)

    def use_clock(self, clock: Clock) -> None:
        """Let every session opened from now on read the time from `clock`."""
        object.__setattr__(self, "clock", clock)

    @property
    def dialect(self) -> str:
        """Name the backend: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction; commit on success, roll back on error."""
        try:
            with self.writers, self.sessions.begin() as session:
                session.info["clock"] = self.clock
                yield session
        except (OperationalError, InterfaceError) as error:
            raise unavailable(error) from error

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """Yield a Core connection inside one transaction.

        The connection is checked out before the writer lock is taken and returned
        after it is let go, so that the lock covers only the transaction itself.
        """
        try:
            with self.engine.connect() as connection, self.writers, connection.begin():
                yield connection
        except (OperationalError, InterfaceError) as error:
            raise unavailable(error) from error

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """Yield a Core connection on which every statement is a transaction of its own.

        For a statement that stands alone (a multi-row INSERT is atomic): on
        PostgreSQL it then costs one round trip to the server rather than three
        (BEGIN, the statement, COMMIT). The connection comes from the same pool.
        """
        try:
            with self.autocommitting.connect() as connection:
                yield connection
        except (OperationalError, InterfaceError) as error:
            raise unavailable(error) from error

    def sqlite_statement(self, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement on SQLite's driver as a transaction of its own; return its cursor.

        For statements prepared outside SQLAlchemy's execution (plugin.storage.prepared),
        on a SQLite file (an in-memory database lives in its pooled connection).

        In autocommit mode SQLite takes its write lock, runs the statement, commits
        and lets the lock go within this one call into the driver, and the driver
        releases the GIL for it. So the statement does not queue on the writer lock:
        a thread holding that lock must win the GIL back after every call into C,
        which on a busy server takes up to the interpreter's switch interval (5 ms),
        while every other process waits. Instead, when another connection holds
        SQLite's lock the call fails at once (this connection's busy timeout is 0)
        and is made again after a pause of 0.1 ms, doubling up to 0.5 ms. (SQLite's
        own busy handler sleeps 1 ms first, then longer, while an intake write
        holds the lock for a fraction of a millisecond.) The short pauses matter
        when the inbox worker is busy too: its transactions hold the lock for
        milliseconds with brief gaps between them, and a 2 ms pause missed most
        gaps (about 300 webhooks a second got through beside a busy worker on a
        2-core machine, against about 750 with 0.5 ms). After the busy timeout
        (10 s) it gives up with StorageUnavailable. The connection is this
        process's own (see `_OwnConnection`).
        """
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
        pause = BUSY_FIRST_PAUSE_S
        with self.own.lock:
            while True:
                try:
                    return self.own.get().execute(sql, parameters)
                except sqlite3.OperationalError as error:
                    if not _busy(error) or time.monotonic() + pause > deadline:
                        self.own.close()  # the next statement opens a fresh one
                        raise unavailable(error) from error
                time.sleep(pause)
                pause = min(pause * 2, BUSY_LONGEST_PAUSE_S)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Yield a session for reads only; on SQLite it does not take the write lock."""
        try:
            with Session(self.readers, expire_on_commit=False) as session, session.begin():
                session.info["clock"] = self.clock
                yield session
        except (OperationalError, InterfaceError) as error:
            raise unavailable(error) from error

    def start_checkpoints(self) -> Checkpointer | None:
        """Checkpoint a SQLite file's write-ahead log in the background of this process.

        For long-running processes only, after any fork (see plugin.storage.checkpoint).
        """
        return Checkpointer(self.file).start() if self.file is not None else None

    def forget_erased(self) -> None:
        """Leave no old copy of rows just erased in a SQLite file (for privacy requests).

        SQLite zeroes space as it frees it (``secure_delete``, set on every
        connection), but the write-ahead log still holds every page as it was
        written before, until a checkpoint resets the log and new pages overwrite
        them. A TRUNCATE checkpoint copies the whole log into the database and
        empties it; it waits (busy timeout) for readers of an older snapshot and
        holds SQLite's write lock meanwhile, which a privacy request can afford.
        Before it, the index of the e-mails' trigrams (migration 0020), which keeps
        an erased row's trigrams in its older segments until they are merged, is
        merged into one segment: rewritten whole, a cost of the same kind.
        PostgreSQL keeps dead row versions until VACUUM: that is its own to do.
        """
        if self.file is None:
            return
        with self.autocommit() as connection, self.writers:
            connection.exec_driver_sql(
                f"INSERT INTO {INCIDENT_SEARCH_TABLE} ({INCIDENT_SEARCH_TABLE}) VALUES ('optimize')"
            )
            busy, logged, copied = connection.exec_driver_sql(
                "PRAGMA wal_checkpoint(TRUNCATE)"
            ).one()
        if busy:
            log.warning(
                "storage.erased-log-kept",
                extra={"database": str(self.file), "pages": logged, "copied": copied},
            )

    def dispose(self) -> None:
        """Close every pooled connection (after a fork, or at shutdown)."""
        self.own.close()
        self.engine.dispose()


class _OwnConnection:
    """One driver connection per process, outside the pool, for `Database.sqlite_statement`.

    Opened through the engine on first use, so that it is configured like every
    other connection (WAL, autocommit, foreign keys). Its busy timeout is 0: a
    statement on it that finds the database locked fails at once and is retried by
    its caller. One thread at a time uses it, holding `lock`. A forked child starts
    afresh, as `WriterLock` does: it must not use its parent's connection, and its
    copy of the lock may look held by a thread it does not have.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._start_afresh()
        this = weakref.ref(self)  # weakly: a dropped Database is not kept for the hook
        os.register_at_fork(after_in_child=lambda: _afresh(this()))

    def _start_afresh(self) -> None:
        """Hold no connection and a free lock (at creation, and in a forked child)."""
        self._connection: sqlite3.Connection | None = None
        self.lock = threading.Lock()

    def get(self) -> sqlite3.Connection:
        """Return this process's connection, opening it if need be."""
        if self._connection is None:
            pooled = self._engine.raw_connection()
            connection = cast(sqlite3.Connection, pooled.driver_connection)
            pooled.detach()  # ours for good: the pool neither resets nor recycles it
            connection.execute("PRAGMA busy_timeout=0")
            self._connection = connection
        return self._connection

    def close(self) -> None:
        """Close the connection, if this process opened one."""
        if self._connection is not None:
            self._connection.close()
        self._connection = None


def _afresh(own: _OwnConnection | None) -> None:
    """Start a forked child's copy of `own` afresh, if it still exists."""
    if own is not None:
        own._start_afresh()  # noqa: SLF001 - the fork hook is the connection's own


def check_folder_writable(database: Database) -> None:
    """Refuse a SQLite file whose folder cannot take new files; ConfigurationError says so.

    SQLite in WAL mode keeps its log and shared-memory files beside the database, and
    the writers' lock file is there too: in a read-only folder (or one that cannot be
    made) even reading fails, with "unable to open database file". Said at start-up,
    with the folder's name, the operator knows what to change. PostgreSQL and an
    in-memory database need no folder.
    """
    if database.file is None:
        return
    folder = database.file.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe, name = tempfile.mkstemp(prefix=".amends-probe-", dir=folder)
        os.close(probe)
        os.unlink(name)
    except OSError as error:
        raise ConfigurationError(
            f"cannot write in {folder} ({error.strerror}), where the SQLite database keeps "
            "its log and lock files: make the folder writable, or set AMENDS_DATABASE_URL "
            "(or AMENDS_INSTANCE_PATH) to a place that is"
        ) from error


def _busy(error: sqlite3.OperationalError) -> bool:
    """Tell whether SQLite refused because another connection holds the lock (SQLITE_BUSY)."""
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY


def unavailable(error: Exception) -> StorageUnavailable:
    """Describe a driver's connection or I/O failure (wrapped by SQLAlchemy or not) on one line."""
    cause = getattr(error, "orig", None) or error
    return StorageUnavailable("database unavailable: " + " ".join(str(cause).split()))


def connect(url: str, clock: Clock = SYSTEM_CLOCK) -> Database:
    """Create the engine for `url`, tuned for its backend."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise ConfigurationError(f"AMENDS_DATABASE_URL is not a database URL: {url!r}") from error
    if parsed.drivername.startswith("sqlite"):
        engine = _sqlite_engine(url)
    elif parsed.drivername in ("postgresql", "postgresql+psycopg", "postgres"):
        # No pre-ping round trip per checkout: a dropped connection fails the one
        # transaction (503 at intake, a retry in the worker) and is replaced.
        engine = create_engine(
            parsed.set(drivername="postgresql+psycopg"), pool_recycle=300, pool_size=5
        )
    else:
        raise ConfigurationError(
            f"unsupported database {parsed.drivername!r}: use sqlite:///PATH or postgresql://..."
        )
    readers = engine.execution_options(amends_read_only=True)
    sqlite = engine.dialect.name == "sqlite"
    lock = lock_path(parsed.database) if sqlite else None
    return Database(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        readers,
        WriterLock(lock) if sqlite else nullcontext(),
        Path(parsed.database) if lock is not None and parsed.database else None,
        clock,
    )


def _sqlite_engine(url: str) -> Engine:
    """Open SQLite in WAL mode, with writers taking the lock at BEGIN.

    `BEGIN IMMEDIATE` makes every transaction a writer from the start, so two
    workers never both read a row as pending and then race to claim it: the
    second one waits (busy timeout) and then sees the first one's commit.
    """
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None  # let SQLAlchemy's BEGIN below rule
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # Zero what a delete or an update frees, pages included: an erased e-mail
        # must not live on in free space (see Database.forget_erased).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):  # noqa: ANN001
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # each statement is its own transaction (Database.autocommit)
        connection.exec_driver_sql(
            "BEGIN" if options.get("amends_read_only", False) else "BEGIN IMMEDIATE"
        )

    return engine
