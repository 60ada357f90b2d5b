"""What the demo's shops live in: two sandbox stores, a mailbox, and one shared time.

The stores run in this process, on loopback, as the tests run them: the sandbox
Shopify with its clock standing still until the scenario moves it, the sandbox
WooCommerce following the same time. Amends is told the time by the same clock
while the scenario plays, so two weeks pass in a minute; afterwards the clocks
run in real time again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from werkzeug.serving import BaseWSGIServer, make_server

from sandboxes.mail import LoopbackController, Mailbox, create_viewer, running
from sandboxes.shopify import close_app, create_app
from sandboxes.shopify.consts import API_VERSION
from sandboxes.shopify.state import EXTENSION
from sandboxes.woocommerce.app import create_app as create_woocommerce_app
from sandboxes.woocommerce.store import SandboxStore

SHOPIFY_DOMAIN = "casa-olivar.myshopify.com"
SHOPIFY_STORE = "casa-olivar"  # its handle in the admin's URLs
SHOPIFY_SECRET = "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"
SHOPIFY_API_KEY = "8d1f2a7c3e9b4d6f0a5c8e2b7d1f3a9c"
SHOPIFY_TOKEN = "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"
WOO_KEY = "ck_2f8b4d1a7c3e9f5b0d6a2c8e4f1b7d3a9c5e0f6b"
WOO_SECRET = "cs_7a3e9c5f1b8d2a6e0c4f8b3d7a1e5c9f2b6d0a4e"


class Serving:
    """A WSGI app served on loopback from a thread, until `close`."""

    def __init__(self, app: Any, port: int = 0) -> None:
        self.server: BaseWSGIServer = make_server("127.0.0.1", port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,))
        self.thread.daemon = True
        self.thread.start()

    @property
    def url(self) -> str:
        """Return the base URL, without a trailing slash."""
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@dataclass
class World:
    """The running stores and mailbox, and the ways the scenario acts on them."""

    shopify: Any  # the sandbox Shopify's Flask app
    shopify_url: str
    woocommerce: SandboxStore
    woocommerce_url: str
    mailbox: Mailbox
    smtp: LoopbackController
    mailbox_url: str

    @property
    def clock(self) -> Any:
        """Return the shared time: the sandbox Shopify's clock, which the scenario moves."""
        return self.shopify.extensions[EXTENSION].clock

    def now(self) -> datetime:
        """Return the shared time."""
        return self.clock.now()

    def advance_to(self, moment: datetime) -> None:
        """Move both stores to `moment` (never back)."""
        seconds = (moment - self.now()).total_seconds()
        if seconds > 0:
            self.clock.advance(seconds)
        self.woocommerce.clock.freeze(self.now())

    def run_in_real_time(self, present: datetime) -> None:
        """Bring both stores to `present` (the real time) and let their clocks tick again.

        Served, Amends lives on the real clock: the stores must agree with it (a
        session token the admin signs is checked against Amends' own time).
        """
        self.advance_to(present)
        self.clock.resume()
        self.woocommerce.clock.set(self.now())

    def shopify_control(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST to the sandbox Shopify's scripting API; return its JSON answer."""
        response = requests.post(f"{self.shopify_url}/_sandbox{path}", json=body or {}, timeout=30)
        if response.status_code >= 300:
            raise RuntimeError(f"sandbox Shopify {path}: {response.status_code} {response.text}")
        return response.json()

    def shopify_discount(self, code: str) -> dict[str, Any] | None:
        """Return the store's discount with this code, through its Admin GraphQL API, or None."""
        query = (
            "query($code: String!) { codeDiscountNodeByCode(code: $code) { id codeDiscount { "
            "__typename ... on DiscountCodeFreeShipping { title usageLimit } "
            "... on DiscountCodeBasic { title usageLimit } } } }"
        )
        response = requests.post(
            f"{self.shopify_url}/admin/api/{API_VERSION}/graphql.json",
            json={"query": query, "variables": {"code": code}},
            headers={"X-Shopify-Access-Token": SHOPIFY_TOKEN},
            timeout=30,
        )
        response.raise_for_status()
        found: dict[str, Any] | None = response.json()["data"]["codeDiscountNodeByCode"]
        return found

    def deliver(self) -> None:
        """Wait until both stores delivered every webhook that is due."""
        self.shopify_control("/webhooks/flush")
        self.woocommerce.deliverer.flush(timeout=30)


@contextmanager
def running_world(start: datetime, amends_url: str) -> Iterator[World]:
    """Start the stores (delivering to Amends at `amends_url`) and the mailbox."""
    shopify = create_app(
        {
            "shop_domain": SHOPIFY_DOMAIN,
            "shop_name": "Casa Olivar",
            "api_secret": SHOPIFY_SECRET,
            "api_key": SHOPIFY_API_KEY,
            "access_token": SHOPIFY_TOKEN,
            "webhook_uri": f"{amends_url}/webhooks/shopify",
            "app_url": f"{amends_url}/admin",  # framed by its admin page, with a session token
            "time_scale": 0.0,
            "clock_start": start.isoformat(),
        }
    )
    woocommerce = SandboxStore(consumer_key=WOO_KEY, consumer_secret=WOO_SECRET)
    woocommerce.allow_port(int(amends_url.rsplit(":", 1)[1]))  # a test store on loopback
    woocommerce.clock.freeze(start)
    mailbox = Mailbox()
    servers: list[Serving] = []
    try:
        with running(mailbox) as smtp:
            servers = [
                Serving(shopify),
                Serving(create_woocommerce_app(woocommerce)),
                Serving(create_viewer(mailbox)),
            ]
            woocommerce.adopt_url(servers[1].url)
            yield World(
                shopify, servers[0].url, woocommerce, servers[1].url, mailbox, smtp, servers[2].url
            )
    finally:
        for server in servers:
            server.close()
        close_app(shopify)
        woocommerce.close()
