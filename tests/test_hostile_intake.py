"""Deliveries the fuzzing found answered 500, each kept here as a plain example.

Each was signed with the shop's secret (or aimed at a shop's URL) and got a
traceback instead of an answer a platform can act on.
"""

from __future__ import annotations

import json

import pytest

from connectors.shopify import ShopifyConnector
from connectors.woocommerce import WooCommerceConnector
from plugin.platforms import MalformedDelivery
from tests.conftest import fixture_bytes, woo_headers
from tests.helpers import inbox_count, inbox_rows

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
NESTED = b"[" * 5000 + b"]" * 5000


def test_a_body_nested_deeper_than_any_reader_is_400_and_stored_nowhere(
    shopify_shop, post_shopify, runtime
):
    response = post_shopify("orders/create", NESTED)

    assert response.status_code == 400
    assert response.json["message"] == "body is not JSON"
    assert inbox_count(runtime) == 0


def test_a_triggered_at_time_with_no_utc_equivalent_is_read_as_unknown(
    shopify_shop, post_shopify, runtime
):
    response = post_shopify("orders/create", ORDER, triggered_at="9999-12-31T23:59:59-23:59")

    assert response.status_code == 200
    (row,) = inbox_rows(runtime)
    assert row.triggered_at is None


@pytest.mark.parametrize("shop_id", [2**31, 2**63, 10**30])
def test_a_shop_id_beyond_any_stored_id_is_404(woo_shop, client, runtime, shop_id):
    body = b'{"id": 12}'
    response = client.post(
        f"/webhooks/woocommerce/{shop_id}", data=body, headers=woo_headers(body, "order.created")
    )

    assert response.status_code == 404
    assert response.json["message"] == f"no WooCommerce shop {shop_id}"


@pytest.mark.parametrize(
    "body",
    [
        # An order whose note holds half a surrogate pair, as JSON may escape it.
        b'{"id": 12, "date_modified_gmt": "2026-11-23T09:00:00", "customer_note": "\\udc00"}',
        # An id and a time too long for an inbox key built from them.
        b'{"id": "' + b"9" * 200 + b'", "date_modified_gmt": "' + b"8" * 200 + b'"}',
        b'{"id": {"nested": 1}, "date_modified_gmt": "2026-11-23T09:00:00"}',
    ],
    ids=["surrogate", "long-id", "object-id"],
)
def test_an_odd_but_signed_woocommerce_order_is_stored_once(woo_shop, client, runtime, body):
    url = f"/webhooks/woocommerce/{woo_shop}"
    first = client.post(url, data=body, headers=woo_headers(body, "order.updated"))
    again = client.post(url, data=body, headers=woo_headers(body, "order.updated"))

    assert (first.json, again.json) == ({"status": "accepted"}, {"status": "duplicate"})
    (row,) = inbox_rows(runtime)
    assert row.body == body


@pytest.mark.parametrize(
    ("connector", "topic", "body", "reason"),
    [
        (ShopifyConnector(), "orders/create", b"{}", "orders/create body cannot be read: no 'id'"),
        (
            ShopifyConnector(),
            "refunds/create",
            b'{"id": 1, "order_id": 2, "transactions": ["refund"]}',
            "refunds/create body cannot be read: AttributeError",
        ),
        (
            ShopifyConnector(),
            "orders/updated",
            b'{"id": 1, "name": {"first": "A"}}',
            "orders/updated body cannot be read: OrderChanged.name is an object, not text",
        ),
        (
            WooCommerceConnector(),
            "order.updated",
            b'{"id": 3, "line_items": [{"id": 1, "quantity": "two"}]}',
            "order.updated body cannot be read: ValueError",
        ),
        (WooCommerceConnector(), "order.created", NESTED, "order.created body is JSON nested"),
    ],
)
def test_a_payload_of_another_shape_is_malformed_with_its_reason(connector, topic, body, reason):
    with pytest.raises(MalformedDelivery) as refused:
        connector.parse(topic, body)

    assert str(refused.value).startswith(reason)


def test_half_a_surrogate_pair_is_read_as_a_replacement_character():
    body = json.dumps(ORDER | {"name": "#1042\ud83d"}).encode()

    (order,) = ShopifyConnector().parse("orders/create", body)

    assert order.name == "#1042\ufffd"


def test_half_a_surrogate_pair_encoded_as_if_utf8_is_read_as_a_replacement_character():
    body = b'{"id": 12, "number": "12\xed\xa0\xbd", "date_modified_gmt": "2026-11-23T09:00:00"}'

    (order,) = WooCommerceConnector().parse("order.updated", body)

    assert order.name == "#12\ufffd"
