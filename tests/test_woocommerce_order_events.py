"""What an order payload tells beyond its state: tracking, refunds with reasons, returns."""

from __future__ import annotations

import json

from connectors.woocommerce.connector import WooCommerceConnector
from plugin.events import OrderChanged, RefundRecorded, ReturnRequested
from tests.conftest import fixture_bytes

ORDER = json.loads(fixture_bytes("woocommerce/005-order.created.body.bin"))


def parse(order: dict) -> list:
    return WooCommerceConnector().parse("order.updated", json.dumps(order).encode())


def with_meta(order: dict, key: str, value) -> dict:
    return order | {"meta_data": [*order["meta_data"], {"id": 99, "key": key, "value": value}]}


def test_shipment_tracking_meta_becomes_the_order_shipments():
    order = with_meta(
        ORDER,
        "_wc_shipment_tracking_items",
        [
            {
                "tracking_provider": "correos",
                "custom_tracking_provider": "",
                "custom_tracking_link": "",
                "tracking_number": "PQ4B7E0712345",
                "date_shipped": "1763856000",
                "tracking_id": "4d2c9a",
            }
        ],
    )

    (state,) = parse(order)

    (parcel,) = state.shipments
    assert (parcel.tracking_number, parcel.carrier) == ("PQ4B7E0712345", "correos")
    assert parcel.shipped_at.isoformat() == "2025-11-23T00:00:00+00:00"


def test_a_refund_given_for_a_broken_item_is_recorded_with_its_reason():
    order = ORDER | {
        "refunds": [{"id": 16, "reason": "Llegó roto, se rompió el asa", "total": "-15.13"}]
    }

    state, refund = parse(order)

    assert isinstance(state, OrderChanged)
    assert refund == RefundRecorded(
        order_id="12",
        refund_id="16",
        amount="15.13",
        reason=refund.reason,
        reason_text="Llegó roto, se rompió el asa",
        by_staff=True,
    )
    assert refund.reason == "damaged_in_transit"  # "llegó roto": broken on arrival


def test_amends_own_refunds_are_not_news():
    order = ORDER | {
        "refunds": [{"id": 14, "reason": "Envío con retraso [ref 1-shipping]", "total": "-7.14"}]
    }

    assert [type(event) for event in parse(order)] == [OrderChanged]


def test_a_return_requested_status_is_a_return_with_the_plugin_request_lines():
    order = with_meta(
        ORDER | {"status": "return-requested"},
        "wps_rma_return_product",
        {
            "1763900000": {
                "products": [{"item_id": 1, "product_id": 10, "qty": 1, "price": 12.5}],
                "subject": "Producto defectuoso",
                "reason": "La taza tiene una grieta",
                "status": "pending",
            }
        },
    )

    state, requested = parse(order)

    assert isinstance(requested, ReturnRequested)
    (line,) = requested.lines
    assert (line.line_item_id, line.quantity, line.reason_text) == (
        "1",
        1,
        "La taza tiene una grieta",
    )


def test_a_return_without_plugin_details_is_a_whole_order_return_for_another_reason():
    (_, requested) = parse(ORDER | {"status": "return-requested"})

    (line,) = requested.lines
    assert (line.line_item_id, line.reason, line.reason_text) == (None, "other", None)


def test_the_order_language_comes_from_a_multilingual_plugin():
    (state,) = parse(with_meta(ORDER, "wpml_language", "es"))

    assert state.customer_locale == "es"
