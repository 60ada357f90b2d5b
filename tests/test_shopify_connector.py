"""The Shopify connector against the sandbox Shopify, through ShopifyAPI's GraphQL client.

Every action is safe to repeat; the client waits out a small cost bucket instead of
failing, retries 5xx, and keeps each shop's token to itself across threads.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import shopify

from connectors.shopify import ShopifyConnector, actions, reconcile, subscriptions
from connectors.shopify.client import ShopifyClient
from connectors.shopify.connector import AppCredentials
from plugin.errors import (
    InvalidInput,
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnauthorized,
    PlatformUnavailable,
)
from plugin.platforms import CouponSpec, NoteSpec, ShippingRefundSpec, ShopContext
from tests.test_sandbox_shopify_harness import (
    FIXTURES,
    SHOP,
    TOKEN,
    Sandbox,
    running_sandbox,
    serving,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as store:
        store.place_order()
        yield store


@pytest.fixture
def client(sandbox) -> ShopifyClient:
    return ShopifyClient(SHOP, TOKEN, api_url=sandbox.base, sleep=sandbox.advance)


@pytest.fixture
def connector(sandbox) -> ShopifyConnector:
    return ShopifyConnector(app=AppCredentials(admin_url=sandbox.base))


@pytest.fixture
def shop() -> ShopContext:
    return ShopContext(shop_id=1, domain=SHOP, credentials={"access_token": TOKEN})


def coupon(kind: str = "percent", code: str = "AMENDS-7-SORRY") -> CouponSpec:
    return CouponSpec(
        code=code,
        kind=kind,
        amount=Decimal("10"),
        customer_email="lucia.fernandez@example.es",
        expires_on=date(2026, 12, 31),
        description="Amends incident 7",
        customer_id="7001",
        starts_at=NOW,
    )


def discounts(sandbox: Sandbox) -> list[dict]:
    answer = sandbox.graphql(
        "{ discountNodes(first: 10) { nodes { id discount { __typename "
        "... on DiscountCodeBasic { title usageLimit appliesOncePerCustomer endsAt } "
        "... on DiscountCodeFreeShipping { title usageLimit } } } } }"
    )
    return answer["data"]["discountNodes"]["nodes"]


def test_a_discount_code_is_made_once_even_when_issued_twice(sandbox, connector, shop):
    first = connector.issue_coupon(shop, coupon())
    again = connector.issue_coupon(shop, coupon())

    assert (first.created, again.created) == (True, False)
    assert again.platform_ref == first.platform_ref
    (node,) = discounts(sandbox)
    assert node["discount"] == {
        "__typename": "DiscountCodeBasic",
        "title": "Amends incident 7",
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
        "endsAt": "2026-12-31T23:59:59Z",
    }


def test_a_free_shipping_code_is_made_once(sandbox, connector, shop):
    first = connector.issue_coupon(shop, coupon("free_shipping", "AMENDS-7-SHIP"))
    again = connector.issue_coupon(shop, coupon("free_shipping", "AMENDS-7-SHIP"))

    assert (first.created, again.created) == (True, False)
    assert [n["discount"]["__typename"] for n in discounts(sandbox)] == ["DiscountCodeFreeShipping"]


def test_a_shipping_refund_moves_the_shipping_back_once(sandbox, connector, shop):
    spec = ShippingRefundSpec(
        order_id="5001", idempotency_key="7-shipping", reason="Entrega con retraso"
    )

    first = connector.refund_shipping(shop, spec)
    again = connector.refund_shipping(shop, spec)

    assert (first.created, again.created) == (True, False)
    assert again.platform_ref == first.platform_ref
    refunds = sandbox.graphql(
        '{ order(id: "gid://shopify/Order/5001") { refunds { id note '
        "totalRefundedSet { shopMoney { amount } } } } }"
    )["data"]["order"]["refunds"]
    assert [(r["note"], r["totalRefundedSet"]["shopMoney"]["amount"]) for r in refunds] == [
        ("Entrega con retraso [ref 7-shipping]", "4.9")
    ]


@pytest.mark.parametrize("notify", [False, True])
def test_a_shipping_refund_says_whether_shopify_told_the_customer(sandbox, connector, shop, notify):
    spec = ShippingRefundSpec(
        order_id="5001", idempotency_key="7-shipping", reason="Entrega con retraso", notify=notify
    )

    first = connector.refund_shipping(shop, spec)
    again = connector.refund_shipping(shop, spec)

    told = sandbox.control("GET", "/orders/5001").json()["customer_notified_of_refunds"]
    assert (first.customer_notified, again.customer_notified) == (notify, notify)
    assert told == ([int(first.platform_ref.rsplit("/", 1)[-1])] if notify else [])


def test_a_shipping_refund_outside_the_gateway_is_recorded_and_moves_no_money(
    sandbox, connector, shop
):
    spec = ShippingRefundSpec("5001", "7-shipping", "Entrega con retraso", through_gateway=False)

    connector.refund_shipping(shop, spec)

    order = sandbox.graphql(
        '{ order(id: "gid://shopify/Order/5001") { '
        "totalRefundedShippingSet { shopMoney { amount } } "
        "refunds { totalRefundedSet { shopMoney { amount } } "
        "transactions(first: 5) { nodes { id } } } } }"
    )["data"]["order"]
    assert order["totalRefundedShippingSet"]["shopMoney"]["amount"] == "4.9"
    assert [
        (r["totalRefundedSet"]["shopMoney"]["amount"], r["transactions"]["nodes"])
        for r in order["refunds"]
    ] == [("0.0", [])]


def test_a_note_is_appended_once_and_the_order_tagged(sandbox, connector, shop):
    spec = NoteSpec(order_id="5001", idempotency_key="7-opened", text="Amends: incident 7 opened")

    first, again = connector.add_note(shop, spec), connector.add_note(shop, spec)

    assert (first.created, again.created) == (True, False)
    order = sandbox.graphql('{ order(id: "gid://shopify/Order/5001") { note tags } }')["data"][
        "order"
    ]
    assert order["note"].count("[ref 7-opened]") == 1
    assert "amends" in order["tags"]


def test_a_customer_facing_note_is_refused_on_shopify(connector, shop):
    with pytest.raises(InvalidInput, match="send customer messages by e-mail"):
        connector.add_note(shop, NoteSpec("5001", "k", "hola", customer_facing=True))


def test_an_order_and_orders_updated_since_are_read(sandbox, client):
    order = actions.fetch_order(client, "5001")
    updated = reconcile.orders_updated_since(client, datetime(2026, 1, 1, tzinfo=UTC))

    assert (order["id"], order["customerLocale"]) == ("gid://shopify/Order/5001", "es")
    assert [o["id"] for o in updated] == ["gid://shopify/Order/5001"]


def test_a_return_is_read_with_its_reasons(sandbox, client):
    line_id = json.loads((FIXTURES / "order_5001.json").read_text())["line_items"][0]["id"]
    created = sandbox.post(
        "/orders/5001/returns",
        {
            "lines": [
                {
                    "line_item_id": line_id,
                    "quantity": 1,
                    "return_reason": "defective",
                    "customer_note": "Llegó rota",
                }
            ],
        },
    )

    found = actions.fetch_return(client, str(created["return"]["id"]))

    (line,) = found["returnLineItems"]["nodes"]
    assert (line["returnReason"], line["customerNote"]) == ("DEFECTIVE", "Llegó rota")


def test_a_small_cost_bucket_makes_the_client_wait_not_fail():
    with running_sandbox(bucket_size=25.0, restore_rate=1.0) as store:
        store.place_order()
        waits = []

        def wait(seconds: float) -> None:
            waits.append(seconds)
            store.advance(seconds)

        client = ShopifyClient(SHOP, TOKEN, api_url=store.base, sleep=wait, clock=lambda: 0.0)
        for n in range(4):
            actions.add_note(client, NoteSpec("5001", f"k{n}", f"note {n}"))

    assert waits  # it had to wait...
    assert all(seconds > 0 for seconds in waits)  # ...and never gave up


class Flaky:
    """Answer 502 to the first `failures` requests, then pass them to the app."""

    def __init__(self, app, failures: int) -> None:
        self.app, self.failures, self.seen = app, failures, 0

    def __call__(self, environ, start_response):
        self.seen += 1
        if self.seen <= self.failures:
            start_response("502 Bad Gateway", [("Content-Length", "0")])
            return [b""]
        return self.app(environ, start_response)


def test_5xx_answers_are_retried_with_backoff(sandbox):
    flaky = Flaky(sandbox.app, failures=2)
    with serving(flaky) as base:
        delays = []
        client = ShopifyClient(SHOP, TOKEN, api_url=base, sleep=delays.append)

        order = actions.fetch_order(client, "5001")

    assert order["id"] == "gid://shopify/Order/5001"
    assert delays == [0.5, 1.0]


def test_a_store_that_stays_down_is_reported_as_unavailable(sandbox):
    with serving(Flaky(sandbox.app, failures=10)) as base:
        client = ShopifyClient(SHOP, TOKEN, api_url=base, sleep=lambda _: None, attempts=3)

        with pytest.raises(PlatformUnavailable, match="HTTP 502"):
            actions.fetch_order(client, "5001")


def test_a_wrong_token_is_unauthorized(sandbox):
    client = ShopifyClient(SHOP, "shpat_wrong", api_url=sandbox.base)

    with pytest.raises(PlatformUnauthorized):
        actions.fetch_order(client, "5001")


def test_two_shops_in_two_threads_never_cross_tokens():
    with (
        running_sandbox(shop_domain="shop-a.myshopify.com", access_token="token-a") as a,
        running_sandbox(shop_domain="shop-b.myshopify.com", access_token="token-b") as b,
    ):
        a.place_order()
        b.place_order()
        clients = {
            "a": ShopifyClient("shop-a.myshopify.com", "token-a", api_url=a.base),
            "b": ShopifyClient("shop-b.myshopify.com", "token-b", api_url=b.base),
        }
        failures: list[BaseException] = []

        def work(name: str) -> None:
            try:
                for n in range(15):
                    actions.add_note(clients[name], NoteSpec("5001", f"{name}{n}", f"{name} {n}"))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                failures.append(error)

        threads = [threading.Thread(target=work, args=(name,)) for name in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        notes = {
            name: store.graphql(
                '{ order(id: "gid://shopify/Order/5001") { note } }', token=f"token-{name}"
            )["data"]["order"]["note"]
            for name, store in (("a", a), ("b", b))
        }

    assert failures == []
    assert notes["a"].count("[ref a") == 15
    assert "[ref b" not in notes["a"]
    assert notes["b"].count("[ref b") == 15
    assert "[ref a" not in notes["b"]
    assert shopify.ShopifyResource.get_site() is None  # no process-global session was used


def test_missing_shop_subscriptions_are_created_once(sandbox, client):
    uri = "https://amends.example.com/webhooks/shopify"
    wanted = {"orders/create", "returns/request", "fulfillment_events/create"}

    first = subscriptions.ensure_subscriptions(client, uri, wanted)
    again = subscriptions.ensure_subscriptions(client, uri, wanted)

    assert (first.created, again.created) == (tuple(sorted(wanted)), ())
    assert again.active == tuple(sorted(wanted))
    listed = sandbox.graphql("{ webhookSubscriptions(first: 50) { nodes { topic uri } } }")
    assert sorted(n["topic"] for n in listed["data"]["webhookSubscriptions"]["nodes"]) == [
        "FULFILLMENT_EVENTS_CREATE",
        "ORDERS_CREATE",
        "RETURNS_REQUEST",
    ]


# --- one client per shop ---------------------------------------------------------------


def test_a_shops_calls_wait_for_its_cost_bucket_instead_of_being_throttled(caplog):
    with running_sandbox(bucket_size=40.0, restore_rate=10.0) as small:
        connector = ShopifyConnector(
            app=AppCredentials(admin_url=small.base),
            sleep=small.advance,
            clock=small.clock.timestamp,
        )
        shop = ShopContext(shop_id=1, domain=SHOP, credentials={"access_token": TOKEN})

        for n in range(8):  # 80 points of mutations through a bucket of 40
            connector.issue_coupon(shop, coupon(code=f"AMENDS-{n}-SORRY"))

        retries = [r for r in caplog.records if r.getMessage() == "connectors.shopify.retry"]
        waits = [r for r in caplog.records if r.getMessage() == "connectors.shopify.bucket-wait"]
        assert (len(retries), len(waits)) == (0, 4)
        small.advance(10)  # a full bucket for the read
        assert len(discounts(small)) == 8


def test_each_shop_has_one_client_and_a_renewed_token_a_new_one_that_knows_the_bucket(
    sandbox, connector, shop
):
    first = connector.client(shop)
    connector.issue_coupon(shop, coupon())
    seen = first.bucket

    other = ShopContext(shop_id=2, domain="other.myshopify.com", credentials=shop.credentials)
    renewed = ShopContext(shop_id=1, domain=SHOP, credentials={"access_token": "shpat_renewed"})

    assert connector.client(shop) is first
    assert connector.client(other) is not first
    assert seen.available < seen.maximum  # what Shopify said after the first call
    replaced = connector.client(renewed)
    assert replaced is not first
    assert replaced.serves(first.endpoint, "shpat_renewed")
    assert replaced.bucket == seen


def test_a_query_that_costs_more_than_the_bucket_holds_is_refused_without_waiting(caplog):
    with running_sandbox(bucket_size=40.0, restore_rate=10.0) as small:
        slept: list[float] = []
        client = ShopifyClient(SHOP, TOKEN, api_url=small.base, sleep=slept.append)

        with pytest.raises(PlatformRejected, match="more points than the shop's bucket holds"):
            client.execute("{ discountNodes(first: 50) { nodes { id } } }")  # 52 points

        assert slept == []


class Limited:
    """Answer 429 with `retry_after` to the first request, then pass requests to the app."""

    def __init__(self, app, retry_after: str) -> None:
        self.app, self.retry_after, self.seen = app, retry_after, 0

    def __call__(self, environ, start_response):
        self.seen += 1
        if self.seen == 1:
            start_response("429 Too Many Requests", [("Retry-After", self.retry_after)])
            return [b""]
        return self.app(environ, start_response)


def test_a_429_is_asked_again_after_its_retry_after_or_left_to_the_outbox_when_long(sandbox):
    slept: list[float] = []
    with serving(Limited(sandbox.app, "2.0")) as base:
        client = ShopifyClient(SHOP, TOKEN, api_url=base, sleep=slept.append)
        assert actions.fetch_order(client, "5001")["id"] == "gid://shopify/Order/5001"
    with serving(Limited(sandbox.app, "120")) as base:
        client = ShopifyClient(SHOP, TOKEN, api_url=base, sleep=slept.append)
        with pytest.raises(PlatformRateLimited) as raised:
            actions.fetch_order(client, "5001")

    assert slept == [2.0]
    assert raised.value.retry_after == 120.0


def test_a_sync_call_waits_out_an_outage_and_an_outbox_call_tries_once_on_one_client(sandbox):
    flaky = Flaky(sandbox.app, failures=1)
    with serving(flaky) as base:
        delays: list[float] = []
        connector = ShopifyConnector(app=AppCredentials(admin_url=base), sleep=delays.append)
        sync = ShopContext(shop_id=1, domain=SHOP, credentials={"access_token": TOKEN})
        outbox = dataclasses.replace(sync, retry_in_place=False)

        connector.issue_coupon(sync, coupon(code="AMENDS-1-SORRY"))
        flaky.failures = flaky.seen + 1  # the next request fails once more
        with pytest.raises(PlatformUnavailable, match="HTTP 502"):
            connector.issue_coupon(outbox, coupon(code="AMENDS-2-SORRY"))
        connector.issue_coupon(outbox, coupon(code="AMENDS-2-SORRY"))  # the outbox's next try

        assert delays == [0.5]  # the sync call's backoff; the outbox's call did not sleep
        assert connector.client(outbox) is connector.client(sync)  # one bucket, one ledger
    assert len(discounts(sandbox)) == 2
