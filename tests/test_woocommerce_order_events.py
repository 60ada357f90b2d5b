"""What an order payload tells beyond its state: tracking, refunds with reasons, returns."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from connectors.reasons import reason_of
from connectors.woocommerce import normalize
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
    assert line.product_id == "10"
    # the request's own key names the return: the order's later updates repeat it
    assert requested.return_id == "12:rma:1763900000"
    assert requested.requested_at == datetime.fromtimestamp(1763900000, UTC)


def test_a_plugin_request_line_without_its_quantity_is_unknown_not_zero():
    order = with_meta(
        ORDER | {"status": "return-requested"},
        "wps_rma_return_product",
        {"1763900000": {"products": [{"item_id": 1, "product_id": 10}], "reason": "Talla"}},
    )

    (_, requested) = parse(order)

    assert requested.lines[0].quantity is None


def test_a_return_without_plugin_details_is_a_whole_order_return_for_a_reason_unknown():
    (_, requested) = parse(ORDER | {"status": "return-requested"})
    (_, again) = parse(
        ORDER | {"status": "return-requested", "date_modified_gmt": "2026-12-01T10:00:00"}
    )

    (line,) = requested.lines
    assert (line.line_item_id, line.quantity, line.reason, line.reason_text) == (
        None,
        None,  # how many came back is unknown, not 0
        "unknown",
        None,
    )
    assert requested.return_id == again.return_id == "12:return-requested"


def test_the_order_language_comes_from_a_multilingual_plugin():
    (state,) = parse(with_meta(ORDER, "wpml_language", "es"))

    assert state.customer_locale == "es"


def test_a_refund_read_with_its_lines_names_each_order_line_and_how_many_came_back():
    recorded = json.loads(fixture_bytes("woocommerce/rest/POST-orders-refunds-line-no-amount.json"))
    refund = json.loads(recorded["body_text"]) | {"reason": "Llegó rota"}

    event = normalize.refund_recorded("12", refund, reason_of)

    (line,) = event.lines
    assert (line.line_item_id, line.quantity, line.product_id, line.reason) == (
        "1",  # the order line, from `_refunded_item_id`; 9 is the refund's own line
        1,  # -1 in the refund
        "10",
        "damaged_in_transit",
    )
    assert event.refunded_at == datetime(2026, 11, 23, 12, 43, 37, tzinfo=UTC)


def test_an_orders_refund_entry_says_not_which_lines_it_gave_back():
    order = ORDER | {"refunds": [{"id": 14, "reason": "", "total": "-7.14"}]}

    (_, refund) = parse(order)

    assert (refund.lines, refund.reason) == (None, "unknown")
