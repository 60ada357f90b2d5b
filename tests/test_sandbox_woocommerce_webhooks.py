"""Webhooks of the sandbox WooCommerce: registration, pings and deliveries as the
observed store sent them (headers, PHP-escaped signed bodies, no retries, auto-disable)."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from connectors.signing import signature_valid
from sandboxes.woocommerce.safe_http import DEFAULT_SAFE_PORTS, is_valid_url
from tests.conftest import FIXTURES
from tests.test_sandbox_woocommerce_helpers import (
    WEBHOOK_SECRET,
    Receiver,
    Sandbox,
    normalized,
    observed,
    observed_at,
    observed_body,
    running_receiver,
    running_sandbox,
)

OBSERVED_DELIVERIES = FIXTURES / "woocommerce"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


@pytest.fixture
def receiver(sandbox) -> Iterator[Receiver]:
    """Serve a receiver on a loopback port the store's http_allowed_safe_ports lists."""
    with running_receiver() as running:
        sandbox.store.allow_port(running.port)
        yield running


def observed_delivery(number: str) -> tuple[dict, bytes]:
    (meta_path,) = OBSERVED_DELIVERIES.glob(f"{number}-*.meta.json")
    body_path = meta_path.with_name(meta_path.name.replace(".meta.json", ".body.bin"))
    return json.loads(meta_path.read_text()), body_path.read_bytes()


def register(sandbox: Sandbox, receiver: Receiver, topic: str, **more: str) -> dict:
    response = sandbox.api.post(
        "webhooks",
        {
            "name": f"probe {topic}",
            "topic": topic,
            "delivery_url": receiver.at(f"/hooks/{topic}"),
            "secret": WEBHOOK_SECRET,
            **more,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()


def paid_order(sandbox: Sandbox) -> dict:
    response = sandbox.api.post("orders", observed("POST-orders-create")["request"]["json"])
    assert response.status_code == 201
    return response.json()


# --- registration and ping ------------------------------------------------------------


def test_creating_a_webhook_stores_it_active_and_pings_it_unsigned(sandbox, receiver):
    sandbox.freeze(observed_at("POST-webhooks-order.created"))

    created = register(sandbox, receiver, "order.created", status="paused")

    assert list(created) == list(observed_body("POST-webhooks-order.created"))
    assert normalized({**created, "delivery_url": ""}, sandbox.url) == normalized(
        {**observed_body("POST-webhooks-order.created"), "delivery_url": ""}, sandbox.url
    )
    meta, body = observed_delivery("001")
    (ping,) = receiver.received
    assert ping.body == body == b"webhook_id=1"
    assert ping.header("Content-Type") == "application/x-www-form-urlencoded"
    assert ping.header("User-Agent") == "WooCommerce/9.9.5 Hookshot (WordPress/6.9)"
    assert not [name for name, _ in ping.headers if name.lower().startswith("x-wc-")]
    assert sandbox.store.webhooks[1].pending_delivery is False


def test_only_an_exact_200_clears_the_pending_ping(sandbox, receiver):
    receiver.statuses.extend([201, 500])
    webhook = register(sandbox, receiver, "order.updated")

    sandbox.api.put(f"webhooks/{webhook['id']}", {"name": "renamed"})  # still pending: pings (500)
    sandbox.api.put(f"webhooks/{webhook['id']}", {"name": "again"})  # pings again, gets 200
    sandbox.api.put(f"webhooks/{webhook['id']}", {"name": "quiet"})  # nothing pending: no ping

    assert len(receiver.pings()) == 3
    assert sandbox.store.webhooks[webhook["id"]].pending_delivery is False


def test_changing_the_delivery_url_pings_the_new_url(sandbox, receiver):
    webhook = register(sandbox, receiver, "order.updated")

    sandbox.api.put(f"webhooks/{webhook['id']}", {"delivery_url": receiver.at("/moved")})

    assert [r.path for r in receiver.pings()] == ["/hooks/order.updated", "/moved"]


def test_listing_and_reactivating_show_the_observed_fields_and_hooks(sandbox, receiver):
    # All four were created in one second on the real store; newest-first order
    # would otherwise depend on whether this run crosses a second boundary.
    sandbox.freeze(observed_at("GET-webhooks-list"))
    for topic in ("order.created", "order.updated", "order.deleted"):
        register(sandbox, receiver, topic)
    register(sandbox, receiver, "action.woocommerce_order_refunded")

    listed = sandbox.api.get("webhooks")
    reactivated = sandbox.api.put("webhooks/2", {"status": "active"})

    expected = observed_body("GET-webhooks-list")
    assert [list(w) for w in listed.json()] == [list(w) for w in expected]
    assert [(w["id"], w["topic"], w["hooks"]) for w in listed.json()] == [
        (w["id"], w["topic"], w["hooks"]) for w in expected
    ]
    assert list(reactivated.json()) == list(observed_body("PUT-webhooks-reactivate"))
    assert reactivated.json()["date_modified"] is not None


@pytest.mark.parametrize(
    ("body", "observed_name"),
    [
        (
            {"topic": "order.shipped", "delivery_url": "https://hooks.example/x"},
            "ERR-webhook-bad-topic",
        ),
        (
            {
                "topic": "action.woocommerce_login_credentials",
                "delivery_url": "https://h.example/x",
            },
            "ERR-webhook-bad-topic",
        ),
        (
            {"topic": "order.updated", "delivery_url": "ftp://hooks.example/x"},
            "ERR-webhook-bad-url",
        ),
    ],
)
def test_bad_topics_and_urls_are_refused_as_observed(sandbox, body, observed_name):
    response = sandbox.api.post("webhooks", body)

    assert (response.status_code, response.json()) == (400, observed_body(observed_name))
    assert sandbox.store.webhooks == {}


def test_action_hooks_of_woocommerce_and_wc_are_valid_topics(sandbox, receiver):
    status = register(sandbox, receiver, "action.woocommerce_order_status_completed")
    warranty = register(sandbox, receiver, "action.wc_warranty_created")

    assert (status["resource"], status["event"], status["hooks"]) == (
        "action",
        "woocommerce_order_status_completed",
        ["woocommerce_order_status_completed"],
    )
    assert warranty["hooks"] == ["wc_warranty_created"]


def test_webhooks_are_listed_by_status_and_deleted_only_with_force(sandbox, receiver):
    first = register(sandbox, receiver, "order.created")
    second = register(sandbox, receiver, "order.updated")
    sandbox.api.put(f"webhooks/{second['id']}", {"status": "paused"})

    active = sandbox.api.get("webhooks", params={"status": "active"})
    not_forced = sandbox.api.delete(f"webhooks/{first['id']}")
    forced = sandbox.api.delete(f"webhooks/{first['id']}", params={"force": "true"})
    unknown = sandbox.api.get(f"webhooks/{first['id']}")

    assert [w["id"] for w in active.json()] == [first["id"]]
    assert (active.headers["X-WP-Total"], active.headers["X-WP-TotalPages"]) == ("1", "1")
    assert (not_forced.status_code, not_forced.json()) == (
        501,
        observed_body("ERR-webhook-delete-noforce"),
    )
    assert forced.status_code == 200
    assert forced.json()["id"] == first["id"]
    assert unknown.status_code == 400
    assert list(sandbox.store.webhooks) == [second["id"]]


# --- deliveries -----------------------------------------------------------------------


def test_an_order_created_delivery_is_signed_php_escaped_and_sent_as_observed(sandbox, receiver):
    register(sandbox, receiver, "order.created")
    order = paid_order(sandbox)

    sandbox.flush()

    (delivery,) = receiver.deliveries("order.created")
    assert signature_valid(
        delivery.body, delivery.header("X-WC-Webhook-Signature"), [WEBHOOK_SECRET]
    )
    assert b"\\/" in delivery.body
    assert b"\\u20ac" in delivery.body
    assert delivery.body.isascii()
    assert not delivery.body.endswith(b"\n")
    assert json.loads(delivery.body) == sandbox.api.get(f"orders/{order['id']}").json()
    meta, _ = observed_delivery("005")
    expected = {name: value for name, value in meta["headers"]}
    for name in (
        "User-Agent",
        "Accept",
        "Content-Type",
        "X-WC-Webhook-Topic",
        "X-WC-Webhook-Resource",
        "X-WC-Webhook-Event",
        "X-WC-Webhook-ID",
    ):
        assert delivery.header(name) == expected[name]
    assert delivery.header("X-WC-Webhook-Source") == f"{sandbox.url}/"
    assert re.fullmatch(r"[0-9a-f]{32}", delivery.header("X-WC-Webhook-Delivery-ID"))
    (attempt,) = [a for a in sandbox.store.deliverer.attempts() if a["kind"] == "delivery"]
    assert [name for name, _ in attempt["headers"]] == [
        name for name, _ in meta["headers"] if name != "Host"
    ]


def test_order_deleted_sends_only_the_id_and_action_topics_the_argument(sandbox, receiver):
    register(sandbox, receiver, "order.deleted")
    register(sandbox, receiver, "action.woocommerce_order_refunded")
    order = paid_order(sandbox)
    sandbox.api.post(f"orders/{order['id']}/refunds", {"amount": "1.00", "api_refund": False})
    sandbox.api.delete(f"orders/{order['id']}")

    sandbox.flush()

    (refunded,) = receiver.deliveries("action.woocommerce_order_refunded")
    (deleted,) = receiver.deliveries("order.deleted")
    assert refunded.body == observed_delivery("010")[1].replace(b"12", str(order["id"]).encode())
    assert deleted.body == f'{{"id":{order["id"]}}}'.encode()
    assert refunded.header("X-WC-Webhook-Event") == "woocommerce_order_refunded"
    assert refunded.header("X-WC-Webhook-Resource") == "action"


def test_the_payload_is_built_when_the_queued_job_runs(sandbox, receiver):
    register(sandbox, receiver, "order.created")
    register(sandbox, receiver, "order.updated")
    sandbox.store.deliverer.pause()  # the store's cron has not run yet
    order = sandbox.api.post(
        "orders", {"payment_method": "bacs", "line_items": [{"product_id": 10}]}
    ).json()
    sandbox.api.put(f"orders/{order['id']}", {"status": "on-hold"})
    sandbox.api.put(f"orders/{order['id']}", {"status": "processing"})

    sandbox.flush()

    created, updated = receiver.deliveries("order.created"), receiver.deliveries("order.updated")
    assert len(created) == len(updated) == 1
    assert (
        json.loads(created[0].body)["status"]
        == json.loads(updated[0].body)["status"]
        == "processing"
    )


def test_an_order_deleted_before_its_delivery_sends_the_observed_error_body(sandbox, receiver):
    register(sandbox, receiver, "order.created")
    sandbox.store.deliverer.pause()
    order = paid_order(sandbox)
    sandbox.api.delete(f"orders/{order['id']}", params={"force": "true"})

    sandbox.flush()

    (delivery,) = receiver.deliveries("order.created")
    assert delivery.body == observed_delivery("013")[1]
    assert signature_valid(
        delivery.body, delivery.header("X-WC-Webhook-Signature"), [WEBHOOK_SECRET]
    )


def test_checkout_drafts_are_delivered_on_9_9_5(sandbox, receiver):
    register(sandbox, receiver, "order.created")

    sandbox.api.post("orders", observed("POST-orders-checkout-draft")["request"]["json"])
    sandbox.flush()

    (delivery,) = receiver.deliveries("order.created")
    assert json.loads(delivery.body)["status"] == "checkout-draft"


def test_adding_a_note_sends_no_order_updated(sandbox, receiver):
    order = paid_order(sandbox)
    register(sandbox, receiver, "order.updated")

    sandbox.api.post(f"orders/{order['id']}/notes", {"note": "hola", "customer_note": True})
    sandbox.flush()

    assert receiver.deliveries() == []


# --- failures -------------------------------------------------------------------------


def _update(sandbox: Sandbox, order_id: int, times: int) -> None:
    for index in range(times):
        sandbox.api.put(f"orders/{order_id}", {"customer_note": f"update {index}"})
        sandbox.flush()


def test_the_seventh_consecutive_failure_disables_and_reactivation_keeps_the_count(
    sandbox, receiver
):
    order = paid_order(sandbox)
    webhook = register(sandbox, receiver, "order.updated")  # the ping gets 200
    receiver.default_status = 500
    stored = sandbox.store.webhooks[webhook["id"]]

    _update(sandbox, order["id"], 6)
    after_six = (stored.status, stored.failure_count)
    _update(sandbox, order["id"], 1)
    after_seven = (stored.status, stored.failure_count)
    _update(sandbox, order["id"], 1)  # disabled: nothing is sent
    disabled = sandbox.api.get("webhooks", params={"status": "disabled"}).json()
    sandbox.api.put(f"webhooks/{webhook['id']}", {"status": "active"})
    _update(sandbox, order["id"], 1)

    assert after_six == ("active", 6)
    assert after_seven == ("disabled", 6)
    assert [w["id"] for w in disabled] == [webhook["id"]]
    assert (stored.status, stored.failure_count) == ("disabled", 6)
    assert len(receiver.deliveries("order.updated")) == 8  # one per update: no retries


def test_a_port_wordpress_does_not_deliver_to_fails_every_delivery_until_disabled(sandbox):
    with running_receiver() as unlisted:  # a loopback port, not in http_allowed_safe_ports
        order = paid_order(sandbox)
        created = sandbox.api.post(
            "webhooks",
            {"topic": "order.updated", "delivery_url": unlisted.at("/x"), "secret": "s"},
        )
        stored = sandbox.store.webhooks[created.json()["id"]]

        _update(sandbox, order["id"], 7)

    assert (created.status_code, created.json()["status"]) == (201, "active")
    attempts = sandbox.store.deliverer.attempts()
    assert {(a["status"], a["error"]) for a in attempts} == {
        (None, "A valid URL was not provided.")
    }
    # Each failure saves the webhook, and a save of one still pending pings it again.
    assert [a["kind"] for a in attempts] == ["ping", *["delivery", "ping"] * 6, "delivery"]
    assert unlisted.received == []  # refused before any connection
    assert (stored.status, stored.failure_count, stored.pending_delivery) == ("disabled", 6, True)


@pytest.mark.parametrize(
    ("url", "valid"),
    [
        ("https://amends.example/webhooks/woocommerce/1", True),
        ("http://amends.example:80/w", True),
        ("https://amends.example:443/w", True),
        ("http://amends.example:8080/w", True),
        ("http://amends.example:8000/w", False),
        ("https://amends.example:8443/w", False),
        ("http://127.0.0.1:8081/w", True),  # the store's own host and port
        ("http://localhost:8081/w", False),  # its port, another host
        ("https://user:pass@amends.example/w", False),
        ("ftp://amends.example/w", False),
        ("http://[::1]/w", False),
    ],
)
def test_wordpress_sends_only_to_safe_urls(url, valid):
    assert is_valid_url(url, "http://127.0.0.1:8081", DEFAULT_SAFE_PORTS) is valid


@pytest.mark.parametrize(
    ("status", "failure_count"),
    [(200, 0), (201, 0), (204, 0), (300, 0), (301, 0), (302, 0), (303, 1), (404, 1), (500, 1)],
)
def test_statuses_200_to_302_succeed_and_others_count_as_failures(
    sandbox, receiver, status, failure_count
):
    order = paid_order(sandbox)
    webhook = register(sandbox, receiver, "order.updated")
    sandbox.store.webhooks[webhook["id"]].failure_count = 1
    receiver.default_status = status

    _update(sandbox, order["id"], 1)

    assert sandbox.store.webhooks[webhook["id"]].failure_count == (0 if failure_count == 0 else 2)
    (delivery,) = receiver.deliveries("order.updated")
    assert delivery.method == "POST"


def test_timeouts_and_refused_connections_are_failures_not_retried():
    with running_sandbox(delivery_timeout=0.3) as sandbox, running_receiver() as receiver:
        sandbox.store.allow_port(receiver.port)
        order = paid_order(sandbox)
        slow = register(sandbox, receiver, "order.updated")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]
        sandbox.store.allow_port(closed_port)
        refused = sandbox.api.post(
            "webhooks",
            {
                "topic": "order.updated",
                "delivery_url": f"http://127.0.0.1:{closed_port}/x",
                "secret": "s",
            },
        ).json()
        receiver.gate = threading.Event()  # the receiver now hangs until released

        _update(sandbox, order["id"], 1)
        receiver.gate.set()

        attempts = {
            a["webhook_id"]: a
            for a in sandbox.store.deliverer.attempts()
            if a["kind"] == "delivery"
        }
        assert attempts[slow["id"]]["status"] is None
        assert "timed out" in attempts[slow["id"]]["error"]
        assert attempts[refused["id"]]["status"] is None
        assert sandbox.store.webhooks[slow["id"]].failure_count == 1
        assert sandbox.store.webhooks[refused["id"]].failure_count == 1
        assert len(receiver.deliveries("order.updated")) == 1


def test_the_control_routes_flush_and_show_the_delivery_log(sandbox, receiver):
    register(sandbox, receiver, "order.created")
    requests.post(f"{sandbox.url}/_sandbox/queue", json={"paused": True}, timeout=10)
    paid_order(sandbox)

    queued = requests.get(f"{sandbox.url}/_sandbox/queue", timeout=10).json()
    flushed = requests.post(
        f"{sandbox.url}/_sandbox/flush", json={"timeout": 10}, timeout=20
    ).json()
    log = requests.get(
        f"{sandbox.url}/_sandbox/deliveries", params={"webhook_id": 1}, timeout=10
    ).json()

    assert queued == {"paused": True, "pending": [{"webhook_id": 1, "arg": 12}]}
    assert flushed == {"flushed": True, "pending": []}
    assert [(entry["kind"], entry["status"], entry.get("topic")) for entry in log] == [
        ("ping", 200, None),
        ("delivery", 200, "order.created"),
    ]
