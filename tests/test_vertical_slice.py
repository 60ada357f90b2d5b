"""End to end: a defective return opens one incident, visible through the CLI."""

from __future__ import annotations

import json

from plugin import worker
from tests.conftest import fixture_bytes

ORDER = fixture_bytes("shopify/orders_create.json")
RETURN = fixture_bytes("shopify/returns_request.json")


def test_a_defective_return_opens_one_defective_item_incident(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)

    # The two deliveries, and the coupon the default policy grants (its store is unreachable).
    assert worker.run_once(runtime) == 3

    result = cli("incidents", "list", "--json")
    assert result.exit_code == 0, result.output
    (incident,) = json.loads(result.stdout)
    assert {k: v for k, v in incident.items() if k not in ("id", "created_at", "updated_at")} == {
        "shop": shopify_shop,
        "platform": "shopify",
        "order_id": "5830194882617",
        "order_name": "#1042",
        "kind": "defective_item",
        "status": "open",
        "customer_email": "lucia.fernandez@example.es",
        "locale": "es",
    }
    assert incident["created_at"].endswith("+00:00")


def test_the_incident_timeline_says_why_it_opened(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)
    (incident,) = json.loads(cli("incidents", "list", "--json").stdout)

    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)

    opened, queued, decided = shown["timeline"]
    assert (opened["type"], opened["actor"]) == ("incident_opened", "system")
    assert (queued["type"], queued["detail"]["stage"]) == ("message_queued", "acknowledgement")
    assert (decided["type"], decided["detail"]["action"]) == ("compensation_decided", "grant")
    (coupon,) = shown["compensations"]
    assert (coupon["kind"], coupon["amount"], coupon["currency"], coupon["status"]) == (
        "percent_coupon",
        "5.48",
        "EUR",
        "queued",
    )
    assert coupon["idempotency_key"] == f"incident:{incident['id']}:compensation:1"
    assert opened["detail"]["return_id"] == "9120235577"
    assert opened["detail"]["lines"] == [
        {
            "line_item_id": "14620193734713",
            "quantity": 1,
            "reason": "defective",
            "reason_text": "El asa llegó rota / La taza tiene una grieta en el asa.",
        }
    ]
    assert shown["messages"] == [
        {
            "channel": "email",
            "stage": "acknowledgement",
            "locale": "es",
            "status": "queued",  # no mail server is configured here
            "idempotency_key": f"incident:{incident['id']}:acknowledgement",
            "queued_at": incident["created_at"],
            "sent_at": None,
        }
    ]


def test_a_return_before_its_order_is_completed_when_the_order_arrives(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)
    (early,) = json.loads(cli("incidents", "list", "--json").stdout)
    assert (early["order_name"], early["customer_email"]) == (None, None)

    post_shopify("orders/create", ORDER)
    worker.run_once(runtime)

    (later,) = json.loads(cli("incidents", "list", "--json").stdout)
    assert (later["order_name"], later["customer_email"], later["locale"]) == (
        "#1042",
        "lucia.fernandez@example.es",
        "es",
    )


def test_the_same_return_delivered_twice_opens_one_incident(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("returns/request", RETURN, webhook_id="a")
    post_shopify("returns/request", RETURN, webhook_id="b")  # a second subscription

    worker.run_once(runtime)

    assert len(json.loads(cli("incidents", "list", "--json").stdout)) == 1


def test_a_size_return_opens_no_incident(shopify_shop, post_shopify, runtime, cli):
    post_shopify("returns/request", fixture_bytes("shopify/returns_request_thin_size.json"))

    worker.run_once(runtime)

    assert json.loads(cli("incidents", "list", "--json").stdout) == []


def test_incidents_list_filters_by_shop_kind_and_status(shopify_shop, post_shopify, runtime, cli):
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)

    def ids(*options):
        return [
            i["order_id"] for i in json.loads(cli("incidents", "list", "--json", *options).stdout)
        ]

    assert ids("--kind", "defective_item") == ["5830194882617"]
    assert ids("--kind", "delayed_shipment") == []
    assert ids("--status", "open", "--shop", str(shopify_shop)) == ["5830194882617"]
    assert ids("--shop", str(shopify_shop + 1)) == []
