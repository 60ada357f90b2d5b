"""Amends keeps a sandbox Shopify in step: lost subscriptions made again, missed orders read.

The shop is subscribed through the Admin API (no app configuration), so after 8 failed
deliveries the sandbox deletes a subscription as Shopify does; the upkeep job makes it
again and the reconcile job reads the orders the webhooks never brought.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest

from connectors.shopify import ShopifyConnector
from connectors.shopify.connector import AppCredentials
from connectors.shopify.operations import document
from connectors.shopify.reconcile import RECONCILED_ORDER_TOPIC
from plugin import sync, worker
from plugin.app import create_app
from plugin.orders.snapshot import find_order
from plugin.storage.models import Shop
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET
from tests.helpers import inbox_rows
from tests.test_sandbox_shopify_harness import (
    TOKEN,
    Sandbox,
    running_receiver,
    running_sandbox,
    serving,
)
from tests.test_woocommerce_connector import Switch

API_TOPICS = frozenset({"orders/create", "orders/paid", "orders/updated"})


@pytest.fixture
def amends(runtime) -> Iterator[tuple[Switch, str]]:
    switch = Switch(create_app(runtime=runtime))
    with serving(switch) as url:
        yield switch, url


@pytest.fixture
def store(runtime, amends) -> Iterator[Sandbox]:
    _, url = amends
    with running_sandbox(shop_domain=SHOPIFY_DOMAIN, api_secret=SHOPIFY_SECRET) as sandbox:
        runtime.settings = dataclasses.replace(runtime.settings, public_url=url)
        runtime.connectors["shopify"] = ShopifyConnector(
            app=AppCredentials(secrets=(SHOPIFY_SECRET,), admin_url=sandbox.base),
            api_topics=API_TOPICS,
            backoff_seconds=0,
        )
        runtime.use_clock(sandbox.clock)
        yield sandbox


@pytest.fixture
def shop(store, make_shop, runtime) -> Shop:
    shop_id = make_shop("shopify", api_url=store.base, access_token=TOKEN)
    with runtime.database.transaction() as session:
        shop = session.get(Shop, shop_id)
        session.expunge(shop)
    return shop


def place_order_now(store: Sandbox) -> dict:
    """Place the fixture order as of the store's clock (the fixture's dates are a week old)."""
    now = store.clock.now().isoformat()
    return store.place_order(created_at=now, processed_at=now, updated_at=now)


def subscribed(store: Sandbox) -> list[tuple[str, str]]:
    answer = store.graphql("{ webhookSubscriptions(first: 50) { nodes { topic uri } } }")
    return sorted((n["topic"], n["uri"]) for n in answer["data"]["webhookSubscriptions"]["nodes"])


def order_state(runtime, shop: Shop, order_id: str = "5001") -> tuple | None:
    with runtime.database.transaction() as session:
        order = find_order(session, shop.id, order_id)
        return order and (order.financial_status, order.fulfillment_status, order.customer_email)


def test_the_upkeep_subscribes_the_shop_and_records_it_healthy(store, shop, runtime, amends):
    result = sync.keep_webhooks_alive(runtime, store.clock.now())

    uri = f"{amends[1]}/webhooks/shopify"
    assert result.count == 3
    assert subscribed(store) == [
        ("ORDERS_CREATE", uri),
        ("ORDERS_PAID", uri),
        ("ORDERS_UPDATED", uri),
    ]
    with runtime.database.transaction() as session:
        assert session.get(Shop, shop.id).settings["webhooks"]["state"] == "ok"


def test_subscriptions_deleted_after_failed_deliveries_are_made_again_and_the_order_read(
    store, shop, runtime, amends
):
    switch, url = amends
    sync.keep_webhooks_alive(runtime, store.clock.now())
    switch.down = True
    place_order_now(store)
    store.drain()  # 9 attempts each over ~4 h; Shopify then deletes the two subscriptions
    assert subscribed(store) == [("ORDERS_UPDATED", f"{url}/webhooks/shopify")]
    switch.down = False

    result = sync.keep_webhooks_alive(runtime, store.clock.now())
    worker.run_once(runtime)

    assert result.count == 2
    assert len(subscribed(store)) == 3
    assert [(row.topic, row.status) for row in inbox_rows(runtime)] == [
        (RECONCILED_ORDER_TOPIC, "done")
    ]
    assert order_state(runtime, shop) == ("paid", "unfulfilled", "lucia.fernandez@example.es")


def test_a_state_a_webhook_already_brought_is_not_fetched_again(store, shop, runtime):
    sync.keep_webhooks_alive(runtime, store.clock.now())
    place_order_now(store)
    store.drain()
    worker.run_once(runtime)
    delivered = len(inbox_rows(runtime))

    new = sync.reconcile_orders(runtime, store.clock.now())

    assert new.count == 0
    assert len(inbox_rows(runtime)) == delivered


def test_a_change_whose_delivery_failed_is_read_and_read_once(store, shop, runtime, amends):
    sync.keep_webhooks_alive(runtime, store.clock.now())
    place_order_now(store)
    store.drain()
    worker.run_once(runtime)
    amends[0].down = True
    store.post("/orders/5001/fulfill", {"tracking_number": "PQ1", "tracking_company": "Correos"})
    store.flush()  # the first attempt fails; Shopify would retry for hours

    first = sync.reconcile_orders(runtime, store.clock.now())
    again = sync.reconcile_orders(runtime, store.clock.now())
    worker.run_once(runtime)

    assert (first.count, again.count) == (1, 0)
    assert order_state(runtime, shop) == ("paid", "fulfilled", "lucia.fernandez@example.es")


def test_the_watermark_is_the_newest_update_the_store_reported(store, shop, runtime):
    placed = place_order_now(store)
    store.advance(3600)

    sync.reconcile_orders(runtime, store.clock.now())

    with runtime.database.transaction() as session:
        synced_at = session.get(Shop, shop.id).synced_at
    assert synced_at.strftime("%Y-%m-%dT%H:%M:%SZ") == placed["updated_at"].replace("+00:00", "Z")


def test_a_fetched_order_reads_as_its_webhook_does(store):
    connector = ShopifyConnector(app=AppCredentials(admin_url=store.base))
    with running_receiver() as receiver:
        store.graphql(
            document("AmendsWebhookSubscriptionCreate"),
            {"topic": "ORDERS_UPDATED", "sub": {"uri": receiver.base}},
        )
        store.place_order()
        store.post(
            "/orders/5001/fulfill", {"tracking_number": "PQ1", "tracking_company": "Correos"}
        )
        store.drain()
        delivery = receiver.of("orders/updated")[-1]
    from_webhook = connector.parse("orders/updated", delivery.body)
    node = store.graphql(
        document("AmendsOrdersUpdatedSince"),
        {"first": 5, "after": None, "query": "updated_at:>='2026-01-01T00:00:00Z'"},
    )["data"]["orders"]["nodes"][0]

    from_fetch = connector.parse(RECONCILED_ORDER_TOPIC, json.dumps(node).encode())

    assert from_fetch[0].shipments  # what is compared holds a parcel, lines, a customer
    assert from_fetch[0].customer_first_name == "Lucía"
    assert _comparable(from_fetch) == _comparable(from_webhook)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        (
            {"customer": None, "billing_address": {"first_name": "Marta", "country_code": "ES"}},
            "Marta",
        ),
        (
            {"customer": None, "shipping_address": {"first_name": "Pilar", "country_code": "ES"}},
            "Pilar",
        ),
        ({"customer": None, "shipping_address": None}, None),
    ],
    ids=["billing", "shipping", "nobody"],
)
def test_a_fetched_guest_order_is_named_by_its_addresses_as_its_webhook_is(store, changes, named):
    connector = ShopifyConnector(app=AppCredentials(admin_url=store.base))
    with running_receiver() as receiver:
        store.graphql(
            document("AmendsWebhookSubscriptionCreate"),
            {"topic": "ORDERS_CREATE", "sub": {"uri": receiver.base}},
        )
        store.place_order(**changes)
        store.drain()
        delivery = receiver.of("orders/create")[-1]
    node = store.graphql(
        document("AmendsOrdersUpdatedSince"),
        {"first": 5, "after": None, "query": "updated_at:>='2026-01-01T00:00:00Z'"},
    )["data"]["orders"]["nodes"][0]

    (fetched,) = connector.parse(RECONCILED_ORDER_TOPIC, json.dumps(node).encode())
    (delivered,) = connector.parse("orders/create", delivery.body)

    assert (fetched.customer_first_name, delivered.customer_first_name) == (named, named)


def _comparable(events: list) -> dict:
    (event,) = events
    fields = dataclasses.asdict(event)
    # GraphQL spells a Decimal without trailing zeros ("54.8"); the webhook as money ("54.80").
    for name in ("total_price", "shipping_total"):
        fields[name] = float(fields[name]) if fields[name] is not None else None
    # The reconcile query reads no line prices (its cost stays under Shopify's 1000
    # points); the stored order lines keep the price a webhook gave.
    fields["line_items"] = tuple(line | {"price": None} for line in fields["line_items"])
    return fields
