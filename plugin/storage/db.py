"""Engines and sessions for SQLite (embedded default) and PostgreSQL (scale-out)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from plugin.errors import ConfigurationError, StorageUnavailable
from plugin.storage.checkpoint import BACKSTOP_PAGES, Checkpointer
from plugin.storage.writelock import WriterLock, lock_path

SQLITE_BUSY_TIMEOUT_MS = 10_000


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
    own: _OwnConnection = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "own", _OwnConnection(self.engine))

    @property
    def dialect(self) -> str:
        """Name the backend: ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction; commit on success, roll back on error."""
        try:
            with self.writers, self.sessions.begin() as session:
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
    def sqlite_statement(self) -> Iterator[sqlite3.Cursor]:
        """Yield a cursor of SQLite's driver for one statement, its own transaction.

        For a SQLite file: an in-memory database lives and dies with its pooled
        connection, which this does not use.

        For statements prepared outside SQLAlchemy's execution (plugin.storage.prepared).
        In autocommit mode SQLite commits a statement when it completes, so the
        writer lock covers one call into the driver, not a BEGIN, the statement and
        a COMMIT. The connection is this process's
        own (see `_OwnConnection`), not one checked out of the pool for each write.
        """
        try:
            with self.writers:
                cursor = self.own.get().cursor()
                try:
                    yield cursor
                finally:
                    cursor.close()  # done with the statement, whatever happened
        except (OperationalError, InterfaceError, sqlite3.OperationalError) as error:
            self.own.close()  # the next write opens a fresh one
            raise unavailable(error) from error

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Yield a session for reads only; on SQLite it does not take the write lock."""
        try:
            with Session(self.readers, expire_on_commit=False) as session, session.begin():
                yield session
        except (OperationalError, InterfaceError) as error:
            raise unavailable(error) from error

    def start_checkpoints(self) -> Checkpointer | None:
        """Checkpoint a SQLite file's write-ahead log in the background of this process.

        For long-running processes only, after any fork (see plugin.storage.checkpoint).
        """
        return Checkpointer(self.file).start() if self.file is not None else None

    def dispose(self) -> None:
        """Close every pooled connection (after a fork, or at shutdown)."""
        self.own.close()
        self.engine.dispose()


class _OwnConnection:
    """One driver connection per process, outside the pool, for `Database.sqlite_statement`.

    Opened through the engine on first use, so that it is configured like every
    other connection (WAL, autocommit, foreign keys), and again in a forked child,
    which must not use its parent's. Only the holder of the writer lock uses it.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    def get(self) -> sqlite3.Connection:
        """Return this process's connection, opening it if need be."""
        if self._connection is None or self._pid != os.getpid():
            pooled = self._engine.raw_connection()
            self._connection, self._pid = pooled.driver_connection, os.getpid()
            pooled.detach()  # ours for good: the pool neither resets nor recycles it
        return self._connection

    def close(self) -> None:
        """Close the connection, if this process opened one."""
        if self._connection is not None and self._pid == os.getpid():
            self._connection.close()
        self._connection = None


def unavailable(error: Exception) -> StorageUnavailable:
    """Describe a driver's connection or I/O failure (wrapped by SQLAlchemy or not) on one line."""
    cause = getattr(error, "orig", None) or error
    return StorageUnavailable("database unavailable: " + " ".join(str(cause).split()))


def connect(url: str) -> Database:
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
        Path(parsed.database) if lock is not None else None,
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
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):  # noqa: ANN001
        read_only = connection.get_execution_options().get("amends_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine
