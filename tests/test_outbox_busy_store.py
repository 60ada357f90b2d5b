"""A store that asks Amends to wait is asked once per attempt; the worker never waits on it.

A platform answering 429 with Retry-After (or 5xx, or THROTTLED) fails the outbox
row's attempt. The row goes back in the queue, due when the store said to come back,
and the worker moves on to the next row at once: a slow or busy store never stalls
the customers' messages or the other shops' actions behind it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from plugin import worker
from plugin.compensation.actions import ADD_NOTE
from plugin.outbox import COMPENSATION, QUEUED
from plugin.outbox.store import enqueue
from plugin.storage.models import OutboxEntry

RETRY_AFTER = 120


@contextmanager
def busy_store() -> Iterator[tuple[str, list[str]]]:
    """Serve a store that answers every request with 429 and Retry-After; note each request."""
    asked: list[str] = []

    class Busy(BaseHTTPRequestHandler):
        def _busy(self) -> None:
            asked.append(f"{self.command} {self.path}")
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(429)
            self.send_header("Retry-After", str(RETRY_AFTER))
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errors": "Too many requests"}')

        do_GET = do_POST = do_PUT = _busy  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("platform", ["shopify", "woocommerce"])
def test_a_busy_store_is_asked_once_and_the_action_waits_in_the_queue_for_its_retry_after(
    runtime, make_shop, clock, platform
):
    with busy_store() as (url, asked):
        if platform == "shopify":
            shop_id = make_shop("shopify", api_url=url)
            order_id = "gid://shopify/Order/5830000001"
        else:
            shop_id = make_shop("woocommerce", domain=f"{url}/")
            order_id = "1042"
        with runtime.database.transaction() as session:
            enqueue(
                session,
                shop_id=shop_id,
                incident_id=None,
                key="note-1042",
                kind=COMPENSATION,
                payload={"action": ADD_NOTE, "order_id": order_id, "text": "Sorry!"},
            )

        handled = worker.outbox_runner(runtime).run_due()

    assert handled == 1
    assert len(asked) == 1, asked
    with runtime.database.reading() as session:
        row = session.query(OutboxEntry).one()
        assert (row.status, row.attempts) == (QUEUED, 1)
        assert row.next_attempt_at == clock.now() + timedelta(seconds=RETRY_AFTER)
        assert "429" in row.last_error or "Too many" in row.last_error
