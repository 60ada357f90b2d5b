"""Group commit: deliveries that arrive together share a transaction, and each is
answered with what happened to it alone."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from plugin.clock import FixedClock
from plugin.errors import StorageUnavailable
from plugin.inbox.groupcommit import GroupCommit
from plugin.inbox.store import NewDelivery, batch_writer, record_deliveries
from plugin.storage import db
from plugin.storage.db import connect
from plugin.storage.models import Base, InboxDelivery, Shop
from tests.helpers import inbox_rows


def delivery(shop_id: int, key: str) -> NewDelivery:
    return NewDelivery(
        platform="shopify",
        shop_id=shop_id,
        topic="orders/create",
        delivery_key=key,
        headers={"X-Shopify-Webhook-Id": key},
        body=b'{"id": 1}',
        triggered_at=None,
    )


class HeldWriter:
    """The real inbox writer, with its first batch held until released, and its batches seen."""

    def __init__(self, write: Callable[[Sequence[NewDelivery]], list[int | None]]) -> None:
        self.write = write
        self.batches: list[list[str]] = []
        self.first_started = threading.Event()
        self.release = threading.Event()

    def __call__(self, deliveries: Sequence[NewDelivery]) -> list[int | None]:
        self.batches.append([d.delivery_key for d in deliveries])
        if len(self.batches) == 1:
            self.first_started.set()
            assert self.release.wait(10)
        return self.write(deliveries)


def real_writer(runtime) -> Callable[[Sequence[NewDelivery]], list[int | None]]:
    return batch_writer(runtime.database)


def wait_until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError("condition not met within 10 s")


def test_deliveries_arriving_during_a_write_share_the_next_transaction(runtime, shopify_shop):
    writer = HeldWriter(real_writer(runtime))
    inbox = GroupCommit(writer)
    with ThreadPoolExecutor(6) as pool:
        first = pool.submit(inbox.record, delivery(shopify_shop, "first"))
        assert writer.first_started.wait(10)
        later = [pool.submit(inbox.record, delivery(shopify_shop, f"later-{n}")) for n in range(5)]
        wait_until(lambda: len(inbox._queue) == 5)
        writer.release.set()
        ids = [first.result(10)] + [future.result(10) for future in later]

    assert writer.batches == [["first"], [f"later-{n}" for n in range(5)]]
    assert None not in ids
    assert len(set(ids)) == 6
    assert sorted(row.id for row in inbox_rows(runtime)) == sorted(ids)


def test_a_delivery_alone_is_written_at_once(runtime, shopify_shop):
    writer = HeldWriter(real_writer(runtime))
    writer.release.set()
    inbox = GroupCommit(writer)

    inbox_id = inbox.record(delivery(shopify_shop, "alone"))

    assert writer.batches == [["alone"]]
    assert [row.id for row in inbox_rows(runtime)] == [inbox_id]


def test_a_delivery_repeated_within_one_batch_is_stored_once(runtime, shopify_shop):
    with runtime.database.connection() as connection:
        ids = record_deliveries(
            connection,
            [delivery(shopify_shop, "a"), delivery(shopify_shop, "b"), delivery(shopify_shop, "a")],
            runtime.clock.now(),
        )
    with runtime.database.connection() as connection:
        again = record_deliveries(connection, [delivery(shopify_shop, "a")], runtime.clock.now())

    assert [inbox_id is not None for inbox_id in ids] == [True, True, False]
    assert again == [None]
    assert sorted(row.delivery_key for row in inbox_rows(runtime)) == ["a", "b"]


def test_each_delivery_of_a_batch_is_answered_with_its_own_row(runtime, shopify_shop):
    write = real_writer(runtime)
    first = write([delivery(shopify_shop, "old-1"), delivery(shopify_shop, "old-2")])
    assert first == [row.id for row in inbox_rows(runtime)]
    with runtime.database.transaction() as session:  # the newest row goes: its id is free again
        session.execute(delete(InboxDelivery).where(InboxDelivery.delivery_key == "old-2"))

    keys = ["new-1", "old-1", "new-2", "new-1", "new-3"]
    ids = write([delivery(shopify_shop, key) for key in keys])

    stored = {row.delivery_key: row.id for row in inbox_rows(runtime)}
    assert ids == [stored["new-1"], None, stored["new-2"], None, stored["new-3"]]
    again = write([delivery(shopify_shop, key) for key in ["new-2", "new-4"]])
    assert again == [None, {row.delivery_key: row.id for row in inbox_rows(runtime)}["new-4"]]
    assert write([delivery(shopify_shop, "new-3")]) == [None]


def test_every_delivery_of_a_batch_is_refused_when_the_database_is_unavailable(
    runtime, shopify_shop
):
    def unavailable(deliveries: Sequence[NewDelivery]) -> list[int | None]:
        raise StorageUnavailable("database unavailable: disk I/O error")

    writer = HeldWriter(unavailable)
    inbox = GroupCommit(writer)
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(inbox.record, delivery(shopify_shop, "first"))]
        assert writer.first_started.wait(10)
        futures += [pool.submit(inbox.record, delivery(shopify_shop, f"k{n}")) for n in range(3)]
        wait_until(lambda: len(inbox._queue) == 3)
        writer.release.set()
        for future in futures:
            with pytest.raises(StorageUnavailable):
                future.result(10)

    assert writer.batches == [["first"], ["k0", "k1", "k2"]]
    assert inbox_rows(runtime) == []


def test_a_row_the_database_refuses_fails_only_its_own_request(runtime, shopify_shop):
    writer = HeldWriter(real_writer(runtime))
    inbox = GroupCommit(writer)
    no_such_shop = shopify_shop + 1000
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(inbox.record, delivery(shopify_shop, "first"))
        assert writer.first_started.wait(10)
        good = pool.submit(inbox.record, delivery(shopify_shop, "good"))
        wait_until(lambda: len(inbox._queue) == 1)
        bad = pool.submit(inbox.record, delivery(no_such_shop, "orphan"))
        wait_until(lambda: len(inbox._queue) == 2)
        writer.release.set()

        assert first.result(10) is not None
        assert good.result(10) is not None
        with pytest.raises((IntegrityError, sqlite3.IntegrityError)):  # PostgreSQL's, SQLite's
            bad.result(10)

    # the shared batch failed as a whole, then each delivery was written on its own
    assert writer.batches == [["first"], ["good", "orphan"], ["good"], ["orphan"]]
    assert sorted(row.delivery_key for row in inbox_rows(runtime)) == ["first", "good"]


def test_a_batch_the_database_refuses_stores_none_of_its_rows(runtime, shopify_shop):
    write = real_writer(runtime)

    with pytest.raises((IntegrityError, sqlite3.IntegrityError)):
        write([delivery(shopify_shop, "good"), delivery(shopify_shop + 1000, "orphan")])

    assert inbox_rows(runtime) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # its own connection
def test_a_forked_child_writes_on_a_connection_of_its_own(runtime, shopify_shop):
    write = real_writer(runtime)
    write([delivery(shopify_shop, "parent-before")])  # the parent has its connection open

    child = multiprocessing.get_context("fork").Process(
        target=lambda: write([delivery(shopify_shop, "child")])
    )
    child.start()
    child.join(30)
    write([delivery(shopify_shop, "parent-after")])

    assert child.exitcode == 0
    assert [row.delivery_key for row in inbox_rows(runtime)] == [
        "parent-before",
        "child",
        "parent-after",
    ]


@contextmanager
def another_process_writing(runtime) -> Iterator[sqlite3.Connection]:
    """Hold SQLite's write lock on a connection of its own, as another process would."""
    holder = sqlite3.connect(runtime.database.file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield holder
    finally:
        holder.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_delivery_waits_while_another_process_writes_then_is_stored(runtime, shopify_shop):
    write = real_writer(runtime)
    with another_process_writing(runtime) as holder, ThreadPoolExecutor(1) as pool:
        answer = pool.submit(write, [delivery(shopify_shop, "after-the-other")])
        threading.Event().wait(0.2)
        assert not answer.done()  # still waiting for the lock, not failed
        holder.execute("COMMIT")
        (inbox_id,) = answer.result(timeout=10)

    assert [row.id for row in inbox_rows(runtime)] == [inbox_id]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_delivery_is_refused_when_the_database_stays_locked(runtime, shopify_shop, monkeypatch):
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)
    write = real_writer(runtime)

    with another_process_writing(runtime), pytest.raises(StorageUnavailable, match="locked"):
        write([delivery(shopify_shop, "never")])

    assert inbox_rows(runtime) == []
    assert write([delivery(shopify_shop, "later")]) != [None]  # the lock is gone: it writes


def test_a_delivery_is_refused_when_the_database_cannot_be_opened(tmp_path):
    database = connect(f"sqlite:///{tmp_path / 'gone' / 'amends.sqlite3'}")

    with pytest.raises(StorageUnavailable, match="unable to open"):
        batch_writer(database)([delivery(7, "nowhere")])


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # its own connection
def test_a_child_forked_while_a_thread_writes_can_write_too(runtime, shopify_shop):
    write = real_writer(runtime)
    with runtime.database.own.lock:  # a request thread is writing when the fork happens
        child = multiprocessing.get_context("fork").Process(
            target=lambda: write([delivery(shopify_shop, "child")])
        )
        child.start()
        child.join(30)

    assert child.exitcode == 0
    assert [row.delivery_key for row in inbox_rows(runtime)] == ["child"]


def test_an_in_memory_database_takes_deliveries_on_its_one_connection():
    database = connect("sqlite://")
    Base.metadata.create_all(database.engine)
    with database.transaction() as session:
        session.add(Shop(id=7, platform="shopify", domain="m.myshopify.com", credentials=b""))

    ids = batch_writer(database)([delivery(7, "a"), delivery(7, "b"), delivery(7, "a")])

    assert [inbox_id is not None for inbox_id in ids] == [True, True, False]
    with database.reading() as session:
        assert session.scalar(select(func.count()).select_from(InboxDelivery)) == 2


def test_many_threads_store_every_delivery_exactly_once(runtime, shopify_shop):
    inbox = GroupCommit.into(runtime.database)
    keys = [f"delivery-{n % 300}" for n in range(600)]  # each sent twice, as platforms retry

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda key: (key, inbox.record(delivery(shopify_shop, key))), keys))

    accepted = Counter(key for key, inbox_id in answers if inbox_id is not None)
    assert accepted == Counter({f"delivery-{n}": 1 for n in range(300)})
    rows = inbox_rows(runtime)
    assert len(rows) == 300
    assert {row.id for row in rows} == {inbox_id for _, inbox_id in answers if inbox_id}


def test_the_intake_stores_a_row_exactly_as_sqlalchemy_would(runtime, shopify_shop, monkeypatch):
    triggered = datetime(2026, 11, 16, 9, 12, 45, 123000, tzinfo=UTC)
    sent = NewDelivery(
        platform="shopify",
        shop_id=shopify_shop,
        topic="orders/create",
        delivery_key="by-intake",
        headers={"X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": "é.myshopify.com"},
        body=b'{"note": "caf\\u00e9 \\/"}',
        triggered_at=triggered,
    )
    received = datetime(2026, 11, 16, 9, 12, 46, 1, tzinfo=UTC)
    runtime.use_clock(FixedClock(received))
    batch_writer(runtime.database)([sent])
    with runtime.database.connection() as connection:
        record_deliveries(connection, [replace(sent, delivery_key="by-core")], received)

    with runtime.database.connection() as connection:
        stored = (
            connection.execute(text("SELECT * FROM inbox ORDER BY delivery_key DESC"))
            .mappings()
            .all()
        )
    by_intake, by_core = (
        {name: value for name, value in row.items() if name not in ("id", "delivery_key")}
        for row in stored
    )
    assert by_intake == by_core
    row = inbox_rows(runtime)[0]
    assert (row.received_at, row.triggered_at) == (received, triggered)
    assert (row.headers, row.body) == (sent.headers, sent.body)
