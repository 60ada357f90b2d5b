"""A real `amends worker`, killed with SIGKILL at random moments while it drains deliveries.

A few hundred deliveries wait in the inbox (orders, and a return of each that opens
an incident and an acknowledgement to its customer). The worker is killed again and
again, wherever it is (claiming a delivery, inside its transaction, committing,
sending a message), and restarted, until it has done everything. Each delivery's
work and its new status commit together, so none is done twice or lost; each
message is at the SMTP server once, but for the documented boundary of SMTP (the
server took it and the worker died before recording so), where the copy carries the
same Message-ID.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import func, select

from plugin.clock import FixedClock
from plugin.inbox import DONE
from plugin.messaging.email import message_id
from plugin.storage.db import connect
from plugin.storage.models import InboxDelivery, Incident, OutboxEntry
from tests.conftest import compensate_nothing, fixture_bytes
from tests.processes import kill_at_random_until_done
from tests.test_outbox_crash import EARLY, SENDER

ORDER = json.loads(fixture_bytes("shopify/orders_create.json")) | {
    "fulfillment_status": "fulfilled"
}
RETURN = json.loads(fixture_bytes("shopify/returns_request.json"))
CUSTOMERS = 100  # an order and a return each: 200 deliveries
KILLS = 8
SEED = 21


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
    }


@pytest.fixture
def shopify_shop(shopify_shop, runtime) -> int:
    """A shop that compensates nothing: this test counts deliveries and e-mail alone."""
    return compensate_nothing(runtime, shopify_shop)


def queue_deliveries(post_shopify, customers: int) -> None:
    for n in range(1, customers + 1):
        order_id = 5830194880000 + n
        order = ORDER | {"id": order_id, "name": f"#{1040 + n}", "email": f"cliente{n}@example.es"}
        assert post_shopify("orders/create", order).status_code == 200
        returned = RETURN | {"id": 9120230000 + n, "order": {"id": order_id}}
        assert post_shopify("returns/request", returned).status_code == 200


class Progress:
    """What the worker has committed so far, read from the database it works on."""

    def __init__(self, database) -> None:  # noqa: ANN001
        self.database = database

    def counts(self) -> tuple[int, int]:
        with self.database.reading() as session:
            done = session.scalar(select(func.count()).where(InboxDelivery.status == DONE))
            sent = session.scalar(select(func.count()).where(OutboxEntry.status == "sent"))
        return done, sent

    def finished(self, deliveries: int, messages: int) -> bool:
        return self.counts() == (deliveries, messages)


@pytest.mark.slow
def test_a_worker_killed_at_random_moments_processes_every_delivery_once_and_loses_nothing(
    shopify_shop, post_shopify, runtime, mailbox, settings_overrides, tmp_path
):
    runtime.use_clock(FixedClock(EARLY))  # received long before the worker's real "now"
    queue_deliveries(post_shopify, CUSTOMERS)
    deliveries, messages = 2 * CUSTOMERS, CUSTOMERS
    database = connect(settings_overrides["database_url"])
    progress = Progress(database)
    try:
        kills = kill_at_random_until_done(
            tmp_path,
            settings_overrides,
            progress.counts,  # what was committed when each kill landed
            lambda: progress.finished(deliveries, messages),
            kills=KILLS,
            seed=SEED,
            longest_pause=0.2,
            finishing="all is done",
            last_seconds=120,
        )
        with database.reading() as session:
            rows = session.execute(select(InboxDelivery.status, InboxDelivery.attempts)).all()
            incidents = session.execute(
                select(Incident.id, Incident.platform_order_id, Incident.kind)
            ).all()
            outbox = session.execute(
                select(OutboxEntry.idempotency_key, OutboxEntry.status, OutboxEntry.attempts)
            ).all()
    finally:
        database.dispose()

    # Killed mid-way each time: in the inbox's work and in the outbox's.
    assert len(kills) == KILLS, kills
    assert any(done < deliveries for done, _ in kills), kills
    # Every delivery's work committed exactly once, with its one counted attempt.
    assert Counter(rows) == Counter({(DONE, 1): deliveries})
    assert sorted((order, kind) for _, order, kind in incidents) == sorted(
        (str(5830194880000 + n), "defective_item") for n in range(1, CUSTOMERS + 1)
    )
    # (PostgreSQL spends an id on each insert a kill rolled back: ids are not 1..N.)
    acknowledgements = {f"incident:{incident}:acknowledgement" for incident, _, _ in incidents}
    assert {(key, status) for key, status, _ in outbox} == {
        (key, "sent") for key in acknowledgements
    }
    # Each message reached the server; a second copy only of one whose worker died sending it.
    copies = Counter(message["Message-ID"] for message in mailbox.messages())
    assert set(copies) == {message_id(key, "amends.example") for key in acknowledgements}
    retried = {message_id(key, "amends.example") for key, _, attempts in outbox if attempts > 1}
    assert {mid for mid, count in copies.items() if count > 1} <= retried
