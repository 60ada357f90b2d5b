"""Amends' public URL must be one a WooCommerce store can answer: wc-auth posts the keys
only to an https callback, and WordPress delivers webhooks only to ports 80, 443 and 8080.
Connecting is refused otherwise; `shops add woocommerce` warns."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.conftest import WOO_SECRET
from tests.test_sandbox_woocommerce_helpers import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    running_sandbox,
)

STORE = "https://tienda.example/"


def use_public_url(runtime, url: str) -> None:
    runtime.settings = dataclasses.replace(runtime.settings, public_url=url)


@pytest.mark.parametrize(
    ("public_url", "message"),
    [
        (
            "http://127.0.0.1:8000",
            "WooCommerce sends the new keys only to an https callback, and "
            "http://127.0.0.1:8000/admin/connect/woocommerce/callback is not https; "
            "set AMENDS_PUBLIC_URL to the https address stores reach Amends at",
        ),
        (
            "http://amends.example",
            "WooCommerce sends the new keys only to an https callback, and "
            "http://amends.example/admin/connect/woocommerce/callback is not https; "
            "set AMENDS_PUBLIC_URL to the https address stores reach Amends at",
        ),
        (
            "https://amends.example:8443/",
            "WooCommerce delivers webhooks only to ports 80, 443 and 8080, not to port 8443 of "
            "https://amends.example:8443/admin/connect/woocommerce/callback (unless the "
            "store's http_allowed_safe_ports filter adds it); serve Amends on one of them, or "
            "behind a proxy that is, and set AMENDS_PUBLIC_URL to that address",
        ),
    ],
)
def test_connecting_is_refused_when_the_store_could_not_answer_the_public_url(
    runtime, client, cli, caplog, public_url, message
):
    use_public_url(runtime, public_url)

    response = client.get("/admin/connect/woocommerce", query_string={"store_url": STORE})

    assert (response.status_code, response.get_json()["message"]) == (400, message)
    assert "Location" not in response.headers
    assert "admin.connect.woocommerce-refused" in caplog.text
    assert json.loads(cli("shops", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    "public_url", ["https://amends.example", "https://amends.example:443", "https://a.example:8080"]
)
def test_connecting_starts_when_the_public_url_is_https_on_a_safe_port(runtime, client, public_url):
    use_public_url(runtime, public_url)

    response = client.get("/admin/connect/woocommerce", query_string={"store_url": STORE})

    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{STORE}wc-auth/v1/authorize?")


def add_store(cli, url: str):  # noqa: ANN201
    return cli(
        "shops",
        "add",
        "woocommerce",
        "--url",
        url,
        "--consumer-key",
        CONSUMER_KEY,
        "--consumer-secret",
        CONSUMER_SECRET,
        "--webhook-secret",
        WOO_SECRET,
    )


def test_adding_a_store_warns_that_it_cannot_deliver_to_the_public_port(cli):
    with running_sandbox() as store:
        result = add_store(cli, store.url + "/")
        hooks = store.api.get("webhooks").json()
        store.flush()

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "warning: WooCommerce delivers webhooks only to ports 80, 443 and 8080, not to port 8000 "
        "of http://127.0.0.1:8000/webhooks/woocommerce/1 (unless the store's "
        "http_allowed_safe_ports filter adds it); serve Amends on one of them, or behind a "
        "proxy that is, and set AMENDS_PUBLIC_URL to that address"
    ]
    assert result.stdout.splitlines()[1:] == [
        "webhooks created but undeliverable (5 created or re-enabled)",
        "1",
    ]
    assert len(hooks) == 5


def test_adding_a_store_reports_active_webhooks_when_the_public_port_is_safe(cli_with):
    with running_sandbox() as store:
        store.store.proxy_tls("https://amends.test", "http://127.0.0.1:9")  # Amends is down
        result = add_store(cli_with(public_url="https://amends.test"), store.url + "/")

    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[1:] == ["webhooks active (5 created or re-enabled)", "1"]
