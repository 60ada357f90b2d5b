"""Every topic the app subscribes to parses into the canonical events it stands for."""

from __future__ import annotations

import json

import pytest

from connectors.shopify.connector import ShopifyConnector
from connectors.shopify.consts import SUBSCRIBED_TOPICS
from plugin.events import (
    CustomerDataRequested,
    CustomerRedactionRequested,
    OrderChanged,
    RefundRecorded,
    ReturnRequested,
    ReturnStatusChanged,
    ShipmentUpdated,
    ShopRedactionRequested,
    ShopUninstalled,
)
from tests.conftest import fixture_bytes

ORDER = fixture_bytes("shopify/orders_create.json")
FULFILLMENT = json.dumps(
    {
        "id": 5170337841209,
        "admin_graphql_api_id": "gid://shopify/Fulfillment/5170337841209",
        "order_id": 5830194882617,
        "name": "#1042.1",
        "status": "success",
        "created_at": "2026-11-17T09:00:00+01:00",
        "updated_at": "2026-11-18T12:00:00+01:00",
        "tracking_company": "Correos",
        "tracking_number": "PQ4B7E0712345",
        "tracking_numbers": ["PQ4B7E0712345"],
        "shipment_status": "in_transit",
        "line_items": [],
        "email": None,
        "destination": None,
    }
).encode()
RETURN_APPROVED = b'{"id":9120235577,"status":"open","order":{"id":5830194882617}}'
RETURN_CLOSED = b'{"id":9120235577,"status":"closed","order":{"id":5830194882617}}'
DATA_REQUEST = json.dumps(
    {
        "shop_id": 61203939385,
        "shop_domain": "amends-demo.myshopify.com",
        "orders_requested": [5830194882617],
        "customer": {"id": 7390281105465, "email": "lucia.fernandez@example.es", "phone": None},
        "data_request": {"id": 9999},
    }
).encode()

PAYLOADS = {
    **dict.fromkeys(
        [
            "orders/create",
            "orders/updated",
            "orders/paid",
            "orders/fulfilled",
            "orders/partially_fulfilled",
            "orders/cancelled",
        ],
        (ORDER, [OrderChanged]),
    ),
    "fulfillments/create": (FULFILLMENT, [ShipmentUpdated]),
    "fulfillments/update": (FULFILLMENT, [ShipmentUpdated]),
    "fulfillment_events/create": (
        fixture_bytes("shopify/fulfillment_events_create.json"),
        [ShipmentUpdated],
    ),
    "refunds/create": (fixture_bytes("shopify/refunds_create.json"), [RefundRecorded]),
    "returns/request": (fixture_bytes("shopify/returns_request.json"), [ReturnRequested]),
    "returns/approve": (RETURN_APPROVED, [ReturnStatusChanged]),
    "returns/decline": (fixture_bytes("shopify/returns_decline.json"), [ReturnStatusChanged]),
    "returns/close": (RETURN_CLOSED, [ReturnStatusChanged]),
    "app/uninstalled": (fixture_bytes("shopify/app_uninstalled.json"), [ShopUninstalled]),
    "customers/data_request": (DATA_REQUEST, [CustomerDataRequested]),
    "customers/redact": (
        fixture_bytes("shopify/customers_redact.json"),
        [CustomerRedactionRequested],
    ),
    "shop/redact": (
        b'{"shop_id":61203939385,"shop_domain":"amends-demo.myshopify.com"}',
        [ShopRedactionRequested],
    ),
}


def test_every_subscribed_topic_has_a_payload_here():
    assert set(PAYLOADS) == SUBSCRIBED_TOPICS


@pytest.mark.parametrize("topic", sorted(PAYLOADS))
def test_each_topic_parses_into_its_events(topic):
    body, kinds = PAYLOADS[topic]

    events = ShopifyConnector().parse(topic, body)

    assert [type(event) for event in events] == kinds


def test_a_fulfillment_reports_its_carrier_status():
    (event,) = ShopifyConnector().parse("fulfillments/update", FULFILLMENT)

    assert (event.order_id, event.shipment_id, event.status) == (
        "5830194882617",
        "5170337841209",
        "in_transit",
    )


def test_the_return_steps_say_where_the_return_went():
    connector = ShopifyConnector()

    statuses = [
        connector.parse(topic, body)[0].status
        for topic, body in [
            ("returns/approve", RETURN_APPROVED),
            ("returns/decline", fixture_bytes("shopify/returns_decline.json")),
            ("returns/close", RETURN_CLOSED),
        ]
    ]

    assert statuses == ["approved", "declined", "closed"]


def test_a_data_request_names_the_customer_and_orders():
    (event,) = ShopifyConnector().parse("customers/data_request", DATA_REQUEST)

    assert event == CustomerDataRequested(
        request_id="9999",
        customer_id="7390281105465",
        email="lucia.fernandez@example.es",
        order_ids=("5830194882617",),
    )


def test_a_refund_reads_its_shipping_part_and_that_staff_issued_it():
    (event,) = ShopifyConnector().parse(
        "refunds/create", fixture_bytes("shopify/refunds_create.json")
    )

    assert (event.amount, event.shipping_amount, event.by_staff) == ("18.40", "5.90", True)
    assert (event.reason, event.reason_text) == ("damaged_in_transit", "La taza llegó rota")
