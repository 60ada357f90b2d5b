"""A parcel late past the carrier's estimate, or stuck without tracking news, opens
delayed_shipment by itself; one delivered in time opens nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from plugin import scheduler, worker
from plugin.storage.models import Order, Parcel, Shop
from tests.conftest import fixture_bytes

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
EVENT = json.loads(fixture_bytes("shopify/fulfillment_events_create.json"))
PARCEL = EVENT["fulfillment_id"]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def carrier(status: str, happened_at: str, estimated: str | None = None, event_id: int = 1) -> dict:
    return EVENT | {
        "id": event_id,
        "status": status,
        "happened_at": happened_at,
        "estimated_delivery_at": estimated,
    }


def shipped_order(shipped_at: str) -> dict:
    fulfillment = {
        "id": PARCEL,
        "order_id": ORDER["id"],
        "status": "success",
        "shipment_status": None,
        "tracking_company": "Correos Express",
        "tracking_number": "3230008342012001",
        "created_at": shipped_at,
    }
    return ORDER | {
        "fulfillment_status": "fulfilled",
        "fulfillments": [fulfillment],
        "updated_at": shipped_at,
    }


def late_parcels(runtime, now: str) -> int:
    return scheduler.run_due(runtime, now=at(now)).counts["incidents.late-parcels"]


def incidents(cli) -> list[dict]:
    return json.loads(cli("incidents", "list", "--json").stdout)


def opening(cli, incident_id: int) -> dict:
    shown = json.loads(cli("incidents", "show", str(incident_id), "--json").stdout)
    return shown["timeline"][0]["detail"]


def due(runtime) -> datetime | None:
    with runtime.database.transaction() as session:
        return session.scalar(select(Parcel.next_due_at))


def test_a_parcel_past_its_estimate_and_grace_opens_delayed_shipment(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify(
        "fulfillment_events/create",
        carrier("in_transit", "2026-11-19T08:30:00+01:00", "2026-11-21T18:00:00+01:00"),
    )
    worker.run_once(runtime)

    # Estimated Saturday 17:00 UTC; two days' grace: late from Monday 17:00 UTC.
    assert due(runtime) == at("2026-11-23T17:00:00+00:00")
    assert late_parcels(runtime, "2026-11-23T16:59:00+00:00") == 0
    assert late_parcels(runtime, "2026-11-23T17:00:00+00:00") == 1

    (incident,) = incidents(cli)
    assert (incident["kind"], incident["order_name"]) == ("delayed_shipment", "#1042")
    assert opening(cli, incident["id"]) == {
        "source": "past_estimated_delivery",
        "shipment_id": str(PARCEL),
        "status": "in_transit",
        "estimated_delivery_at": "2026-11-21T17:00:00+00:00",
        "last_event_at": "2026-11-19T07:30:00+00:00",
    }
    assert late_parcels(runtime, "2026-11-30T09:00:00+00:00") == 0


def test_a_shipped_parcel_the_carrier_never_mentions_is_stuck_after_five_days(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/updated", shipped_order("2026-11-17T10:00:00+01:00"))
    worker.run_once(runtime)

    assert late_parcels(runtime, "2026-11-22T08:59:00+00:00") == 0
    assert late_parcels(runtime, "2026-11-22T09:00:00+00:00") == 1
    (incident,) = incidents(cli)
    assert opening(cli, incident["id"])["source"] == "no_tracking"


def test_news_from_the_carrier_moves_the_stuck_time_on(shopify_shop, post_shopify, runtime):
    post_shopify("orders/updated", shipped_order("2026-11-17T10:00:00+01:00"))
    post_shopify("fulfillment_events/create", carrier("in_transit", "2026-11-20T10:00:00+01:00"))

    worker.run_once(runtime)

    assert due(runtime) == at("2026-11-25T09:00:00+00:00")


def test_a_parcel_delivered_in_time_opens_nothing(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", ORDER)
    post_shopify(
        "fulfillment_events/create",
        carrier("in_transit", "2026-11-19T08:30:00+01:00", "2026-11-21T18:00:00+01:00"),
    )
    post_shopify(
        "fulfillment_events/create", carrier("delivered", "2026-11-21T12:00:00+01:00", event_id=2)
    )
    worker.run_once(runtime)

    assert due(runtime) is None
    assert late_parcels(runtime, "2026-12-01T00:00:00+00:00") == 0
    assert incidents(cli) == []


def test_an_older_carrier_event_arriving_late_changes_nothing(shopify_shop, post_shopify, runtime):
    post_shopify(
        "fulfillment_events/create", carrier("delivered", "2026-11-21T12:00:00+01:00", event_id=2)
    )
    post_shopify(
        "fulfillment_events/create",
        carrier("in_transit", "2026-11-19T08:30:00+01:00", "2026-11-21T18:00:00+01:00"),
    )

    worker.run_once(runtime)

    with runtime.database.transaction() as session:
        parcel = session.scalars(select(Parcel)).one()
        assert (parcel.status, parcel.next_due_at) == ("delivered", None)


@pytest.mark.parametrize("settings", [{"care": {"stale_tracking_days": 2}}])
def test_the_shop_says_how_long_a_parcel_may_go_quiet(
    shopify_shop, post_shopify, runtime, settings
):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).settings = settings
    post_shopify("orders/updated", shipped_order("2026-11-17T10:00:00+01:00"))

    worker.run_once(runtime)

    assert due(runtime) == at("2026-11-19T09:00:00+00:00")


def test_an_uninstalled_shops_parcels_open_nothing(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/updated", shipped_order("2026-11-17T10:00:00+01:00"))
    worker.run_once(runtime)
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).status = "uninstalled"

    assert late_parcels(runtime, "2026-12-01T00:00:00+00:00") == 0
    assert incidents(cli) == []


def test_uninstalling_takes_the_shops_orders_and_parcels_off_the_due_indexes(
    shopify_shop, post_shopify, runtime
):
    paid = ORDER | {"financial_status": "paid", "processed_at": "2026-11-19T10:00:00+01:00"}
    post_shopify("orders/create", paid)
    post_shopify("fulfillment_events/create", carrier("in_transit", "2026-11-19T08:30:00+01:00"))
    worker.run_once(runtime)

    post_shopify("app/uninstalled", json.loads(fixture_bytes("shopify/app_uninstalled.json")))
    worker.run_once(runtime)

    with runtime.database.transaction() as session:
        assert session.scalars(select(Order.next_due_at)).all() == [None]
        assert session.scalars(select(Parcel.next_due_at)).all() == [None]
