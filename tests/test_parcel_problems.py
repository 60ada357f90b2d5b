"""A parcel in trouble opens one incident, whether the order or the carrier event says so."""

from __future__ import annotations

import json

import pytest

from plugin import worker
from tests.conftest import fixture_bytes

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
EVENT = json.loads(fixture_bytes("shopify/fulfillment_events_create.json"))
PARCEL = 5170337841209


def order_with_parcel(status: str | None, updated_at: str) -> dict:
    """The order as `orders/updated` sends it once a parcel has shipped."""
    fulfillment = {
        "id": PARCEL,
        "order_id": ORDER["id"],
        "status": "success",
        "shipment_status": status,
        "tracking_company": "Correos Express",
        "tracking_number": "3230008342012001",
        "tracking_numbers": ["3230008342012001"],
        "created_at": "2026-11-17T10:00:00+01:00",
    }
    return ORDER | {
        "fulfillment_status": "fulfilled",
        "fulfillments": [fulfillment],
        "updated_at": updated_at,
    }


def incidents(cli) -> list[dict]:
    return json.loads(cli("incidents", "list", "--json").stdout)


@pytest.mark.parametrize("status", ["failure", "attempted_delivery", "returning_to_sender"])
def test_an_order_update_whose_parcel_failed_opens_a_delivery_exception(
    shopify_shop, post_shopify, runtime, cli, status
):
    post_shopify("orders/updated", order_with_parcel(status, "2026-11-20T09:00:00+01:00"))

    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert (incident["kind"], incident["order_name"]) == ("delivery_exception", "#1042")
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    assert shown["timeline"][0]["detail"]["shipment_id"] == str(PARCEL)


def test_a_parcel_on_its_way_opens_nothing(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/updated", order_with_parcel("in_transit", "2026-11-20T09:00:00+01:00"))
    post_shopify("orders/updated", order_with_parcel(None, "2026-11-20T10:00:00+01:00"))

    worker.run_once(runtime)

    assert incidents(cli) == []


def test_the_order_and_the_carrier_event_for_one_failed_parcel_open_one_incident(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/updated", order_with_parcel("failure", "2026-11-20T09:00:00+01:00"))
    post_shopify("fulfillment_events/create", EVENT | {"status": "failure"})

    worker.run_once(runtime)

    (incident,) = incidents(cli)
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    assert [entry["type"] for entry in shown["timeline"]] == [
        "incident_opened",
        "message_queued",
        "compensation_decided",
    ]


def test_an_older_order_state_arriving_late_opens_nothing(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/updated", order_with_parcel("delivered", "2026-11-21T09:00:00+01:00"))
    post_shopify("orders/updated", order_with_parcel("failure", "2026-11-20T09:00:00+01:00"))

    worker.run_once(runtime)

    assert incidents(cli) == []
