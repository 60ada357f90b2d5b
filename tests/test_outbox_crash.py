"""A worker that dies while sending: every message reaches the mail server exactly once.

The row is marked `sending` before the mail server is spoken to. A worker that dies
leaves it so; once its lease has run out another worker sends it again, with the
same Message-ID. The one window where that sends a second copy (the server took
the message, the worker died before the one UPDATE recording it) is shown here
too, as the documented at-least-once boundary of SMTP.
"""

from __future__ import annotations

import asyncio
import json
import signal
import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from plugin import worker
from plugin.clock import FixedClock
from plugin.inbox.processing import process_due
from plugin.messaging.email import message_id
from plugin.outbox import EMAIL
from plugin.outbox.runner import OutboxRunner, Receipt
from plugin.queue import RetryPolicy
from plugin.storage.db import connect
from plugin.storage.models import OutboxEntry
from sandboxes.mail import Mailbox
from tests.conftest import compensate_nothing, fixture_bytes
from tests.processes import start_worker, wait_until

SENDER = "care@amends.example"
ORDER = json.loads(fixture_bytes("shopify/orders_create.json")) | {
    "fulfillment_status": "fulfilled"
}
RETURN = json.loads(fixture_bytes("shopify/returns_request.json"))
LEASE = timedelta(seconds=600)


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no handler sees it."""


class StallingMailbox(Mailbox):
    """A mail server that, once, takes a message's data and then never answers."""

    def __init__(self, stall_on: str) -> None:
        super().__init__()
        self.stall_on = stall_on  # a recipient
        self.stalled = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001
        if self.stall_on in envelope.rcpt_tos and not self.stalled.is_set():
            self.stalled.set()
            await asyncio.sleep(3600)  # cancelled when the client's connection drops
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def mailbox() -> Mailbox:
    return StallingMailbox(stall_on="cliente2@example.es")


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
    }


@pytest.fixture
def shopify_shop(shopify_shop, runtime) -> int:
    """A shop that compensates nothing: these tests count e-mail alone.

    What an incident earns, and its execution through the same outbox, is
    test_compensations.py's.
    """
    return compensate_nothing(runtime, shopify_shop)


def open_incidents(post_shopify, runtime, customers: int) -> None:
    """Open one defective_item incident for each of `customers` orders; send nothing yet."""
    for n in range(1, customers + 1):
        order_id = 5830194880000 + n
        order = ORDER | {"id": order_id, "name": f"#{1040 + n}", "email": f"cliente{n}@example.es"}
        post_shopify("orders/create", order)
        post_shopify("returns/request", RETURN | {"id": 9120230000 + n, "order": {"id": order_id}})
    process_due(runtime.database, runtime.parse, runtime.retry_policy)


def entries(database) -> list[OutboxEntry]:
    with database.transaction() as session:
        return list(session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)))


def message_ids(mailbox: Mailbox) -> Counter:
    return Counter(message["Message-ID"] for message in mailbox.messages())


def expected_ids(incidents: int) -> Counter:
    return Counter(
        message_id(f"incident:{n}:acknowledgement", "amends.example")
        for n in range(1, incidents + 1)
    )


class DiesBeforeTheServerAccepts:
    """A mail client whose process dies while the server has not yet taken the message."""

    def send(self, message, on_accepted=None) -> None:  # noqa: ANN001
        raise WorkerKilled


class DiesAfterTheServerAccepts:
    """A mail client whose process dies the instant after the server took the message."""

    def __init__(self, real) -> None:  # noqa: ANN001
        self.real = real

    def send(self, message, on_accepted=None) -> None:  # noqa: ANN001
        self.real.send(message)  # accepted...
        raise WorkerKilled  # ...and the process is gone before it can record it


def dying_runner(runtime, client) -> OutboxRunner:  # noqa: ANN001
    runner = worker.outbox_runner(runtime)
    runner.executors[EMAIL].sender = client
    return runner


def test_a_message_whose_worker_died_is_sent_once_after_its_lease_and_not_before(
    shopify_shop, post_shopify, runtime, clock, mailbox
):
    open_incidents(post_shopify, runtime, customers=1)
    with pytest.raises(WorkerKilled):
        dying_runner(runtime, DiesBeforeTheServerAccepts()).run_due()
    (entry,) = entries(runtime.database)
    assert (entry.status, entry.attempts) == ("sending", 1)

    restarted = worker.outbox_runner(runtime)
    clock.advance(LEASE - timedelta(seconds=1))
    assert restarted.run_due() == 0  # its worker may still be talking to the server
    clock.advance(timedelta(seconds=1))
    assert restarted.run_due() == 1
    assert restarted.run_due() == 0

    assert message_ids(mailbox) == expected_ids(1)
    (entry,) = entries(runtime.database)
    assert (entry.status, entry.attempts) == ("sent", 2)
    assert entry.message_id == message_id("incident:1:acknowledgement", "amends.example")


def test_dying_just_after_the_server_accepted_sends_a_second_copy_with_the_same_message_id(
    shopify_shop, post_shopify, runtime, clock, mailbox
):
    open_incidents(post_shopify, runtime, customers=1)
    real = worker.outbox_runner(runtime).executors[EMAIL].sender
    with pytest.raises(WorkerKilled):
        dying_runner(runtime, DiesAfterTheServerAccepts(real)).run_due()

    clock.advance(LEASE)
    worker.outbox_runner(runtime).run_due()

    # SMTP cannot be asked whether it took a message: this instant is at-least-once,
    # and the one Message-ID lets the customer's mailbox keep a single copy.
    assert message_ids(mailbox) == Counter(
        {message_id("incident:1:acknowledgement", "amends.example"): 2}
    )


def test_a_message_that_stops_every_worker_is_parked_after_the_last_attempt(
    shopify_shop, post_shopify, runtime, clock, cli
):
    open_incidents(post_shopify, runtime, customers=1)
    runtime.settings = replace(runtime.settings, outbox_max_attempts=2)
    for _ in range(2):
        with pytest.raises(WorkerKilled):
            dying_runner(runtime, DiesBeforeTheServerAccepts()).run_due()
        clock.advance(LEASE)

    assert worker.outbox_runner(runtime).run_due() == 1

    (entry,) = entries(runtime.database)
    assert (entry.status, entry.attempts) == ("failed", 3)
    assert "may have reached the customer" in entry.last_error
    timeline = json.loads(cli("incidents", "show", "1", "--json").stdout)["timeline"]
    assert timeline[-1]["type"] == "message_failed"


class FakeExecutor:
    """Carries out a row by calling `action` first; records what it was told."""

    def __init__(self, action) -> None:  # noqa: ANN001
        self.action = action
        self.succeeded_rows: list[int] = []

    def carry_out(self, claim, done) -> None:  # noqa: ANN001
        self.action()
        done(Receipt(message_id=f"<{claim.key}>"))

    def succeeded(self, session, entry, receipt) -> None:  # noqa: ANN001
        self.succeeded_rows.append(entry.attempts)

    def failed(self, session, entry) -> None:  # noqa: ANN001
        raise AssertionError("nothing fails here")


def test_a_worker_whose_lease_ran_out_cannot_record_over_the_one_that_took_its_row(
    shopify_shop, post_shopify, runtime, clock
):
    open_incidents(post_shopify, runtime, customers=1)
    policy = RetryPolicy()
    second = FakeExecutor(action=lambda: None)
    taker = OutboxRunner(runtime.database, {EMAIL: second}, policy, LEASE)

    def stall_past_the_lease() -> None:
        clock.advance(LEASE)
        assert taker.run_due() == 1  # the second worker takes the row and sends it

    first = FakeExecutor(action=stall_past_the_lease)
    OutboxRunner(runtime.database, {EMAIL: first}, policy, LEASE).run_due()

    assert (first.succeeded_rows, second.succeeded_rows) == ([], [2])
    (entry,) = entries(runtime.database)
    assert (entry.status, entry.attempts) == ("sent", 2)


# A real `amends worker`, killed with SIGKILL while the mail server holds a message.

EARLY = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)  # before any day this test may run on


@pytest.mark.slow
def test_a_worker_killed_while_sending_sends_every_message_exactly_once_after_restart(
    shopify_shop, post_shopify, runtime, mailbox, settings_overrides, tmp_path
):
    if runtime.database.file is None:
        pytest.skip("the worker and the test share a SQLite file")
    runtime.use_clock(FixedClock(EARLY))  # queued long before the worker's real "now"
    open_incidents(post_shopify, runtime, customers=3)
    database = connect(settings_overrides["database_url"])

    first = start_worker(tmp_path, settings_overrides, "first-worker.log")
    try:
        wait_until(mailbox.stalled.is_set, first, "the server holds the second message")
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert [(e.idempotency_key, e.status) for e in entries(database)][1] == (
        "incident:2:acknowledgement",
        "sending",
    )

    second = start_worker(tmp_path, settings_overrides, "second-worker.log")
    try:
        wait_until(
            lambda: {e.status for e in entries(database)} == {"sent"}, second, "all are sent"
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
        database.dispose()

    assert message_ids(mailbox) == expected_ids(3)
