"""Scenario steps on the sandbox deliver webhooks as Shopify does: signed, retried, given up."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from connectors.reasons import reason_of
from connectors.shopify import normalize
from connectors.signing import signature_valid
from tests.test_sandbox_shopify_harness import (
    CLIENT_ID,
    SECRET,
    SHOP,
    Receiver,
    Sandbox,
    running_receiver,
    running_sandbox,
)

TAGS_ADD = """mutation ($tags: [String!]!) {
  tagsAdd(id: "gid://shopify/Order/5001", tags: $tags) { userErrors { field message } } }"""
SUBSCRIBE = """mutation ($uri: String!, $fields: [String!]) {
  webhookSubscriptionCreate(
      topic: ORDERS_UPDATED, webhookSubscription: {uri: $uri, includeFields: $fields}) {
    webhookSubscription { id } userErrors { field message } } }"""
RETRY_SCHEDULE = [60, 120, 240, 480, 960, 1920, 3840, 7680]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@contextmanager
def sandbox_for(receiver: Receiver, **settings: Any) -> Iterator[Sandbox]:
    """Run a sandbox whose app-specific subscriptions deliver to `receiver`."""
    with running_sandbox(webhook_uri=f"{receiver.base}/webhooks/shopify", **settings) as running:
        yield running


@pytest.fixture
def sandbox(receiver: Receiver) -> Iterator[Sandbox]:
    with sandbox_for(receiver) as running:
        yield running


def payload(received) -> dict:  # noqa: ANN001
    return json.loads(received.body)


def test_a_paid_order_delivers_orders_create_and_orders_paid_signed_with_the_app_secret(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.place_order()
    sandbox.flush()

    create, paid = receiver.received
    assert receiver.topics() == ["orders/create", "orders/paid"]
    for delivery in (create, paid):
        assert signature_valid(delivery.body, delivery.headers["X-Shopify-Hmac-Sha256"], [SECRET])
        assert delivery.path == "/webhooks/shopify"
        assert delivery.headers["Content-Type"] == "application/json"
        assert delivery.headers["X-Shopify-Shop-Domain"] == SHOP
        assert delivery.headers["X-Shopify-API-Version"] == "2026-10"
        assert delivery.headers["X-Shopify-Triggered-At"] == "2026-11-23T09:00:00.000Z"
    assert create.headers["X-Shopify-Event-Id"] == paid.headers["X-Shopify-Event-Id"]
    assert create.headers["X-Shopify-Webhook-Id"] != paid.headers["X-Shopify-Webhook-Id"]
    order = normalize.order_changed(payload(create))
    assert (order.order_id, order.financial_status, order.shipping_total) == (
        "5001",
        "paid",
        "4.90",
    )
    assert [line.sku for line in order.line_items] == ["TAZA-OLIVAR-350", "MANTEL-LINO-AZ"]


def test_bodies_are_rendered_as_shopify_renders_them(sandbox: Sandbox, receiver: Receiver):
    sandbox.place_order()
    sandbox.flush()

    body = receiver.received[0].body
    assert b'"admin_graphql_api_id":"gid:\\/\\/shopify\\/Order\\/5001"' in body
    assert b"Luc\\u00eda" in body
    assert b"transactions" not in body


def test_a_bad_signature_is_detectable(sandbox: Sandbox, receiver: Receiver):
    sandbox.place_order()
    sandbox.flush()

    delivery = receiver.received[0]
    assert not signature_valid(
        delivery.body + b" ", delivery.headers["X-Shopify-Hmac-Sha256"], [SECRET]
    )
    assert not signature_valid(delivery.body, delivery.headers["X-Shopify-Hmac-Sha256"], ["other"])


def test_shipping_then_a_delay_event_deliver_what_the_connector_reads(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.place_order()
    sandbox.post(
        "/orders/5001/fulfill",
        {
            "tracking_number": "1Z999",
            "tracking_company": "UPS",
            "tracking_url": "https://ups.example/1Z999",
        },
    )
    sandbox.advance(3600)
    sandbox.post(
        "/orders/5001/fulfillment_events",
        {
            "status": "delayed",
            "message": "Weather",
            "estimated_delivery_at": "2026-11-30T12:00:00Z",
        },
    )
    sandbox.flush()

    assert receiver.topics()[2:] == [
        "fulfillments/create",
        "orders/fulfilled",
        "orders/updated",
        "fulfillment_events/create",
        "fulfillments/update",
        "orders/updated",
    ]
    event = payload(receiver.of("fulfillment_events/create")[0])
    assert (event["status"], event["estimated_delivery_at"], event["order_id"]) == (
        "delayed",
        "2026-11-30T12:00:00+00:00",
        5001,
    )
    assert payload(receiver.of("fulfillments/update")[0])["shipment_status"] == "delayed"
    shipped, delayed = (normalize.order_changed(payload(r)) for r in receiver.of("orders/updated"))
    assert shipped.fulfillment_status == "fulfilled"
    assert [s.tracking_number for s in shipped.shipments] == ["1Z999"]
    assert delayed.updated_at == datetime.fromisoformat("2026-11-23T10:00:00+00:00")


def test_shipping_part_of_an_order_is_a_partial_fulfillment(sandbox: Sandbox, receiver: Receiver):
    sandbox.place_order()
    sandbox.post("/orders/5001/fulfill", {"line_items": [{"id": 14620193767481, "quantity": 1}]})
    sandbox.flush()

    assert receiver.topics()[2:] == [
        "fulfillments/create",
        "orders/partially_fulfilled",
        "orders/updated",
    ]
    assert payload(receiver.of("orders/updated")[0])["fulfillment_status"] == "partial"


def test_reasons_outside_the_published_schemas_enums_are_refused(sandbox: Sandbox):
    sandbox.place_order()
    line = {"line_item_id": 14620193734713, "quantity": 1, "return_reason": "bored"}

    refused = sandbox.control("POST", "/orders/5001/returns", {"lines": [line]})
    return_id = sandbox.post(
        "/orders/5001/returns", {"lines": [line | {"return_reason": "wrong_item"}]}
    )["return"]["id"]
    declined = sandbox.control("POST", f"/returns/{return_id}/decline", {"reason": "rude"})

    assert refused.status_code == 409
    assert "defective" in refused.json()["message"]
    assert declined.status_code == 409
    assert "return_period_ended" in declined.json()["message"]


def test_a_return_request_is_what_the_connector_parses_then_it_moves_on(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.place_order()
    line = {"line_item_id": 14620193734713, "quantity": 1, "return_reason": "defective"}
    definition = {"handle": "arrived-damaged", "name": "Arrived damaged"}
    first_id = sandbox.post(
        "/orders/5001/returns", {"lines": [line | {"return_reason_definition": definition}]}
    )["return"]["id"]
    declined_id = sandbox.post(
        "/orders/5001/returns", {"lines": [line], "customer_note": "Changed my mind"}
    )["return"]["id"]
    sandbox.post(f"/returns/{first_id}/approve")
    sandbox.post(f"/returns/{first_id}/close")
    sandbox.post(
        f"/returns/{declined_id}/decline", {"reason": "return_period_ended", "note": "Too late"}
    )
    sandbox.flush()

    requested = normalize.return_requested(payload(receiver.of("returns/request")[0]), reason_of)
    assert (requested.order_id, requested.lines[0].reason, requested.lines[0].line_item_id) == (
        "5001",
        "damaged_in_transit",
        "14620193734713",
    )
    assert (
        payload(receiver.of("returns/request")[1])["return_line_items"][0]["customer_note"]
        == "Changed my mind"
    )
    assert payload(receiver.of("returns/approve")[0])["status"] == "open"
    assert payload(receiver.of("returns/close")[0])["status"] == "closed"
    assert payload(receiver.of("returns/decline")[0]) == {
        "id": declined_id,
        "admin_graphql_api_id": f"gid://shopify/Return/{declined_id}",
        "status": "declined",
        "decline": {"reason": "return_period_ended", "note": "Too late"},
    }
    assert sandbox.control("POST", f"/returns/{declined_id}/approve").status_code == 409


def test_a_staff_refund_of_shipping_sends_refunds_create_with_refund_shipping_lines(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.place_order()
    sandbox.post("/orders/5001/refunds", {"shipping": {"full_refund": True}, "note": "late"})
    sandbox.flush()

    refund = payload(receiver.of("refunds/create")[0])
    assert refund["order_id"] == 5001
    assert [
        line["subtotal_amount_set"]["shop_money"]["amount"]
        for line in refund["refund_shipping_lines"]
    ] == ["4.90"]
    assert [(a["kind"], a["amount"]) for a in refund["order_adjustments"]] == [
        ("shipping_refund", "-4.90")
    ]
    assert [
        (t["kind"], t["parent_id"], t["amount"], t["status"]) for t in refund["transactions"]
    ] == [("refund", 9001, "4.90", "success")]
    assert payload(receiver.of("orders/updated")[-1])["financial_status"] == "partially_refunded"


def test_an_impossible_staff_refund_is_refused_and_sends_nothing(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.place_order()
    sandbox.flush()

    answer = sandbox.control("POST", "/orders/5001/refunds", {"shipping": {"amount": "9.00"}})
    sandbox.flush()

    assert answer.status_code == 422
    assert receiver.topics() == ["orders/create", "orders/paid"]


def test_a_graphql_refund_repeated_with_its_key_is_announced_once(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.place_order()
    query = """mutation ($key: String!) { refundCreate(input: {orderId: "gid://shopify/Order/5001",
      shipping: {fullRefund: true}, transactions: [{orderId: "gid://shopify/Order/5001",
      parentId: "gid://shopify/OrderTransaction/9001", kind: REFUND, gateway: "shopify_payments",
      amount: "4.90"}]}) @idempotent(key: $key) { refund { id } userErrors { field message } } }"""
    for _ in range(2):
        sandbox.graphql(query, {"key": "amends-inc-42-shiprefund"})
    sandbox.flush()

    assert len(receiver.of("refunds/create")) == 1


def test_a_failing_endpoint_gets_8_retries_with_backoff_carrying_the_same_delivery(
    receiver: Receiver,
):
    receiver.status = 500
    with sandbox_for(receiver, webhook_topics=("orders/create",)) as sandbox:
        sandbox.place_order()
        sandbox.drain()
        attempts = sandbox.deliveries("orders/create")
        subscriptions = sandbox.control("GET", "/webhooks").json()["subscriptions"]

    assert [a["attempt"] for a in attempts] == list(range(1, 10))
    assert {a["status"] for a in attempts} == {500}
    assert {r.headers["X-Shopify-Webhook-Id"] for r in receiver.received} == {
        attempts[0]["webhook_id"]
    }
    assert {r.body for r in receiver.received} == {receiver.received[0].body}
    assert {r.headers["X-Shopify-Triggered-At"] for r in receiver.received} == {
        "2026-11-23T09:00:00.000Z"
    }
    times = [datetime.fromisoformat(a["at"]) for a in attempts]
    assert [
        int((b - a).total_seconds()) for a, b in zip(times, times[1:], strict=False)
    ] == RETRY_SCHEDULE
    assert [(s["app_level"], s["consecutive_failures"]) for s in subscriptions] == [(True, 9)]


def test_an_api_subscription_is_deleted_after_8_consecutive_failures_and_the_apps_own_is_kept(
    receiver: Receiver,
):
    receiver.status = 500
    with sandbox_for(receiver, webhook_topics=("orders/updated",)) as sandbox:
        sandbox.place_order()
        created = sandbox.graphql(SUBSCRIBE, {"uri": f"{receiver.base}/api"})
        sandbox.graphql(TAGS_ADD, {"tags": ["first"]})
        sandbox.drain()
        listed = sandbox.graphql("{ webhookSubscriptions(first: 5) { nodes { id } } }")
        receiver.status = 200
        sandbox.graphql(TAGS_ADD, {"tags": ["second"]})
        sandbox.flush()
        subscriptions = sandbox.control("GET", "/webhooks").json()["subscriptions"]

    assert created["data"]["webhookSubscriptionCreate"]["userErrors"] == []
    assert listed["data"]["webhookSubscriptions"]["nodes"] == []
    assert [(s["app_level"], s["consecutive_failures"]) for s in subscriptions] == [(True, 0)]
    paths = [r.path for r in receiver.received]
    assert paths.count("/api") == 9
    assert paths.count("/webhooks/shopify") == 10
    assert paths[-1] == "/webhooks/shopify"


def test_a_redirect_is_a_failure_and_is_not_followed(receiver: Receiver):
    receiver.statuses = [301]
    with sandbox_for(receiver, webhook_topics=("orders/create",)) as sandbox:
        sandbox.place_order()
        pending = sandbox.flush()
        sandbox.advance(pending[0]["next_attempt_in"])
        sandbox.flush()
        attempts = sandbox.deliveries()

    assert [(a["status"], a["ok"], a["error"]) for a in attempts] == [
        (301, False, "HTTP 301"),
        (200, True, None),
    ]
    assert pending[0]["next_attempt_in"] == 60
    assert [r.path for r in receiver.received] == ["/webhooks/shopify", "/webhooks/shopify"]
    assert attempts[0]["webhook_id"] == attempts[1]["webhook_id"]


def test_an_endpoint_slower_than_the_total_timeout_fails_the_attempt(receiver: Receiver):
    receiver.delay = 0.4
    with sandbox_for(receiver, webhook_topics=("orders/create",), total_timeout=0.1) as sandbox:
        sandbox.place_order()
        sandbox.flush()
        receiver.delay = 0.0
        sandbox.advance(60)
        sandbox.flush()
        attempts = sandbox.deliveries()

    assert [a["ok"] for a in attempts] == [False, True]
    assert "TimeoutError" in attempts[0]["error"] or "timed out" in attempts[0]["error"]


def test_unreachable_endpoint_is_a_failure(receiver: Receiver):
    with running_sandbox(
        webhook_uri="http://127.0.0.1:9/closed", webhook_topics=("orders/create",)
    ) as sandbox:
        sandbox.place_order()
        sandbox.flush()
        (attempt,) = sandbox.deliveries()

    assert (attempt["ok"], attempt["status"]) == (False, None)
    assert "ConnectionRefusedError" in attempt["error"]


def test_two_subscriptions_share_the_event_id_and_get_their_own_webhook_ids(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.place_order()
    sandbox.graphql(SUBSCRIBE, {"uri": f"{receiver.base}/api", "fields": ["id", "updated_at"]})
    sandbox.graphql(TAGS_ADD, {"tags": ["amends"]})
    sandbox.flush()

    app, api = receiver.of("orders/updated")
    assert app.headers["X-Shopify-Event-Id"] == api.headers["X-Shopify-Event-Id"]
    assert app.headers["X-Shopify-Webhook-Id"] != api.headers["X-Shopify-Webhook-Id"]
    assert payload(api) == {"id": 5001, "updated_at": "2026-11-23T09:00:00+00:00"}
    assert payload(app)["tags"] == "amends"
    assert signature_valid(api.body, api.headers["X-Shopify-Hmac-Sha256"], [SECRET])


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        (
            "customers/redact",
            {
                "customer": {"id": 7001, "email": "lucia.fernandez@example.es", "phone": None},
                "orders_to_redact": [5001],
            },
        ),
        (
            "customers/data_request",
            {
                "customer": {"id": 7001, "email": "lucia.fernandez@example.es", "phone": None},
                "orders_requested": [5001],
                "data_request": {"id": 77},
            },
        ),
        ("shop/redact", {}),
    ],
)
def test_compliance_webhooks_carry_the_documented_keys(
    sandbox: Sandbox, receiver: Receiver, topic: str, expected: dict
):
    sandbox.place_order()
    sandbox.post(f"/compliance/{topic}", {"customer_id": 7001, "data_request_id": 77})
    sandbox.flush()

    (delivery,) = receiver.of(topic)
    assert payload(delivery) == {"shop_id": 548380009, "shop_domain": SHOP} | expected
    assert signature_valid(delivery.body, delivery.headers["X-Shopify-Hmac-Sha256"], [SECRET])


def test_uninstalling_sends_app_uninstalled_now_shop_redact_in_48_hours_and_nothing_else(
    sandbox: Sandbox, receiver: Receiver
):
    sandbox.post("/uninstall")
    pending = sandbox.flush()
    sandbox.place_order()
    sandbox.advance(48 * 3600)
    sandbox.flush()

    assert [p["topic"] for p in pending] == ["shop/redact"]
    assert pending[0]["next_attempt_in"] == 48 * 3600
    assert receiver.topics() == ["app/uninstalled", "shop/redact"]
    assert payload(receiver.of("app/uninstalled")[0])["myshopify_domain"] == SHOP


def test_reinstalling_within_48_hours_calls_off_shop_redact(sandbox: Sandbox, receiver: Receiver):
    sandbox.post("/uninstall")
    location = requests.get(
        f"{sandbox.base}/admin/oauth/authorize",
        params={"client_id": CLIENT_ID, "redirect_uri": "https://app.example.com/cb"},
        allow_redirects=False,
        timeout=10,
    ).headers["Location"]
    code = dict(parse_qsl(urlsplit(location).query))["code"]
    token = requests.post(
        f"{sandbox.base}/admin/oauth/access_token",
        data={"client_id": CLIENT_ID, "client_secret": SECRET, "code": code},
        timeout=10,
    )
    sandbox.advance(48 * 3600)
    sandbox.flush()

    assert token.status_code == 200
    assert receiver.topics() == ["app/uninstalled"]


def test_a_fast_clock_plays_the_retry_schedule_without_anyone_moving_it(receiver: Receiver):
    receiver.statuses = [500, 500]
    with sandbox_for(receiver, webhook_topics=("orders/create",), time_scale=60_000.0) as sandbox:
        sandbox.place_order()
        deadline = time.monotonic() + 10
        while len(receiver.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        attempts = sandbox.deliveries()

    assert [a["ok"] for a in attempts] == [False, False, True]
    assert len({a["webhook_id"] for a in attempts}) == 1


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (
            "/orders/5001/returns",
            {"lines": [{"line_item_id": 14620193734713}, {"line_item_id": 1}]},
            409,
        ),
        ("/orders/5001/returns", {"lines": [{"line_item_id": "not-a-number"}]}, 400),
        ("/orders/5001/fulfillment_events", {"status": "teleported"}, 409),
        ("/orders/5001/fulfill", {"line_items": [{"id": 14620193734713, "quantity": 9}]}, 409),
        ("/orders/9999/pay", None, 404),
    ],
)
def test_bad_scenario_steps_are_refused_and_change_nothing(
    sandbox: Sandbox, receiver: Receiver, path: str, body: dict | None, status: int
):
    sandbox.place_order()
    sandbox.flush()
    before = sandbox.control("GET", "/orders/5001").json()

    answer = sandbox.control("POST", path, body)
    sandbox.flush()

    assert answer.status_code == status
    assert sandbox.control("GET", "/orders/5001").json() == before
    assert receiver.topics() == ["orders/create", "orders/paid"]
