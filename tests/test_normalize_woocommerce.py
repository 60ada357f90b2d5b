"""WooCommerce payloads -> canonical events, over the bodies a 9.9.5 store really sent."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from connectors.woocommerce import WooCommerceConnector
from plugin.events import LineItem, OrderChanged, OrderTrashed
from plugin.platforms import MalformedDelivery
from tests.conftest import fixture_bytes, observed_woo_delivery, woo_headers

PING_HEADERS, PING = observed_woo_delivery("001")
_, ORDER = observed_woo_delivery("005")  # order.created, order 12, paid by bank transfer
_, VANISHED = observed_woo_delivery("013")  # order deleted before the delivery ran
_, TRASHED = observed_woo_delivery("017")  # order.deleted: {"id":17}
_, OWNER_DELETED = observed_woo_delivery("052")  # the webhook's owner was deleted
# REST answers of the same store (woocommerce-observed/rest/POST-orders-*.json, body_text).
CHECKOUT_DRAFT = fixture_bytes("woocommerce/order-checkout-draft.json")  # order 26
PENDING = fixture_bytes("woocommerce/order-pending.json")  # order 13, not paid yet

ORDER_TOPICS = ("order.created", "order.updated", "order.restored")


def parse(topic: str, body: bytes) -> list | None:
    return WooCommerceConnector().parse(topic, body)


def test_the_observed_order_reads_as_its_state_with_gmt_times_in_utc():
    (event,) = parse("order.created", ORDER)

    assert isinstance(event, OrderChanged)
    assert event.order_id == "12"
    assert event.name == "#12"
    assert event.status == "processing"
    assert event.customer_email == "jose@tienda.example"
    assert event.customer_first_name == "José"
    assert event.financial_status == "paid"
    assert event.fulfillment_status == "unfulfilled"
    assert event.currency == "EUR"
    assert event.total_price == "73.69"
    # date_modified_gmt "2026-11-23T12:41:49" (no offset: it is GMT); date_modified is site time.
    assert event.updated_at == datetime(2026, 11, 23, 12, 41, 49, tzinfo=UTC)
    assert event.updated_at.utcoffset() == timedelta(0)
    assert event.placed_at == datetime(2026, 11, 23, 12, 41, 49, tzinfo=UTC)
    assert event.paid_at == datetime(2026, 11, 23, 12, 41, 49, tzinfo=UTC)
    assert event.line_items == (
        LineItem(
            line_item_id="1",
            product_id="10",
            variant_id=None,  # variation_id 0: a simple product
            sku=None,  # sku ""
            title='Taza de cerámica "Olivar" 350ml',
            quantity=2,
            price="12.5",  # a number in WooCommerce's JSON: one unit, net
        ),
        LineItem(
            line_item_id="2",
            product_id="11",
            variant_id=None,
            sku=None,
            title="Fuente de horno",
            quantity=1,
            price="30",
        ),
    )


@pytest.mark.parametrize(
    ("billing", "shipping", "named"),
    [
        ("Ana", "Portero", "Ana"),
        ("", "Ana María", "Ana María"),
        ("", "", None),
    ],
    ids=["billing", "shipping-only", "none"],
)
def test_the_customer_is_named_by_the_billing_then_the_shipping_first_name(
    billing, shipping, named
):
    payload = json.loads(ORDER)
    payload["billing"]["first_name"] = billing
    payload["shipping"]["first_name"] = shipping

    (event,) = parse("order.created", json.dumps(payload).encode())

    assert event.customer_first_name == named


@pytest.mark.parametrize("topic", ORDER_TOPICS)
def test_every_order_topic_reads_the_same_state(topic):
    assert parse(topic, ORDER) == parse("order.created", ORDER)


def test_an_order_without_a_payment_date_is_pending():
    (event,) = parse("order.updated", PENDING)

    assert (event.order_id, event.name, event.status) == ("13", "#13", "pending")
    assert (event.financial_status, event.paid_at) == ("pending", None)
    assert event.customer_email == "ana@tienda.example"
    assert event.updated_at == datetime(2026, 11, 23, 12, 43, 27, tzinfo=UTC)


@pytest.mark.parametrize("topic", ORDER_TOPICS)
def test_a_checkout_draft_gives_no_events_on_any_order_topic(topic):
    assert json.loads(CHECKOUT_DRAFT)["status"] == "checkout-draft"

    assert parse(topic, CHECKOUT_DRAFT) == []


@pytest.mark.parametrize("status", ["draft", "auto-draft"])
def test_other_draft_statuses_give_no_events(status):
    body = json.dumps(json.loads(CHECKOUT_DRAFT) | {"status": status}).encode()

    assert parse("order.updated", body) == []


@pytest.mark.parametrize(
    ("topic", "body"),
    [("order.created", VANISHED), ("order.updated", OWNER_DELETED)],
    ids=["013-order-vanished", "052-owner-deleted"],
)
def test_a_delivered_error_body_gives_no_events(topic, body):
    assert {"code", "message", "data"} == json.loads(body).keys()

    assert parse(topic, body) == []


def test_order_deleted_reads_as_the_order_moved_to_the_trash():
    assert TRASHED == b'{"id":17}'

    assert parse("order.deleted", TRASHED) == [OrderTrashed(order_id="17")]


@pytest.mark.parametrize("body", [b"{}", b'{"id":0}', b'{"id":null}'])
def test_an_order_deleted_without_an_order_id_is_malformed(body):
    with pytest.raises(MalformedDelivery, match="^order.deleted body has no order id$"):
        parse("order.deleted", body)


def test_a_topic_outside_the_order_topics_has_no_parser():
    assert parse("product.updated", b'{"id":10}') is None


def test_an_order_body_that_is_not_json_raises_malformed_delivery():
    with pytest.raises(MalformedDelivery, match="^order.created body is not JSON"):
        parse("order.created", b"webhook_id=1")


# --- the ping ---------------------------------------------------------------------------


def test_the_observed_ping_is_a_ping():
    assert WooCommerceConnector().is_ping(PING_HEADERS, PING) is True


@pytest.mark.parametrize("body", [b"webhook_id=2", b"webhook_id=123"])
def test_a_ping_for_any_webhook_id_is_a_ping(body):
    assert WooCommerceConnector().is_ping(PING_HEADERS, body) is True


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (woo_headers(PING, "order.created"), PING),
        ({"x-wc-webhook-topic": "order.created"} | PING_HEADERS, PING),
        (PING_HEADERS, ORDER),
        (PING_HEADERS, b""),
        (PING_HEADERS, b"webhook_id="),
        (PING_HEADERS, b"webhook_id=abc"),
        (PING_HEADERS, b"webhook_id=1&topic=order.created"),
        (PING_HEADERS, b'{"webhook_id":1}'),
    ],
    ids=[
        "ping-body-with-x-wc-headers",
        "ping-body-with-lowercased-topic-header",
        "json-order-body",
        "empty-body",
        "no-id",
        "non-numeric-id",
        "more-fields",
        "json-webhook-id",
    ],
)
def test_anything_else_is_not_a_ping(headers, body):
    assert WooCommerceConnector().is_ping(headers, body) is False
