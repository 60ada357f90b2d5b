"""Incidents resolve by themselves when their cause clears, with the platform as actor."""

from __future__ import annotations

import json

from plugin import worker
from tests.conftest import fixture_bytes

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
RETURN = json.loads(fixture_bytes("shopify/returns_request.json"))
EVENT = json.loads(fixture_bytes("shopify/fulfillment_events_create.json"))
REFUND = json.loads(fixture_bytes("shopify/refunds_create.json"))


def incidents(cli) -> dict[str, dict]:
    return {i["kind"]: i for i in json.loads(cli("incidents", "list", "--json").stdout)}


def last_entry(cli, incident_id: int) -> dict:
    """Return the incident's last status change (messages are queued around it)."""
    timeline = json.loads(cli("incidents", "show", str(incident_id), "--json").stdout)["timeline"]
    return [entry for entry in timeline if entry["type"] == "status_changed"][-1]


def test_a_delayed_parcel_that_is_delivered_resolves_its_incident(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify("fulfillment_events/create", EVENT)  # delayed
    worker.run_once(runtime)
    assert incidents(cli)["delayed_shipment"]["status"] == "open"

    post_shopify("fulfillment_events/create", EVENT | {"id": 29483021338, "status": "delivered"})
    worker.run_once(runtime)

    incident = incidents(cli)["delayed_shipment"]
    assert incident["status"] == "resolved"
    assert last_entry(cli, incident["id"]) | {"at": None} == {
        "at": None,
        "type": "status_changed",
        "actor": "platform",
        "detail": {
            "from": "open",
            "to": "resolved",
            "reason": "the carrier delivered the parcel",
        },
    }


def test_a_parcel_on_its_way_resolves_nothing(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", ORDER)
    post_shopify("fulfillment_events/create", EVENT)
    post_shopify("fulfillment_events/create", EVENT | {"id": 29483021338, "status": "in_transit"})

    worker.run_once(runtime)

    assert incidents(cli)["delayed_shipment"]["status"] == "open"


def test_a_staff_refund_of_the_items_resolves_a_defective_item_incident(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)

    post_shopify("refunds/create", REFUND | {"note": "Reembolso"})
    worker.run_once(runtime)

    incident = incidents(cli)["defective_item"]
    assert incident["status"] == "resolved"
    assert last_entry(cli, incident["id"])["detail"]["reason"] == "the shop refunded the items"


def test_a_shipping_only_refund_leaves_a_defective_item_incident_open(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)
    shipping_only = REFUND | {
        "note": "Envío",
        "refund_line_items": [],
        "transactions": [
            {"kind": "refund", "status": "success", "amount": "4.90"},
        ],
        "refund_shipping_lines": [
            {"subtotal_amount_set": {"shop_money": {"amount": "4.90", "currency_code": "EUR"}}}
        ],
    }

    post_shopify("refunds/create", shipping_only)
    worker.run_once(runtime)

    assert incidents(cli)["defective_item"]["status"] == "open"


def test_a_closed_return_resolves_the_incident_it_opened(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)

    post_shopify("returns/close", {"id": RETURN["id"], "status": "closed"})
    worker.run_once(runtime)

    incident = incidents(cli)["defective_item"]
    assert incident["status"] == "resolved"
    assert last_entry(cli, incident["id"])["detail"]["reason"] == "the return was completed"
