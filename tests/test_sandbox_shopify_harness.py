"""Running a sandbox Shopify store and a webhook receiver on loopback, for the sandbox tests.

Not tests themselves: context managers and small clients the test modules build their
fixtures from. GraphQL goes through the real ShopifyAPI client, pointed at the sandbox.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
import shopify
from graphql import OperationDefinitionNode, parse, print_ast
from requests.structures import CaseInsensitiveDict
from werkzeug.serving import make_server

from sandboxes.shopify import close_app, create_app
from sandboxes.shopify.state import EXTENSION

FIXTURES = Path(__file__).parent / "fixtures" / "shopify" / "sandbox"
REFERENCE = Path(__file__).parent.parent / "connectors" / "shopify" / "operations.graphql"
SHOP = "amends-demo.myshopify.com"
SECRET = "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"
CLIENT_ID = "sandbox-client-id"
TOKEN = "shpat_sandbox_test_token"
START = "2026-11-23T09:00:00Z"

# Small timeouts and a frozen clock: only /_sandbox/clock/advance moves time.
DEFAULTS = {
    "shop_domain": SHOP,
    "api_secret": SECRET,
    "api_key": CLIENT_ID,
    "access_token": TOKEN,
    "time_scale": 0.0,
    "clock_start": START,
    "connect_timeout": 0.5,
    "total_timeout": 1.0,
}


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve a WSGI app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Sandbox:
    """A running sandbox store and the ways a test talks to it."""

    base: str
    app: Any

    @property
    def clock(self) -> Any:
        """Return the store's clock, for a test that runs Amends on the same time."""
        return self.app.extensions[EXTENSION].clock

    def control(self, method: str, path: str, body: Any = None) -> requests.Response:
        """Call the /_sandbox control API."""
        return requests.request(method, f"{self.base}/_sandbox{path}", json=body, timeout=30)

    def post(self, path: str, body: Any = None) -> Any:
        """POST to the control API; return the JSON of a 2xx answer."""
        response = self.control("POST", path, body)
        assert response.status_code < 300, response.text
        return response.json()

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        version: str = "2026-10",
        token: str = TOKEN,
    ) -> dict[str, Any]:
        """Run a GraphQL request through ShopifyAPI's client; return the parsed answer."""
        session = shopify.Session(SHOP, version, token)
        shopify.ShopifyResource.activate_session(session)
        try:
            client = shopify.GraphQL()
            client.endpoint = f"{self.base}/admin/api/{version}/graphql.json"
            return json.loads(client.execute(query, variables, operation_name))
        finally:
            shopify.ShopifyResource.clear_session()

    def flush(self) -> list[dict[str, Any]]:
        """Wait for due deliveries; return the ones still queued for later."""
        return self.post("/webhooks/flush")["pending"]

    def advance(self, seconds: float) -> None:
        """Move the sandbox clock."""
        self.post("/clock/advance", {"seconds": seconds})

    def drain(self, rounds: int = 50) -> None:
        """Deliver everything queued, moving the clock to each retry as it comes due."""
        pending = self.flush()
        for _ in range(rounds):
            if not pending:
                return
            self.advance(pending[0]["next_attempt_in"])
            pending = self.flush()
        raise AssertionError(f"deliveries still queued after {rounds} rounds: {pending}")

    def deliveries(self, topic: str | None = None) -> list[dict[str, Any]]:
        """Return the delivery attempts made so far."""
        suffix = f"?topic={topic}" if topic else ""
        return self.control("GET", f"/deliveries{suffix}").json()["deliveries"]

    def place_order(self, **changes: Any) -> dict[str, Any]:
        """Place the fixture order (5001), with top-level fields changed as given."""
        order = json.loads((FIXTURES / "order_5001.json").read_text()) | changes
        return self.post("/orders", order)["order"]


@contextmanager
def running_sandbox(**settings: Any) -> Iterator[Sandbox]:
    """Start a sandbox store on loopback; stop it and its delivery thread afterwards."""
    app = create_app(DEFAULTS | settings)
    try:
        with serving(app) as base:
            yield Sandbox(base, app)
    finally:
        close_app(app)


@dataclass
class Received:
    """One request the receiver got (header names compared case-insensitively)."""

    path: str
    headers: CaseInsensitiveDict
    body: bytes


@dataclass
class Receiver:
    """A webhook endpoint that records every request and answers as told."""

    statuses: list[int] = field(default_factory=list)
    status: int = 200
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    base: str = ""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        """Record the request; answer with the next queued status, else `status`."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        headers = CaseInsensitiveDict(
            {
                key[5:].replace("_", "-"): value
                for key, value in environ.items()
                if key.startswith("HTTP_")
            }
        )
        headers["Content-Type"] = environ.get("CONTENT_TYPE", "")
        self.received.append(Received(environ["PATH_INFO"], headers, body))
        if self.delay:
            threading.Event().wait(self.delay)
        status = self.statuses.pop(0) if self.statuses else self.status
        extra = [("Location", f"{self.base}/moved")] if 300 <= status < 400 else []
        start_response(f"{status} Answer", [("Content-Type", "text/plain"), *extra])
        return [b"ok"]

    def topics(self) -> list[str]:
        """Return the X-Shopify-Topic of every request, in order."""
        return [r.headers.get("X-Shopify-Topic", "") for r in self.received]

    def of(self, topic: str) -> list[Received]:
        """Return the requests of one topic."""
        return [r for r in self.received if r.headers.get("X-Shopify-Topic") == topic]


@contextmanager
def running_receiver(**options: Any) -> Iterator[Receiver]:
    """Start a webhook receiver on loopback."""
    receiver = Receiver(**options)
    with serving(receiver) as base:
        receiver.base = base
        yield receiver


def run(sandbox: Sandbox, name: str, version: str = "2026-10", **changes: Any) -> dict[str, Any]:
    """Run a reference operation with its example variables, some replaced by `changes`."""
    document, variables = OPERATIONS[name]
    return sandbox.graphql(document, variables | changes, name, version=version)


def money(bag: dict[str, Any]) -> str:
    """Return the shop-money amount of a GraphQL MoneyBag."""
    return bag["shopMoney"]["amount"]


def stock(sandbox: Sandbox) -> Sandbox:
    """Stock a store: order 5001 placed (paid), shipped, delayed, and return 3001 requested."""
    sandbox.place_order()
    sandbox.post(
        "/orders/5001/fulfill",
        {
            "tracking_number": "1Z999",
            "tracking_company": "UPS",
            "tracking_url": "https://ups.example/1Z999",
        },
    )
    sandbox.post(
        "/orders/5001/fulfillment_events",
        {
            "status": "delayed",
            "message": "Weather",
            "estimated_delivery_at": "2026-11-30T12:00:00Z",
        },
    )
    sandbox.post(
        "/orders/5001/returns",
        {
            "id": 3001,
            "lines": [
                {
                    "line_item_id": 14620193734713,
                    "quantity": 1,
                    "return_reason": "defective",
                    "return_reason_note": "El asa llegó rota",
                    "customer_note": "La taza tiene una grieta.",
                    "return_reason_definition": {
                        "handle": "arrived-damaged",
                        "name": "Arrived damaged",
                    },
                }
            ],
        },
    )
    return sandbox


def reference_operations() -> list[tuple[str, str, dict[str, Any]]]:
    """Return (name, document, example variables) of every reference operation."""
    text = REFERENCE.read_text()
    variables: dict[str, dict[str, Any]] = {}
    for block, name in re.findall(r"# variables:\n((?:#.*\n)+?)(?:query|mutation) (\w+)", text):
        variables[name] = json.loads(" ".join(line[1:] for line in block.splitlines()))
    return [
        (node.name.value, print_ast(node), variables.get(node.name.value, {}))
        for node in parse(text).definitions
        if isinstance(node, OperationDefinitionNode)
    ]


OPERATIONS = {name: (document, variables) for name, document, variables in reference_operations()}
