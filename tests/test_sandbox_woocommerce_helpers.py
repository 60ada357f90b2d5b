"""Shared pieces for the sandbox WooCommerce tests: live servers, a webhook receiver,
the observed answers, and a normalizer that lets them be compared with the sandbox's.

Holds no tests; the test modules build their fixtures from these.
"""

from __future__ import annotations

import http
import json
import re
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response
from woocommerce import API

from sandboxes.woocommerce import SandboxStore, create_app
from tests.conftest import FIXTURES

OBSERVED = FIXTURES / "woocommerce" / "rest"
CONSUMER_KEY = "ck_sandbox"
CONSUMER_SECRET = "cs_sandbox"
WEBHOOK_SECRET = "hk7Qv2Lr9XwT4mZp8sNc3YbF6dJu1GeA"
OBSERVED_SITES = ("https://127.0.0.1:8080", "http://127.0.0.1:8080")


def observed(name: str) -> dict[str, Any]:
    """Return a recorded exchange with the real store: request, status, headers, body_text."""
    return json.loads((OBSERVED / f"{name}.json").read_text())


def observed_body(name: str) -> Any:
    """Return the parsed body the real store answered."""
    return json.loads(observed(name)["body_text"])


def observed_at(name: str) -> datetime:
    """Return the moment the real store answered (its Date header)."""
    moment = datetime.strptime(observed(name)["headers"]["Date"], "%a, %d %b %Y %H:%M:%S %Z")
    return moment.replace(tzinfo=UTC)


class ServerThread:
    """A WSGI app served on a loopback port from a background thread."""

    def __init__(self, app: Any) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@dataclass
class Received:
    """One request the receiver got."""

    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


@dataclass
class Receiver:
    """A webhook (or wc-auth callback) receiver that records requests and answers as told."""

    default_status: int = 200
    statuses: deque[int] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    gate: threading.Event | None = None
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        entry = Received(request.method, request.path, list(request.headers), request.get_data())
        with self._lock:
            self.received.append(entry)
            status = self.statuses.popleft() if self.statuses else self.default_status
        if self.gate is not None:
            self.gate.wait(10)
        phrase = http.HTTPStatus(status).phrase
        return Response(b"", status=f"{status} {phrase}")(environ, start_response)

    def at(self, path: str) -> str:
        return f"{self.url}{path}"

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def pings(self) -> list[Received]:
        return [r for r in self.received if r.body.startswith(b"webhook_id=")]

    def deliveries(self, topic: str | None = None) -> list[Received]:
        return [
            r
            for r in self.received
            if r.header("X-WC-Webhook-Topic") and topic in (None, r.header("X-WC-Webhook-Topic"))
        ]


@dataclass
class Sandbox:
    """A running sandbox store, its URL, and the real `woocommerce` client pointed at it."""

    url: str
    store: SandboxStore
    api: API

    def flush(self) -> None:
        assert self.store.deliverer.flush(timeout=20)

    def freeze(self, moment: datetime | str) -> None:
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        self.store.clock.freeze(moment)


def client_for(url: str, key: str = CONSUMER_KEY, secret: str = CONSUMER_SECRET) -> API:
    """Return the real `woocommerce` client, as Amends' connector builds it."""
    return API(url, key, secret, version="wc/v3", timeout=15)


@contextmanager
def running_sandbox(**options: Any) -> Iterator[Sandbox]:
    """Serve a fresh sandbox store on loopback for the duration of the block."""
    options.setdefault("delivery_timeout", 2.0)
    options.setdefault("ping_timeout", 2.0)
    store = SandboxStore(**options)
    server = ServerThread(create_app(store))
    store.adopt_url(server.url)
    try:
        yield Sandbox(server.url, store, client_for(server.url))
    finally:
        server.close()
        store.close()


@contextmanager
def running_receiver(**options: Any) -> Iterator[Receiver]:
    """Serve a recording receiver on loopback for the duration of the block."""
    receiver = Receiver(**options)
    server = ServerThread(receiver)
    receiver.url = server.url
    try:
        yield receiver
    finally:
        if receiver.gate is not None:
            receiver.gate.set()
        server.close()


_ORDER_KEY = re.compile(r"wc_order_[A-Za-z0-9]{13}")


def normalized(value: Any, site: str) -> Any:
    """Blank what differs between two runs of one scenario: the site URL and order keys."""
    if isinstance(value, dict):
        return {key: normalized(item, site) for key, item in value.items()}
    if isinstance(value, list):
        return [normalized(item, site) for item in value]
    if isinstance(value, str):
        for prefix in (site, *OBSERVED_SITES):
            value = value.replace(prefix, "SITE")
        return _ORDER_KEY.sub("wc_order_KEY", value)
    return value


def ordered(value: object) -> str:
    """Dump with key order kept, so comparisons see the order of fields too."""
    return json.dumps(value, ensure_ascii=False)


def normalized_text(text: str, site: str) -> str:
    """Blank the (JSON-escaped) site URL and order keys in a raw body."""
    for prefix in (site, *OBSERVED_SITES):
        text = text.replace(prefix.replace("/", "\\/"), "SITE")
    return _ORDER_KEY.sub("wc_order_KEY", text)


def without_ids(value: Any) -> Any:
    """Blank ids and id-bearing URLs, to compare shapes of objects numbered differently."""
    if isinstance(value, dict):
        blanked = {}
        refers_to_item = value.get("key") == "_refunded_item_id"
        for key, item in value.items():
            if refers_to_item and key in ("value", "display_value"):
                blanked[key] = "ID"
                continue
            if key in ("id", "number") or key.endswith("_id") and isinstance(item, int | str):
                blanked[key] = "ID"
            elif key in ("href", "payment_url"):
                blanked[key] = "URL"
            else:
                blanked[key] = without_ids(item)
        return blanked
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value
