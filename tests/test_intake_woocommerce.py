"""POST /webhooks/woocommerce/<shop_id>: observed deliveries, the ping, dedupe, rejections.

The deliveries replayed here are the ones a WooCommerce 9.9.5 store sent
(tests/fixtures/woocommerce/, woocommerce.md §1.2-1.5), byte for byte.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from connectors.signing import sign
from plugin import worker
from plugin.orders.snapshot import find_order
from plugin.storage.models import Order, Shop
from tests.conftest import (
    WOO_CONSUMER_KEY,
    WOO_CONSUMER_SECRET,
    WOO_SECRET,
    observed_woo_delivery,
    woo_headers,
)
from tests.helpers import inbox_count, inbox_rows

ORDER_HEADERS, ORDER = observed_woo_delivery("005")  # order.created for order 12
PING_HEADERS, PING = observed_woo_delivery("001")
VANISHED_HEADERS, VANISHED = observed_woo_delivery("013")  # order deleted before delivery
OWNER_DELETED_HEADERS, OWNER_DELETED = observed_woo_delivery("052")  # webhook owner deleted


def url(shop_id: int) -> str:
    return f"/webhooks/woocommerce/{shop_id}"


def order_count(runtime) -> int:
    with runtime.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Order))


# --- the observed order delivery -------------------------------------------------------


def test_the_observed_order_created_delivery_is_accepted_and_stored_byte_for_byte(
    woo_shop, client, runtime
):
    response = client.post(url(woo_shop), data=ORDER, headers=ORDER_HEADERS)

    assert response.status_code == 200
    assert response.json == {"status": "accepted"}
    (row,) = inbox_rows(runtime)
    assert (row.platform, row.shop_id, row.topic, row.status) == (
        "woocommerce",
        woo_shop,
        "order.created",
        "pending",
    )
    assert row.body == ORDER
    assert re.fullmatch(r"order:12:2026-11-23T12:41:49:[0-9a-f]{16}", row.delivery_key)
    assert row.headers == {
        "X-WC-Webhook-Source": "http://127.0.0.1:8080/",
        "X-WC-Webhook-Topic": "order.created",
        "X-WC-Webhook-Resource": "order",
        "X-WC-Webhook-Event": "created",
        "X-WC-Webhook-ID": "1",
        "X-WC-Webhook-Delivery-ID": "3f9d388872158ff9d5d0444f1800a76e",
    }
    assert row.triggered_at is None  # WooCommerce sends no timestamp header


def test_the_signature_is_checked_on_the_raw_bytes_with_php_escapes(woo_shop, client, runtime):
    observed_signature = ORDER_HEADERS["X-WC-Webhook-Signature"]
    # PHP's wp_json_encode escapes "/" as "\/" and non-ASCII as "\uXXXX" (€ is \u20ac).
    assert b"http:\\/\\/127.0.0.1:8080\\/" in ORDER
    assert b'"currency_symbol":"\\u20ac"' in ORDER
    assert sign(ORDER, WOO_SECRET) == observed_signature
    # Re-serialising the same JSON, either way Python can, changes the bytes and so the HMAC.
    reencoded = json.dumps(json.loads(ORDER), separators=(",", ":")).encode()  # "/" unescaped
    as_utf8 = json.dumps(json.loads(ORDER), separators=(",", ":"), ensure_ascii=False).encode()
    for other in (reencoded, as_utf8):
        assert json.loads(other) == json.loads(ORDER)
        assert other != ORDER
        assert sign(other, WOO_SECRET) != observed_signature

    reencoded_response = client.post(url(woo_shop), data=reencoded, headers=ORDER_HEADERS)
    raw_response = client.post(url(woo_shop), data=ORDER, headers=ORDER_HEADERS)

    assert reencoded_response.status_code == 401
    assert raw_response.status_code == 200
    assert [row.body for row in inbox_rows(runtime)] == [ORDER]


def test_lowercased_header_names_are_read(woo_shop, client, runtime):
    headers = {name.lower(): value for name, value in ORDER_HEADERS.items()}

    response = client.post(url(woo_shop), data=ORDER, headers=headers)

    assert response.json == {"status": "accepted"}
    assert inbox_rows(runtime)[0].headers["X-WC-Webhook-Topic"] == "order.created"


# --- the ping ---------------------------------------------------------------------------


def test_the_observed_ping_gets_exactly_200_and_writes_nothing(woo_shop, client, runtime):
    assert PING == b"webhook_id=1"
    assert not any(name.lower().startswith("x-wc-") for name in PING_HEADERS)

    response = client.post(url(woo_shop), data=PING, headers=PING_HEADERS)

    assert response.status_code == 200  # not 201/204: WooCommerce pings again unless 200
    assert response.data == b""
    assert inbox_count(runtime) == 0


def test_a_ping_to_an_unknown_shop_is_404(woo_shop, client, runtime):
    response = client.post(url(woo_shop + 1000), data=PING, headers=PING_HEADERS)

    assert response.status_code == 404
    assert response.json["message"] == f"no WooCommerce shop {woo_shop + 1000}"
    assert inbox_count(runtime) == 0


# --- duplicates: WooCommerce's Delivery-ID is not unique --------------------------------


def test_the_same_order_state_delivered_twice_is_stored_once_whatever_its_delivery_id(
    woo_shop, client, runtime
):
    first = client.post(url(woo_shop), data=ORDER, headers=ORDER_HEADERS)
    again = client.post(
        url(woo_shop),
        data=ORDER,
        headers=ORDER_HEADERS | {"X-WC-Webhook-Delivery-ID": "aaaabbbbccccddddeeeeffff00001111"},
    )

    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json, again.json) == ({"status": "accepted"}, {"status": "duplicate"})
    assert inbox_count(runtime) == 1


def test_order_updated_showing_the_state_order_created_showed_is_a_duplicate(
    woo_shop, client, runtime
):
    client.post(url(woo_shop), data=ORDER, headers=ORDER_HEADERS)

    again = client.post(url(woo_shop), data=ORDER, headers=woo_headers(ORDER, "order.updated"))

    assert again.json == {"status": "duplicate"}
    assert [row.topic for row in inbox_rows(runtime)] == ["order.created"]


def test_two_different_bodies_sharing_one_delivery_id_are_both_stored(woo_shop, client, runtime):
    # Observed: 013 (an error body) and 015 (a real order) shared one Delivery-ID.
    shared = VANISHED_HEADERS["X-WC-Webhook-Delivery-ID"]
    order_headers = ORDER_HEADERS | {"X-WC-Webhook-Delivery-ID": shared}

    error_response = client.post(url(woo_shop), data=VANISHED, headers=VANISHED_HEADERS)
    order_response = client.post(url(woo_shop), data=ORDER, headers=order_headers)

    assert error_response.json == {"status": "accepted"}
    assert order_response.json == {"status": "accepted"}
    assert [row.body for row in inbox_rows(runtime)] == [VANISHED, ORDER]


def test_two_different_error_bodies_of_one_topic_and_delivery_id_are_both_stored(
    woo_shop, client, runtime
):
    first = client.post(
        url(woo_shop), data=VANISHED, headers=woo_headers(VANISHED, "order.created")
    )
    second = client.post(
        url(woo_shop), data=OWNER_DELETED, headers=woo_headers(OWNER_DELETED, "order.created")
    )

    assert (first.json, second.json) == ({"status": "accepted"}, {"status": "accepted"})
    assert inbox_count(runtime) == 2


def test_an_action_body_repeated_under_a_new_delivery_id_is_a_new_delivery(
    woo_shop, client, runtime
):
    # Two refunds of order 12 send the very same body; only the Delivery-ID differs.
    headers, body = observed_woo_delivery("010")
    assert body == b'{"action":"woocommerce_order_refunded","arg":12}'
    later = headers | {"X-WC-Webhook-Delivery-ID": "aaaabbbbccccddddeeeeffff00001111"}

    first = client.post(url(woo_shop), data=body, headers=headers)
    second = client.post(url(woo_shop), data=body, headers=later)
    retried = client.post(url(woo_shop), data=body, headers=later)

    assert [r.json["status"] for r in (first, second, retried)] == [
        "accepted",
        "accepted",
        "duplicate",
    ]
    assert [row.topic for row in inbox_rows(runtime)] == ["action.woocommerce_order_refunded"] * 2


# --- rejections: each answers a reason and writes nothing -------------------------------


@pytest.mark.parametrize(
    ("body", "headers", "status", "reason"),
    [
        (
            ORDER,
            woo_headers(ORDER, "order.created", secret="not-the-webhook-secret"),
            401,
            "signature does not match the body",
        ),
        (
            ORDER.replace(b'"total":"73.69"', b'"total":"0.01"'),
            ORDER_HEADERS,
            401,
            "signature does not match the body",
        ),
        (
            ORDER,
            {k: v for k, v in ORDER_HEADERS.items() if k != "X-WC-Webhook-Signature"},
            400,
            "missing signature header",
        ),
        (
            ORDER,
            {k: v for k, v in ORDER_HEADERS.items() if k != "X-WC-Webhook-Topic"},
            400,
            "missing header X-WC-Webhook-Topic",
        ),
        (
            b"\xff\xfe not json",
            woo_headers(b"\xff\xfe not json", "order.created"),
            400,
            "body is not JSON",
        ),
        (
            # A ping-shaped body that comes with X-WC headers is a delivery, not a ping.
            b"webhook_id=1",
            woo_headers(b"webhook_id=1", "order.created"),
            400,
            "body is not JSON",
        ),
    ],
    ids=[
        "wrong-secret",
        "tampered-body",
        "no-signature",
        "no-topic",
        "signed-non-json",
        "signed-ping-shaped-body",
    ],
)
def test_rejections_answer_with_a_reason_and_write_nothing(
    woo_shop, client, runtime, body, headers, status, reason
):
    response = client.post(url(woo_shop), data=body, headers=headers)

    assert response.status_code == status
    assert response.json["message"] == reason
    assert inbox_count(runtime) == 0


def test_a_shop_stored_without_a_webhook_secret_takes_no_delivery_not_even_one_signed_with_it(
    client, runtime, caplog
):
    # As a shop added before credentials were checked may still be stored.
    with runtime.database.transaction() as session:
        shop = Shop(
            platform="woocommerce",
            domain="http://127.0.0.1:8080/",
            status="active",
            credentials=runtime.credentials.seal(
                {
                    "consumer_key": WOO_CONSUMER_KEY,
                    "consumer_secret": WOO_CONSUMER_SECRET,
                    "webhook_secret": "",
                }
            ),
        )
        session.add(shop)
        session.flush()
        shop_id = shop.id

    response = client.post(
        url(shop_id), data=ORDER, headers=woo_headers(ORDER, "order.created", secret="")
    )

    reason = (
        f"no webhook secret is stored for shop {shop_id}: "
        f"set one with `amends shops update {shop_id} --webhook-secret W`"
    )
    assert (response.status_code, response.json["message"]) == (401, reason)
    assert inbox_count(runtime) == 0
    assert [(r.msg, r.reason) for r in caplog.records if r.name == "amends.webhooks"] == [
        ("webhooks.woocommerce.no-secret", reason)
    ]


def test_an_unknown_shop_id_is_404_and_writes_nothing(woo_shop, client, runtime):
    response = client.post(url(woo_shop + 1000), data=ORDER, headers=ORDER_HEADERS)

    assert response.status_code == 404
    assert response.json["message"] == f"no WooCommerce shop {woo_shop + 1000}"
    assert inbox_count(runtime) == 0


def test_a_shopify_shop_id_on_the_woocommerce_route_is_404_and_writes_nothing(
    shopify_shop, client, runtime
):
    response = client.post(url(shopify_shop), data=ORDER, headers=ORDER_HEADERS)

    assert response.status_code == 404
    assert response.json["message"] == f"no WooCommerce shop {shopify_shop}"
    assert inbox_count(runtime) == 0


def test_wrong_method_is_405_and_writes_nothing(woo_shop, client, runtime):
    response = client.get(url(woo_shop))

    assert response.status_code == 405
    assert response.json["message"] == "The method is not allowed for the requested URL."
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert inbox_count(runtime) == 0


def test_a_body_over_5_mb_is_413_and_writes_nothing(woo_shop, client, runtime):
    body = b'{"pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'

    response = client.post(url(woo_shop), data=body, headers=woo_headers(body, "order.created"))

    assert response.status_code == 413
    assert response.json["message"] == f"body over the {5 * 1024 * 1024}-byte limit"
    assert inbox_count(runtime) == 0


def test_a_topic_not_subscribed_is_acknowledged_and_not_stored(woo_shop, client, runtime):
    body = b'{"id":10,"name":"Taza"}'

    response = client.post(url(woo_shop), data=body, headers=woo_headers(body, "product.updated"))

    assert response.status_code == 200
    assert response.json == {"status": "ignored", "topic": "product.updated"}
    assert inbox_count(runtime) == 0


def test_a_forged_delivery_on_a_topic_not_subscribed_is_401_and_writes_nothing(
    woo_shop, client, runtime
):
    body = b'{"id":10,"name":"Taza"}'
    headers = woo_headers(body, "product.updated", secret="wrong-secret")

    response = client.post(url(woo_shop), data=body, headers=headers)

    assert response.status_code == 401
    assert response.json["message"] == "signature does not match the body"
    assert inbox_count(runtime) == 0


# --- signed error bodies: accepted, then processed into nothing -------------------------


@pytest.mark.parametrize(
    ("headers", "body"),
    [(VANISHED_HEADERS, VANISHED), (OWNER_DELETED_HEADERS, OWNER_DELETED)],
    ids=["013-order-vanished", "052-owner-deleted"],
)
def test_a_signed_error_body_is_accepted_and_processed_into_no_order(
    woo_shop, client, runtime, headers, body
):
    response = client.post(url(woo_shop), data=body, headers=headers)

    assert response.status_code == 200
    assert response.json == {"status": "accepted"}
    assert worker.run_once(runtime) == 1
    (row,) = inbox_rows(runtime)
    assert (row.body, row.status, row.attempts, row.last_error) == (body, "done", 1, None)
    assert order_count(runtime) == 0


def test_the_observed_order_is_processed_into_its_stored_state(woo_shop, client, runtime):
    client.post(url(woo_shop), data=ORDER, headers=ORDER_HEADERS)

    assert worker.run_once(runtime) == 1

    assert [row.status for row in inbox_rows(runtime)] == ["done"]
    with runtime.database.transaction() as session:
        order = find_order(session, woo_shop, "12")
        stored = (order.name, order.status, order.financial_status, order.customer_email)
    assert stored == ("#12", "processing", "paid", "jose@tienda.example")
