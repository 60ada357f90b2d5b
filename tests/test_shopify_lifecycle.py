"""Shopify deliveries beyond orders and returns: carriers, refunds, uninstall, privacy."""

from __future__ import annotations

import json

from sqlalchemy import select

from plugin import worker
from plugin.storage.models import InboxDelivery, Order, Shop
from tests.conftest import fixture_bytes

ORDER = fixture_bytes("shopify/orders_create.json")
RETURN = fixture_bytes("shopify/returns_request.json")


def incidents(cli, *options):
    return json.loads(cli("incidents", "list", "--json", *options).stdout)


def test_a_delayed_carrier_event_opens_a_delayed_shipment_incident(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify(
        "fulfillment_events/create", fixture_bytes("shopify/fulfillment_events_create.json")
    )

    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert (incident["kind"], incident["order_name"], incident["locale"]) == (
        "delayed_shipment",
        "#1042",
        "es",
    )
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    assert shown["timeline"][0]["detail"]["estimated_delivery_at"] == "2026-11-24T17:00:00+00:00"


def test_a_staff_refund_for_a_broken_item_opens_a_defective_item_incident(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("refunds/create", fixture_bytes("shopify/refunds_create.json"))

    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert incident["kind"] == "defective_item"
    detail = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)["timeline"][
        0
    ]["detail"]
    assert detail["reason_text"] == "La taza llegó rota"
    assert detail["amount"] == "18.40"


def test_the_echo_of_an_amends_refund_opens_nothing_whatever_reason_its_note_gives(
    shopify_shop, post_shopify, runtime, cli
):
    # Amends writes its refund note as "<reason> [ref <key>]": the reason alone would
    # open a defective_item incident (next test); its own reference says it is an echo.
    refund = json.loads(fixture_bytes("shopify/refunds_create.json"))
    refund["note"] = "defective — [ref 12-shipping]"
    post_shopify("refunds/create", refund)

    worker.run_once(runtime)

    assert incidents(cli) == []


def test_the_same_reason_in_a_staff_refund_opens_an_incident(
    shopify_shop, post_shopify, runtime, cli
):
    refund = json.loads(fixture_bytes("shopify/refunds_create.json"))
    refund["note"] = "defective — "
    post_shopify("refunds/create", refund)

    worker.run_once(runtime)

    assert [i["kind"] for i in incidents(cli)] == ["defective_item"]


def test_a_return_definition_handle_decides_the_reason(shopify_shop, post_shopify, runtime, cli):
    post_shopify("returns/request", fixture_bytes("shopify/returns_request_definition.json"))

    worker.run_once(runtime)

    assert [i["kind"] for i in incidents(cli)] == ["defective_item"]


def a_return(return_id: int, order_id: int, reason: str) -> dict:
    """Return the recorded return request, as another return of `order_id` for `reason`."""
    request = json.loads(RETURN)
    request["id"], request["order"]["id"] = return_id, order_id
    request["return_line_items"][0]["return_reason"] = reason
    return request


def test_a_declined_return_is_noted_on_the_incident_it_opened_and_no_other(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("returns/request", RETURN)  # return 9120235577 of order 5830194882617
    post_shopify("returns/request", a_return(9120235578, 5830194882617, "wrong_item"))
    post_shopify("returns/request", a_return(9120235579, 5830194999999, "defective"))
    post_shopify(
        "fulfillment_events/create", fixture_bytes("shopify/fulfillment_events_create.json")
    )
    worker.run_once(runtime)
    post_shopify("returns/decline", fixture_bytes("shopify/returns_decline.json"))

    worker.run_once(runtime)

    timelines = {
        (i["order_id"], i["kind"]): json.loads(
            cli("incidents", "show", str(i["id"]), "--json").stdout
        )["timeline"]
        for i in incidents(cli)
    }
    noted = {
        incident: entry["detail"]
        for incident, timeline in timelines.items()
        for entry in timeline
        if entry["type"] == "return_declined"
    }
    assert set(timelines) == {
        ("5830194882617", "defective_item"),
        ("5830194882617", "wrong_item"),
        ("5830194882617", "delayed_shipment"),
        ("5830194999999", "defective_item"),
    }
    assert noted == {
        ("5830194882617", "defective_item"): {
            "return_id": "9120235577",
            "reason": "return_period_ended",
        }
    }
    assert [(e["type"], e["actor"]) for e in timelines[("5830194882617", "defective_item")]] == [
        ("incident_opened", "system"),
        ("message_skipped", "system"),  # the order, with the customer's address, never came
        ("compensation_decided", "system"),  # nor could anything be decided without it
        ("return_declined", "platform"),
    ]


def test_app_uninstalled_marks_the_shop_uninstalled(shopify_shop, post_shopify, runtime, cli):
    post_shopify("app/uninstalled", fixture_bytes("shopify/app_uninstalled.json"))

    worker.run_once(runtime)

    (shop,) = json.loads(cli("shops", "list", "--json").stdout)
    assert shop["status"] == "uninstalled"


def test_customers_redact_erases_the_customer_and_keeps_anonymous_incidents(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)

    post_shopify("customers/redact", fixture_bytes("shopify/customers_redact.json"))
    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert (incident["kind"], incident["status"], incident["customer_email"]) == (
        "defective_item",
        "open",
        None,
    )
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    assert "lines" not in shown["timeline"][0]["detail"]
    assert shown["timeline"][-1]["type"] == "customer_data_redacted"
    with runtime.database.transaction() as session:
        assert session.scalars(select(Order.customer_email)).all() == [None]
        bodies = session.scalars(select(InboxDelivery.body)).all()
    assert not any(b"lucia.fernandez" in body or b"5830194882617" in body for body in bodies)


def test_shop_redact_deletes_orders_and_payloads(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)

    post_shopify(
        "shop/redact", {"shop_id": 61203939385, "shop_domain": "amends-demo.myshopify.com"}
    )
    worker.run_once(runtime)

    with runtime.database.transaction() as session:
        assert session.scalars(select(Order)).all() == []
        assert session.scalars(select(InboxDelivery.topic)).all() == ["shop/redact"]
        assert session.scalars(select(Shop.id)).all() == [shopify_shop]
    (incident,) = incidents(cli)
    assert incident["customer_email"] is None
