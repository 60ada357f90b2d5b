"""Connecting to the sandbox WooCommerce: the /wc-auth/v1 key-granting flow end to end,
and `amends sandbox woocommerce` serving a store with the given keys."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import click
import pytest
import requests
from click.testing import CliRunner
from woocommerce.oauth import OAuth

from plugin.commands import sandbox as sandbox_command
from sandboxes.woocommerce.context import EXTENSION
from tests.test_sandbox_woocommerce_helpers import (
    Receiver,
    Sandbox,
    client_for,
    running_receiver,
    running_sandbox,
)

RETURN_URL = "https://amends.example/admin/woocommerce/connected?shop=7"
# The callback must be https: the test's receiver is reached at this origin through the
# store's proxy_tls harness setting (DNS and a TLS-terminating proxy, in a real setup).
CALLBACK_ORIGIN = "https://amends.test"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


@pytest.fixture
def receiver(sandbox) -> Iterator[Receiver]:
    with running_receiver() as running:
        sandbox.store.proxy_tls(CALLBACK_ORIGIN, running.url)
        yield running


def authorize_url(sandbox: Sandbox, receiver: Receiver, **changes: str) -> str:
    params = {
        "app_name": "Amends",
        "scope": "read_write",
        "user_id": "state-0f3a9c",
        "return_url": RETURN_URL,
        "callback_url": f"{CALLBACK_ORIGIN}/woocommerce/keys",
        **changes,
    }
    return f"{sandbox.url}/wc-auth/v1/authorize?{urlencode(params)}"


def test_approving_posts_working_keys_to_the_callback_and_returns_the_merchant(sandbox, receiver):
    response = requests.get(
        authorize_url(sandbox, receiver) + "&_sandbox_approve=1", allow_redirects=False, timeout=10
    )

    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location._replace(query="").geturl() == RETURN_URL.split("?")[0]
    assert parse_qs(location.query) == {
        "shop": ["7"],
        "success": ["1"],
        "user_id": ["state-0f3a9c"],
    }
    (callback,) = receiver.received
    assert callback.method == "POST"
    assert callback.path == "/woocommerce/keys"
    assert callback.header("Content-Type") == "application/json;charset=UTF-8"
    keys = json.loads(callback.body)
    assert list(keys) == ["key_id", "user_id", "consumer_key", "consumer_secret", "key_permissions"]
    assert keys["key_id"] == 2
    assert keys["user_id"] == "state-0f3a9c"
    assert re.fullmatch(r"ck_[0-9a-f]{40}", keys["consumer_key"])
    assert re.fullmatch(r"cs_[0-9a-f]{40}", keys["consumer_secret"])
    assert keys["key_permissions"] == "read_write"
    issued = client_for(sandbox.url, keys["consumer_key"], keys["consumer_secret"])
    assert issued.get("orders").status_code == 200
    assert issued.post("orders", {"line_items": [{"product_id": 10}]}).status_code == 201


def test_the_grant_page_links_to_approve_and_deny(sandbox, receiver):
    page = requests.get(authorize_url(sandbox, receiver), timeout=10)
    approve, deny = (
        unescape(re.search(rf'class="wc-auth-{which}" href="([^"]+)"', page.text).group(1))
        for which in ("approve", "deny")
    )

    approved = requests.get(sandbox.url + approve, allow_redirects=False, timeout=10)

    assert page.status_code == 200
    assert "Amends" in page.text
    assert "Read/Write" in page.text
    assert parse_qs(urlsplit(deny).query)["success"] == ["0"]
    assert approved.status_code == 302
    assert "success=1" in approved.headers["Location"]
    assert len(receiver.received) == 1


def test_a_callback_that_does_not_answer_200_gets_no_key(sandbox, receiver):
    receiver.default_status = 500

    response = requests.post(authorize_url(sandbox, receiver), allow_redirects=False, timeout=10)

    assert response.status_code == 401
    assert "unable to send the consumer data" in response.text
    keys = json.loads(receiver.received[0].body)
    refused = client_for(sandbox.url, keys["consumer_key"], keys["consumer_secret"]).get("orders")
    assert (refused.status_code, refused.json()["message"]) == (401, "Consumer key is invalid.")
    assert len(sandbox.store.api_keys) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scope": ""}, "Error: Missing parameter scope."),
        ({"scope": "admin"}, "Error: Invalid scope admin."),
        (
            {"callback_url": "http://amends.example/keys"},
            "Error: The callback_url needs to be over SSL.",
        ),
        (
            {"callback_url": "http://127.0.0.1:8000/admin/connect/woocommerce/callback"},
            "Error: The callback_url needs to be over SSL.",
        ),
        ({"callback_url": "127.0.0.1:8443/keys"}, "Error: A valid URL was not provided.."),
    ],
)
def test_invalid_requests_are_denied_without_calling_back(sandbox, receiver, changes, message):
    response = requests.get(
        authorize_url(sandbox, receiver, **changes) + "&_sandbox_approve=1", timeout=10
    )

    assert response.status_code == 401
    assert message in response.text
    assert receiver.received == []
    assert len(sandbox.store.api_keys) == 1


def test_a_read_key_from_wc_auth_cannot_write(sandbox, receiver):
    requests.get(
        authorize_url(sandbox, receiver, scope="read") + "&_sandbox_approve=1",
        allow_redirects=False,
        timeout=10,
    )
    keys = json.loads(receiver.received[0].body)
    reader = client_for(sandbox.url, keys["consumer_key"], keys["consumer_secret"])

    assert reader.get("orders").status_code == 200
    assert reader.post("orders", {"line_items": [{"product_id": 10}]}).status_code == 401


# --- the command ------------------------------------------------------------------------


def test_the_command_serves_a_store_that_accepts_the_given_keys(monkeypatch):
    served = {}

    def fake_run_simple(host, port, app, **options):  # noqa: ANN001, ANN202
        served.update(host=host, port=port, app=app, options=options)
        url = OAuth(
            url=f"http://{host}:{port}/wp-json/wc/v3/orders",
            consumer_key="ck_demo",
            consumer_secret="cs_demo",
            version="wc/v3",
            method="GET",
            oauth_timestamp=int(time.time()),
        ).get_oauth_url()
        served["answer"] = app.test_client().get(
            url.split(f":{port}", 1)[1], base_url=f"http://{host}:{port}"
        )

    monkeypatch.setattr(sandbox_command, "run_simple", fake_run_simple)
    group = click.Group("amends")
    sandbox_command.register(group)

    result = CliRunner().invoke(
        group,
        [
            "sandbox",
            "woocommerce",
            "--port",
            "9191",
            "--consumer-key",
            "ck_demo",
            "--consumer-secret",
            "cs_demo",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:9191/" in result.output
    assert "ck_demo" in result.output
    assert "cs_demo" in result.output
    assert (served["host"], served["port"], served["options"]["threaded"]) == (
        "127.0.0.1",
        9191,
        True,
    )
    assert served["answer"].status_code == 200
    assert served["answer"].get_json() == []


def test_the_command_defaults_to_port_8081_and_the_sandbox_keys(monkeypatch):
    served = {}
    monkeypatch.setattr(
        sandbox_command, "run_simple", lambda host, port, app, **options: served.update(port=port)
    )
    group = click.Group("amends")
    sandbox_command.register(group)

    result = CliRunner().invoke(group, ["sandbox", "woocommerce"])

    assert result.exit_code == 0
    assert served["port"] == 8081
    assert "ck_sandbox" in result.output
    assert "cs_sandbox" in result.output
    assert "delivers webhooks to ports: 80, 443, 8080" in result.output


def test_the_command_delivers_to_the_safe_ports_it_is_given(monkeypatch):
    served = {}
    monkeypatch.setattr(
        sandbox_command,
        "run_simple",
        lambda host, port, app, **options: served.update(store=app.extensions[EXTENSION]),
    )
    group = click.Group("amends")
    sandbox_command.register(group)

    result = CliRunner().invoke(
        group, ["sandbox", "woocommerce", "--safe-port", "8000", "--safe-port", "9000"]
    )

    assert result.exit_code == 0, result.output
    assert "delivers webhooks to ports: 80, 443, 8000, 8080, 9000" in result.output
    assert served["store"].safe_ports == {80, 443, 8000, 8080, 9000}
