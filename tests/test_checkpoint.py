"""SQLite's write-ahead log is copied into the database by a background checkpointer,
never by the commit of a webhook that happens to fill it."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time

import pytest
from sqlalchemy import text

from plugin.inbox.store import NewDelivery, batch_writer
from plugin.storage import migrate
from plugin.storage.checkpoint import BACKSTOP_PAGES, Checkpointer
from plugin.storage.db import connect
from tests.conftest import fixture_bytes

ORDER = fixture_bytes("shopify/orders_create.json")


@pytest.fixture
def database_url(tmp_path):
    """A migrated SQLite file: checkpoints are SQLite's alone."""
    url = f"sqlite:///{tmp_path / 'amends.sqlite3'}"
    database = connect(url)
    migrate.upgrade(database)
    database.dispose()
    return url


@pytest.fixture
def store_deliveries(runtime, shopify_shop):
    """Store `count` deliveries of a real order payload, each in its own commit."""
    write = batch_writer(runtime.database)

    def store(count: int, prefix: str = "d") -> None:
        for number in range(count):
            key = f"shopify:{prefix}-{number}"
            write([NewDelivery("shopify", shopify_shop, "orders/create", key, {}, ORDER, None)])

    return store


@pytest.fixture
def database_file(runtime):
    return runtime.database.file


def log_frames(database_file) -> int:
    """Count the frames of the write-ahead log (its size past the header, in 4 KiB pages)."""
    wal = database_file.with_name(database_file.name + "-wal")
    return max(0, (wal.stat().st_size - 32) // (4096 + 24))


def test_commits_leave_their_pages_in_the_log_well_past_sqlites_default(
    runtime, database_file, store_deliveries
):
    size_before = database_file.stat().st_size
    store_deliveries(600)

    assert log_frames(database_file) > 1_000  # SQLite alone would have checkpointed by now
    assert database_file.stat().st_size == size_before
    with runtime.database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == BACKSTOP_PAGES


def test_a_checkpoint_copies_the_log_into_the_database_file(database_file, store_deliveries):
    store_deliveries(200)
    size_before = database_file.stat().st_size
    checkpointer = Checkpointer(database_file)
    lock = os.open(checkpointer.lock_file, os.O_RDWR | os.O_CREAT)
    with sqlite3.connect(database_file) as connection:
        assert checkpointer.checkpoint(connection, lock) is True
        busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    os.close(lock)

    assert database_file.stat().st_size > size_before + 200 * len(ORDER)
    assert (busy, copied) == (0, frames)  # nothing was left to copy


def test_only_one_process_checkpoints_at_a_time(database_file, store_deliveries):
    store_deliveries(50)
    size_before = database_file.stat().st_size
    checkpointer = Checkpointer(database_file)
    other = os.open(checkpointer.lock_file, os.O_RDWR | os.O_CREAT)
    fcntl.flock(other, fcntl.LOCK_EX)  # another process is checkpointing
    ours = os.open(checkpointer.lock_file, os.O_RDWR)
    with sqlite3.connect(database_file) as connection:
        assert checkpointer.checkpoint(connection, ours) is False
        assert database_file.stat().st_size == size_before
        fcntl.flock(other, fcntl.LOCK_UN)
        assert checkpointer.checkpoint(connection, ours) is True
    os.close(ours)
    os.close(other)

    assert database_file.stat().st_size > size_before


def test_a_started_checkpointer_keeps_copying_while_deliveries_are_stored(
    runtime, database_file, store_deliveries
):
    checkpointer = Checkpointer(database_file, interval=0.05).start()
    try:
        for round_number in range(3):
            size_before = database_file.stat().st_size
            store_deliveries(50, prefix=f"round{round_number}")
            deadline = time.monotonic() + 10
            while database_file.stat().st_size == size_before and time.monotonic() < deadline:
                time.sleep(0.02)
            assert database_file.stat().st_size > size_before, f"round {round_number}"
    finally:
        checkpointer.stop()
    assert not checkpointer._thread.is_alive()


def test_only_a_sqlite_file_gets_a_checkpointer(tmp_path):
    assert connect("sqlite://").start_checkpoints() is None
    database = connect(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    checkpointer = database.start_checkpoints()
    checkpointer.stop()
    assert database.file == tmp_path / "x.sqlite3"
