"""POST /webhooks/shopify: the status contract, and that rejections write nothing."""

from __future__ import annotations

import dataclasses
import json

import pytest
from werkzeug.datastructures import EnvironHeaders
from werkzeug.test import EnvironBuilder

from connectors.signing import sign
from tests.conftest import SHOPIFY_SECRET, fixture_bytes, shopify_headers
from tests.helpers import inbox_count, inbox_rows
from webhooks.intake import delivery_headers

ORDER = fixture_bytes("shopify/orders_create.json")


def test_a_signed_delivery_is_stored_with_its_headers_and_exact_bytes(
    shopify_shop, post_shopify, runtime
):
    response = post_shopify("orders/create", ORDER, webhook_id="wh-1")

    assert response.status_code == 200
    assert response.json == {"status": "accepted"}
    (row,) = inbox_rows(runtime)
    assert (row.platform, row.shop_id, row.topic, row.status) == (
        "shopify",
        shopify_shop,
        "orders/create",
        "pending",
    )
    assert row.body == ORDER
    assert row.delivery_key == "shopify:wh-1"
    assert row.headers["X-Shopify-Webhook-Id"] == "wh-1"
    assert row.triggered_at.isoformat() == "2026-11-16T09:12:45.123000+00:00"


def test_a_retry_with_the_same_webhook_id_is_a_duplicate_and_stored_once(
    shopify_shop, post_shopify, runtime
):
    first = post_shopify("orders/create", ORDER, webhook_id="wh-same")
    again = post_shopify("orders/create", ORDER, webhook_id="wh-same")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json == {"status": "duplicate"}
    assert inbox_count(runtime) == 1


def test_the_same_event_for_two_subscriptions_is_two_deliveries(
    shopify_shop, post_shopify, runtime
):
    post_shopify("orders/create", ORDER, webhook_id="wh-a")
    post_shopify("orders/create", ORDER, webhook_id="wh-b")

    assert inbox_count(runtime) == 2


def test_previous_client_secret_is_accepted_during_rotation(shopify_shop, client, runtime, app):
    runtime.settings = type(runtime.settings)(
        **{
            **runtime.settings.__dict__,
            "shopify_api_secret": "new-secret",
            "shopify_api_secret_previous": SHOPIFY_SECRET,
        }
    )

    old = client.post(
        "/webhooks/shopify",
        data=ORDER,
        headers=shopify_headers(ORDER, "orders/create", secret=SHOPIFY_SECRET),
    )
    new = client.post(
        "/webhooks/shopify",
        data=ORDER,
        headers=shopify_headers(ORDER, "orders/create", secret="new-secret"),
    )
    neither = client.post(
        "/webhooks/shopify",
        data=ORDER,
        headers=shopify_headers(ORDER, "orders/create", secret="other"),
    )

    assert (old.status_code, new.status_code, neither.status_code) == (200, 200, 401)
    assert inbox_count(runtime) == 2


def test_without_an_app_secret_no_delivery_is_accepted_and_the_log_says_why(
    shopify_shop, client, runtime, caplog
):
    runtime.settings = dataclasses.replace(runtime.settings, shopify_api_secret="")

    response = client.post(
        "/webhooks/shopify", data=ORDER, headers=shopify_headers(ORDER, "orders/create", secret="")
    )

    reason = "no app secret is configured: set SHOPIFY_API_SECRET to the app's client secret"
    assert (response.status_code, response.json["message"]) == (401, reason)
    assert inbox_count(runtime) == 0
    assert [(r.msg, r.reason) for r in caplog.records if r.name == "amends.webhooks"] == [
        ("webhooks.shopify.no-secret", reason)
    ]


def test_lowercased_http2_header_names_are_read(shopify_shop, client, runtime):
    headers = {k.lower(): v for k, v in shopify_headers(ORDER, "orders/create").items()}

    assert client.post("/webhooks/shopify", data=ORDER, headers=headers).status_code == 200
    assert inbox_count(runtime) == 1


def test_the_intake_reads_the_headers_werkzeug_reads():
    environ = EnvironBuilder(
        method="POST",
        headers={"X-Shopify-Topic": "orders/create", "x-custom_name": "a", "Accept": "*/*"},
        content_type="application/json",
        data=b"{}",
    ).get_environ()
    environ["HTTP_CONTENT_LENGTH"] = "999"  # sent twice: werkzeug keeps CONTENT_LENGTH's

    expected = {name.lower(): value for name, value in EnvironHeaders(environ).items()}
    assert delivery_headers(environ) == expected
    assert delivery_headers(environ)["x-shopify-topic"] == "orders/create"
    assert delivery_headers(environ)["content-length"] == "2"


@pytest.mark.parametrize(
    "payload",
    ["shopify/orders_create.json", "shopify/returns_request_thin_size.json"],
    ids=["pretty-printed-utf8", "php-style-escapes"],
)
def test_signature_is_checked_on_the_raw_bytes(shopify_shop, post_shopify, runtime, payload):
    body = fixture_bytes(payload)
    reencoded = json.dumps(json.loads(body)).encode()
    assert reencoded != body  # re-serialising changes the bytes, so a verifier must not

    assert post_shopify("orders/create", body).status_code == 200
    assert inbox_rows(runtime)[0].body == body


def test_wrong_method_is_405(shopify_shop, client, runtime):
    response = client.get("/webhooks/shopify")

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize(
    ("change", "status", "reason"),
    [
        ({"X-Shopify-Hmac-Sha256": None}, 400, "missing signature header"),
        ({"X-Shopify-Topic": None}, 400, "missing header X-Shopify-Topic"),
        ({"X-Shopify-Webhook-Id": None}, 400, "missing header X-Shopify-Webhook-Id"),
        ({"X-Shopify-Shop-Domain": None}, 400, "missing header X-Shopify-Shop-Domain"),
        (
            {"X-Shopify-Hmac-Sha256": sign(ORDER, "wrong-secret")},
            401,
            "signature does not match the body",
        ),
        (
            {"X-Shopify-Hmac-Sha256": "not base64 at all é"},
            401,
            "signature does not match the body",
        ),
        (
            {"X-Shopify-Shop-Domain": "other.myshopify.com"},
            404,
            "no shop other.myshopify.com is installed",
        ),
    ],
    ids=[
        "no-hmac",
        "no-topic",
        "no-webhook-id",
        "no-shop",
        "bad-hmac",
        "garbage-hmac",
        "unknown-shop",
    ],
)
def test_rejections_answer_with_a_reason_and_write_nothing(
    shopify_shop, client, runtime, change, status, reason
):
    headers = shopify_headers(ORDER, "orders/create")
    for name, value in change.items():
        headers.pop(name)
        if value is not None:
            headers[name] = value

    response = client.post("/webhooks/shopify", data=ORDER, headers=headers)

    assert response.status_code == status
    assert response.json["message"] == reason
    assert inbox_count(runtime) == 0


def test_a_tampered_body_is_401_and_writes_nothing(shopify_shop, client, runtime):
    headers = shopify_headers(ORDER, "orders/create")
    tampered = ORDER.replace(b'"54.80"', b'"0.01"')

    assert client.post("/webhooks/shopify", data=tampered, headers=headers).status_code == 401
    assert inbox_count(runtime) == 0


def test_a_signed_body_that_is_not_json_is_400_and_writes_nothing(
    shopify_shop, post_shopify, runtime
):
    response = post_shopify("orders/create", b"\xff\xfe not json")

    assert response.status_code == 400
    assert response.json["message"] == "body is not JSON"
    assert inbox_count(runtime) == 0


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 123456789012345678901234567890, "note": "an id past 64 bits"}',
        b'\xef\xbb\xbf{"id": 1, "note": "UTF-8 with a byte-order mark"}',
        b'{"total": NaN}',
    ],
)
def test_json_the_worker_can_read_is_accepted_however_unusual(
    shopify_shop, post_shopify, runtime, body
):
    assert post_shopify("orders/create", body).status_code == 200
    assert inbox_count(runtime) == 1


def test_a_body_over_the_limit_is_413_and_writes_nothing(shopify_shop, post_shopify, runtime):
    body = b'{"pad": "' + b"x" * (5 * 1024 * 1024) + b'"}'

    response = post_shopify("orders/create", body)

    assert response.status_code == 413
    assert inbox_count(runtime) == 0


def test_a_topic_we_do_not_handle_is_acknowledged_and_not_stored(
    shopify_shop, post_shopify, runtime
):
    response = post_shopify("products/update", b'{"id": 1}')

    assert response.status_code == 200
    assert response.json == {"status": "ignored", "topic": "products/update"}
    assert inbox_count(runtime) == 0


def test_a_forged_delivery_on_a_topic_we_do_not_handle_is_401_and_writes_nothing(
    shopify_shop, post_shopify, runtime
):
    response = post_shopify("products/update", b'{"id": 1}', secret="wrong-secret")

    assert response.status_code == 401
    assert response.json["message"] == "signature does not match the body"
    assert inbox_count(runtime) == 0


def test_a_store_that_cannot_write_answers_503_so_shopify_retries(
    shopify_shop, post_shopify, runtime, app, monkeypatch
):
    from plugin.errors import StorageUnavailable

    def broken(deliveries):
        raise StorageUnavailable("database unavailable: disk I/O error")

    monkeypatch.setattr(app.extensions["amends.webhooks.inbox"], "write", broken)

    response = post_shopify("orders/create", ORDER)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert inbox_count(runtime) == 0
