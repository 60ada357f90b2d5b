"""The database unavailable while a store delivers: 503 with Retry-After, then nothing lost.

A sandbox Shopify store delivers to Amends over real HTTP. While the database cannot
take the delivery (SQLite locked by another process past the busy timeout, or
PostgreSQL refusing connections), Amends answers 503 with Retry-After and keeps
nothing; the store delivers again on its own schedule, with the same webhook id, and
once the database is back the retry is stored and processed: every order the store
told of is in Amends, once.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from plugin import worker
from plugin.app import create_app
from plugin.storage import db
from plugin.storage.models import InboxDelivery, Order
from tests.conftest import POSTGRES_URL, SHOPIFY_DOMAIN, SHOPIFY_SECRET, shopify_headers
from tests.test_sandbox_shopify_harness import TOKEN, Sandbox, running_sandbox, serving

ORDERS = 3


@pytest.fixture
def amends(runtime) -> Iterator[str]:
    with serving(create_app(runtime=runtime)) as url:
        yield url


@pytest.fixture
def store(amends) -> Iterator[Sandbox]:
    with running_sandbox(
        shop_domain=SHOPIFY_DOMAIN,
        api_secret=SHOPIFY_SECRET,
        api_key=None,
        webhook_uri=f"{amends}/webhooks/shopify",
    ) as sandbox:
        yield sandbox


@pytest.fixture
def shop(store, make_shop) -> int:
    return make_shop("shopify", api_url=store.base, access_token=TOKEN)


def place_orders(store: Sandbox, count: int) -> None:
    for n in range(count):
        store.place_order(id=5001 + n, name=f"#{1001 + n}")
    store.flush()


def answers(store: Sandbox) -> dict[str, list[int | None]]:
    """Return the statuses each delivery (by webhook id) was answered with, in order."""
    seen: dict[str, list[int | None]] = {}
    for attempt in store.deliveries():
        seen.setdefault(attempt["webhook_id"], []).append(attempt["status"])
    return seen


def stored(runtime) -> tuple[set[str], int]:  # noqa: ANN001
    """Return the delivery keys in the inbox, and how many orders Amends knows."""
    with runtime.database.reading() as session:
        keys = set(session.scalars(select(InboxDelivery.delivery_key)))
        orders = session.scalar(select(func.count()).select_from(Order))
    return keys, orders


def direct_answer(amends: str) -> requests.Response:
    """Deliver an order straight to Amends, as Shopify would, and return the answer."""
    body = b'{"id": 7001, "name": "#7001"}'
    headers = shopify_headers(body, "orders/create")
    return requests.post(f"{amends}/webhooks/shopify", data=body, headers=headers, timeout=10)


def outage_then_recovery(store: Sandbox, runtime, amends: str, outage) -> None:  # noqa: ANN001
    """Place orders during `outage`; let the store retry after it; check nothing was lost."""
    keys_before, orders_before = stored(runtime)
    with outage:
        place_orders(store, ORDERS)
        refused = direct_answer(amends)

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert refused.json() == {
        "error": "unavailable",
        "message": "cannot store the delivery now; retry later",
    }
    first_answers = answers(store)
    assert len(first_answers) == 2 * ORDERS  # orders/create and orders/paid of each
    assert all(statuses == [503] for statuses in first_answers.values()), first_answers
    assert stored(runtime) == (keys_before, orders_before)  # nothing half-written

    store.drain()  # the store's own retries, once their time has come
    worker.run_once(runtime)

    final = answers(store)
    assert all(statuses == [503, 200] for statuses in final.values()), final
    keys, orders = stored(runtime)
    assert keys - keys_before == {f"shopify:{webhook_id}" for webhook_id in final}
    assert orders == orders_before + ORDERS


# --- SQLite locked by another process ----------------------------------------------------


@contextmanager
def another_process_writing(runtime) -> Iterator[None]:  # noqa: ANN001
    """Hold SQLite's write lock on a connection of its own, as another process would."""
    holder = sqlite3.connect(runtime.database.file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_delivery_while_sqlite_stays_locked_is_503_and_its_retry_is_stored(
    runtime, shop, store, amends, monkeypatch
):
    # Shopify waits 5 s for an answer (the sandbox here 1 s): the intake must give up
    # on the lock, and answer, before the store gives up on it.
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 300)

    outage_then_recovery(store, runtime, amends, another_process_writing(runtime))


# --- PostgreSQL refusing connections -----------------------------------------------------


class PostgresDoor:
    """A TCP relay in front of the PostgreSQL server, which a test can close and open again.

    Closed, it listens nowhere (connecting is refused) and has cut every connection it
    relayed, as when the server stops; the real server is never touched.
    """

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = _free_port()
        self._listener: socket.socket | None = None
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            links, self._links = self._links, []
        if listener is not None:
            _shut(listener)  # shutdown first: it wakes the thread blocked in accept()
        for link in links:
            _shut(link)

    @contextmanager
    def closed(self) -> Iterator[None]:
        self.close()
        try:
            yield
        finally:
            self.open()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self.target)
            with self._lock:
                self._links += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _shut(sink)


def _shut(link: socket.socket) -> None:
    try:
        link.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    link.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def door(database_url) -> Iterator[PostgresDoor]:
    url = make_url(database_url)
    relay = PostgresDoor(url.host or "127.0.0.1", url.port or 5432)
    relay.open()
    yield relay
    relay.close()


@pytest.fixture
def settings_overrides(settings_overrides, request) -> dict:
    if "door" not in request.fixturenames:
        return settings_overrides
    relay = request.getfixturevalue("door")
    url = make_url(settings_overrides["database_url"]).set(host="127.0.0.1", port=relay.port)
    return settings_overrides | {"database_url": url.render_as_string(hide_password=False)}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_delivery_while_postgresql_refuses_connections_is_503_and_its_retry_is_stored(
    door, runtime, shop, store, amends
):
    # Amends has served before: the connections it pooled are cut by the outage.
    assert direct_answer(amends).status_code == 200
    worker.run_once(runtime)

    outage_then_recovery(store, runtime, amends, door.closed())


def test_the_door_refuses_connections_while_closed():
    url = make_url(POSTGRES_URL)
    door = PostgresDoor(url.host or "127.0.0.1", url.port or 5432)
    with door.closed(), pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", door.port), timeout=5)
