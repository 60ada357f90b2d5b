"""A paid order left unshipped past the shop's handling time opens delayed_shipment by itself.

The scheduler finds it from the order's first delivery alone, through the order's
indexed due time, in the shop's business days and timezone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from plugin import scheduler, worker
from plugin.errors import InvalidInput
from plugin.incidents.care import CareSettings
from plugin.storage.models import Order, Shop
from tests.conftest import fixture_bytes

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
# Paid on Thursday 2026-11-19 at 10:00 in Madrid (09:00 UTC).
PAID = ORDER | {"financial_status": "paid", "processed_at": "2026-11-19T10:00:00+01:00"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def incidents(cli) -> list[dict]:
    return json.loads(cli("incidents", "list", "--json").stdout)


def due_time(runtime) -> datetime | None:
    with runtime.database.transaction() as session:
        return session.scalar(select(Order.next_due_at))


@pytest.fixture
def madrid_shop(shopify_shop, runtime) -> int:
    with runtime.database.transaction() as session:
        shop = session.get(Shop, shopify_shop)
        shop.settings = {"care": {"handling_days": 2, "timezone": "Europe/Madrid"}}
    return shopify_shop


def test_the_order_is_due_when_its_handling_time_ends_in_the_shops_business_days(
    madrid_shop, post_shopify, runtime
):
    post_shopify("orders/create", PAID)

    worker.run_once(runtime)

    # Friday and Monday are the two business days; due at Tuesday 00:00 Madrid.
    assert due_time(runtime) == at("2026-11-23T23:00:00")


def test_an_unshipped_order_opens_delayed_shipment_once_its_time_has_come(
    madrid_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", PAID)
    worker.run_once(runtime)

    early = scheduler.run_due(runtime, now=at("2026-11-23T22:59:00"))
    assert (early.counts["incidents.overdue-shipments"], incidents(cli)) == (0, [])

    late = scheduler.run_due(runtime, now=at("2026-11-23T23:00:00"))
    again = scheduler.run_due(runtime, now=at("2026-11-25T09:00:00"))

    assert (
        late.counts["incidents.overdue-shipments"],
        again.counts["incidents.overdue-shipments"],
    ) == (1, 0)
    (incident,) = incidents(cli)
    assert (incident["kind"], incident["order_name"], incident["locale"]) == (
        "delayed_shipment",
        "#1042",
        "es",
    )
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    assert shown["timeline"][0]["detail"] == {
        "source": "handling_time",
        "paid_at": "2026-11-19T09:00:00+00:00",
        "ship_by": "2026-11-23T23:00:00+00:00",
        "fulfillment_status": "unfulfilled",
    }


@pytest.mark.parametrize(
    "later",
    [
        {"fulfillment_status": "fulfilled"},
        {"cancelled_at": "2026-11-20T10:00:00+01:00"},
    ],
)
def test_an_order_shipped_or_cancelled_in_time_opens_nothing(
    madrid_shop, post_shopify, runtime, cli, later
):
    post_shopify("orders/create", PAID)
    post_shopify("orders/updated", PAID | later | {"updated_at": "2026-11-20T10:00:00+01:00"})
    worker.run_once(runtime)

    scheduler.run_due(runtime, now=at("2026-11-30T09:00:00"))

    assert due_time(runtime) is None
    assert incidents(cli) == []


def test_an_unpaid_order_is_never_due(madrid_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", ORDER | {"financial_status": "pending"})
    worker.run_once(runtime)

    assert due_time(runtime) is None


def test_an_uninstalled_shops_orders_open_nothing(madrid_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", PAID)
    worker.run_once(runtime)
    with runtime.database.transaction() as session:
        session.get(Shop, madrid_shop).status = "uninstalled"

    scheduler.run_due(runtime, now=at("2026-11-30T09:00:00"))

    assert incidents(cli) == []


def test_a_holiday_in_the_shops_calendar_gives_the_order_one_more_day(
    shopify_shop, post_shopify, runtime
):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).settings = {
            "care": {"handling_days": 2, "timezone": "Europe/Madrid", "holidays": ["2026-11-20"]}
        }
    post_shopify("orders/create", PAID)

    worker.run_once(runtime)

    assert due_time(runtime) == at("2026-11-24T23:00:00")


@pytest.mark.parametrize(
    ("care", "message"),
    [
        ({"handling_days": -1}, "handling_days must be a whole number of days from 0 to 60"),
        ({"handling_days": "2"}, "handling_days must be a whole number"),
        ({"update_every_days": 0}, "update_every_days must be a whole number of days from 1"),
        ({"timezone": "Madrid"}, "unknown timezone 'Madrid'"),
    ],
)
def test_bad_care_settings_say_what_to_fix(care, message):
    with pytest.raises(InvalidInput, match=message):
        CareSettings.of({"care": care})


def test_defaults_act_without_any_configuration():
    care = CareSettings.of({})

    assert (care.handling_days, care.update_every_days, care.calendar.timezone) == (2, 3, "UTC")
    assert care.calendar.end_of_business_days(at("2026-11-19T09:00:00"), 2) == at(
        "2026-11-24T00:00:00"
    )


def test_the_order_shipping_at_last_without_tracking_resolves_its_delayed_shipment(
    madrid_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", PAID)
    worker.run_once(runtime)
    scheduler.run_due(runtime, now=at("2026-11-24T09:00:00"))

    post_shopify(
        "orders/updated",
        PAID | {"fulfillment_status": "fulfilled", "updated_at": "2026-11-24T12:00:00+01:00"},
    )
    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert incident["status"] == "resolved"
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    changes = [entry for entry in shown["timeline"] if entry["type"] == "status_changed"]
    assert changes[-1]["detail"]["reason"] == "the order has shipped"


def shipped_with_tracking(tracking_number: str | None) -> dict:
    fulfillment = {
        "id": 4839201755,
        "status": "success",
        "created_at": "2026-11-24T12:00:00+01:00",
        "tracking_company": "Correos",
        "tracking_number": tracking_number,
        "tracking_numbers": [tracking_number] if tracking_number else [],
        "shipment_status": None,
    }
    return PAID | {
        "fulfillment_status": "fulfilled",
        "fulfillments": [fulfillment],
        "updated_at": "2026-11-24T12:00:00+01:00",
    }


def status_changes(cli, incident_id: int) -> list[dict]:
    shown = json.loads(cli("incidents", "show", str(incident_id), "--json").stdout)
    return [entry["detail"] for entry in shown["timeline"] if entry["type"] == "status_changed"]


def test_a_late_order_shipped_with_tracking_stays_open_until_the_carrier_delivers_it(
    madrid_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", PAID)
    worker.run_once(runtime)
    scheduler.run_due(runtime, now=at("2026-11-24T09:00:00"))

    post_shopify("orders/updated", shipped_with_tracking("PQ4B7E0712345"))
    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert incident["status"] == "in_progress"
    assert status_changes(cli, incident["id"])[-1]["reason"] == (
        "the order has shipped; followed until it is delivered"
    )

    delivered = {
        "id": 29483021338,
        "fulfillment_id": 4839201755,
        "order_id": PAID["id"],
        "status": "delivered",
        "happened_at": "2026-11-26T10:00:00+01:00",
    }
    post_shopify("fulfillment_events/create", delivered)
    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert incident["status"] == "resolved"
    assert status_changes(cli, incident["id"])[-1]["reason"] == "the carrier delivered the parcel"


def test_a_late_order_shipped_without_a_tracking_number_is_resolved_at_shipping(
    madrid_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", PAID)
    worker.run_once(runtime)
    scheduler.run_due(runtime, now=at("2026-11-24T09:00:00"))

    post_shopify("orders/updated", shipped_with_tracking(None))
    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert incident["status"] == "resolved"
    assert status_changes(cli, incident["id"])[-1]["reason"] == "the order has shipped"
