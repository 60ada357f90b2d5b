"""Several web and worker processes on one PostgreSQL: every delivery handled exactly once.

Two `amends serve` processes take the store's deliveries, each delivered twice (the
platform's retry reaching the other process), while three `amends worker` processes
drain the inbox and send the customers' mail to a real SMTP server. Nothing is lost,
nothing is done twice: one inbox row per delivery, one incident per order, one
acknowledgement per incident, each accepted by the server once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from plugin.storage.db import connect
from plugin.storage.models import InboxDelivery, Incident, OutboxEntry
from tests.conftest import compensate_nothing, fixture_bytes, shopify_headers
from tests.processes import AMENDS, amends_env, free_port, wait_healthy

ORDERS = 120
RETURN = json.loads(fixture_bytes("shopify/returns_request.json"))
ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))


@pytest.fixture
def shopify_shop(shopify_shop, runtime) -> int:
    """A shop that compensates nothing: this test counts deliveries and e-mail alone."""
    return compensate_nothing(runtime, shopify_shop)


def start(tmp_path: Path, env: dict[str, str], name: str, *args: str) -> subprocess.Popen:
    with (tmp_path / f"{name}.log").open("w") as log:
        return subprocess.Popen(
            [AMENDS, *args], env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )


def an_order(number: int) -> bytes:
    """Order `number`, placed by its own customer."""
    email = f"customer{number}@example.es"
    body = ORDER | {"id": 5_830_000_000 + number, "name": f"#{number}", "email": email}
    return json.dumps(body | {"customer": ORDER["customer"] | {"email": email}}).encode()


def a_return(number: int) -> bytes:
    """A defective return of order `number`, as its own delivery."""
    body = RETURN | {
        "id": 9_120_000_000 + number,
        "order": {"id": 5_830_000_000 + number},
        "name": f"#R{number}",
    }
    return json.dumps(body).encode()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # the scale-out store
def test_two_web_and_three_worker_processes_handle_each_delivery_exactly_once(
    tmp_path, settings_overrides, shopify_shop, smtp_server, mailbox
):
    env = amends_env(
        tmp_path,
        settings_overrides,
        AMENDS_SMTP_URL=f"smtp://127.0.0.1:{smtp_server.port}",
        AMENDS_SMTP_SENDER="care@amends.example",
        AMENDS_WORKER_POLL_SECONDS="0.05",
        SHOPIFY_API_SECRET=settings_overrides["shopify_api_secret"],
    )
    ports = [free_port(), free_port()]
    webs = [
        start(tmp_path, env, f"web-{p}", "serve", "--port", str(p), "--workers", "1") for p in ports
    ]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    workers = [start(tmp_path, env, f"worker-{n}", "worker") for n in range(3)]
    try:
        for url, web in zip(urls, webs, strict=True):
            wait_healthy(url, web)

        def deliver(number: int) -> list[int]:
            codes = []
            for topic, body in (
                ("orders/create", an_order(number)),
                ("returns/request", a_return(number)),
            ):
                headers = shopify_headers(body, topic, webhook_id=str(uuid.uuid4()))
                first, again = urls[number % 2], urls[(number + 1) % 2]  # the retry: the other
                codes += [
                    requests.post(
                        f"{url}/webhooks/shopify", data=body, headers=headers, timeout=30
                    ).status_code
                    for url in (first, again)
                ]
            return codes

        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = Counter(code for codes in pool.map(deliver, range(ORDERS)) for code in codes)

        database = connect(settings_overrides["database_url"])
        try:
            deadline = time.monotonic() + 240
            while len(mailbox.messages()) < ORDERS or _unfinished(database):
                assert time.monotonic() < deadline, "the workers did not finish in time"
                assert all(w.poll() is None for w in workers), "a worker exited"
                time.sleep(0.2)
            time.sleep(1)  # anything done twice would show now
            counts = _counts(database)
        finally:
            database.dispose()
    finally:
        for process in [*webs, *workers]:
            process.send_signal(signal.SIGTERM)
        for process in [*webs, *workers]:
            process.wait(timeout=30)

    assert answers == {200: 4 * ORDERS}
    assert counts == {"deliveries": 2 * ORDERS, "incidents": ORDERS, "messages": ORDERS}
    sent = Counter(str(message["Message-ID"]) for message in mailbox.messages())
    assert len(sent) == ORDERS
    assert set(sent.values()) == {1}
    worked = [(tmp_path / f"worker-{n}.log").read_text().count("outbox.sent") for n in range(3)]
    assert sum(1 for count in worked if count) >= 2  # the work was really shared


def _unfinished(database) -> bool:  # noqa: ANN001
    with database.transaction() as session:
        pending = select(func.count()).select_from(InboxDelivery)
        waiting = session.scalar(pending.where(InboxDelivery.status.notin_(("done", "ignored"))))
        unsent = select(func.count()).select_from(OutboxEntry)
        return bool(waiting or session.scalar(unsent.where(OutboxEntry.status != "sent")))


def _counts(database) -> dict[str, int]:  # noqa: ANN001
    with database.transaction() as session:
        return {
            "deliveries": session.scalar(select(func.count()).select_from(InboxDelivery)),
            "incidents": session.scalar(select(func.count()).select_from(Incident)),
            "messages": session.scalar(select(func.count()).select_from(OutboxEntry)),
        }
