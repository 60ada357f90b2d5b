"""What the WooCommerce connector logs: paths, never the signed query (consumer key,
nonce, signature) the `woocommerce` client puts in every URL over plain http."""

from __future__ import annotations

import logging
import traceback

import pytest

from connectors.woocommerce.client import WooClient
from plugin import sync
from plugin.errors import PlatformUnavailable
from plugin.logs import KeyValueFormatter
from tests.test_sandbox_woocommerce_helpers import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    observed,
    running_sandbox,
)

UNREACHABLE_KEY = "ck_0f3a9c41d2e8b7a6"
SIGNED_QUERY = ("oauth_consumer_key", "oauth_nonce", "oauth_signature")


def logged_lines(records: list[logging.LogRecord]) -> str:
    """Format records as the deployment does (extras and tracebacks included).

    The sandbox store and its werkzeug access log run in this process too; what
    a store logs of the requests it receives is the store's, not Amends'.
    """
    formatter = KeyValueFormatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) for r in records if r.name != "werkzeug")


def test_a_sync_logs_request_paths_and_never_a_credential(runtime, make_shop, caplog, clock):
    caplog.set_level(logging.DEBUG)
    with running_sandbox() as store:
        store.api.post("orders", observed("POST-orders-create")["request"]["json"])
        make_shop(
            "woocommerce",
            domain=store.url + "/",
            consumer_key=CONSUMER_KEY,
            consumer_secret=CONSUMER_SECRET,
        )
        make_shop(
            "woocommerce",
            domain="http://127.0.0.1:9/",
            consumer_key=UNREACHABLE_KEY,
            consumer_secret="cs_unreachable",
        )

        sync.keep_webhooks_alive(runtime, clock.now())
        sync.reconcile_orders(runtime, clock.now())

    logged = logged_lines(caplog.records)
    assert '"GET /wp-json/wc/v3/webhooks HTTP/1.1" 200' in logged
    assert '"GET /wp-json/wc/v3/orders HTTP/1.1" 200' in logged
    assert "with url: /wp-json/wc/v3/webhooks (Caused by" in logged
    assert logged.count("sync.woocommerce.unreachable") == 2
    for secret in (CONSUMER_KEY, UNREACHABLE_KEY, *SIGNED_QUERY):
        assert secret not in logged


def test_a_connection_error_and_its_cause_name_the_path_only():
    client = WooClient("http://127.0.0.1:9/", UNREACHABLE_KEY, "cs_x", attempts=1)

    with pytest.raises(PlatformUnavailable) as raised:
        client.get("orders", {"status": "trash"})
    client.close()

    printed = "".join(traceback.format_exception(raised.value))
    assert "with url: /wp-json/wc/v3/orders (Caused by" in printed
    assert "requests.exceptions.ConnectionError" in printed
    for secret in (UNREACHABLE_KEY, "status=trash", *SIGNED_QUERY):
        assert secret not in printed
