"""`amends backfill`: a new install reads the store's past orders, returns and refunds.

A sandbox store holds three weeks of orders placed before Amends was installed:
mugs and T-shirts, three mugs sent back defective, a T-shirt too small, and a refund
of two mugs that arrived broken. Read through the platform's API, they give the
return report the webhooks gave; read again, or read after the webhooks, they
count nothing twice; and the backfill opens no incident about matters long settled.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from plugin import sync, worker
from plugin.app import create_app
from plugin.shops import UNINSTALLED
from plugin.storage.models import BackfillCheckpoint, Shop
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET, TEST_NOW
from tests.helpers import inbox_count
from tests.test_sandbox_shopify_harness import (
    FIXTURES,
    TOKEN,
    Sandbox,
    running_sandbox,
    serving,
)
from tests.test_sandbox_woocommerce_helpers import CONSUMER_KEY as WOO_KEY
from tests.test_sandbox_woocommerce_helpers import CONSUMER_SECRET as WOO_SECRET_KEY
from tests.test_sandbox_woocommerce_helpers import Sandbox as WooSandbox
from tests.test_sandbox_woocommerce_helpers import observed as woo_observed
from tests.test_sandbox_woocommerce_helpers import running_sandbox as running_woo_sandbox

SINCE = "2026-11-01"
REPORT = ("reports", "returns", "--json", "--since", SINCE, "--until", "2026-11-23", "--by", "sku")
ORDERS = 12  # two a page: six pages
MUG = {
    "product_id": 701,
    "variant_id": 7011,
    "sku": "MUG-350",
    "title": "Taza Olivar",
    "price": "12.50",
}
TEE = {"product_id": 702, "variant_id": 7021, "sku": "TEE-M", "title": "Camiseta", "price": "19.00"}
# Figures computed by hand from the scenario: 12 orders of 2 mugs and 1 T-shirt.
EXPECTED = [
    ("damaged_in_transit", "701", "MUG-350", 2, 24),  # the refund "El asa llegó rota"
    ("defective", "701", "MUG-350", 3, 24),  # returns of orders 6001-6003
    ("size_too_small", "702", "TEE-M", 1, 12),  # return of order 6004
]


def shopify_order(number: int) -> dict[str, Any]:
    """Return order 6000+n in webhook shape, placed n days after 31 October."""
    order = json.loads((FIXTURES / "order_5001.json").read_text())
    placed = datetime.fromisoformat("2026-10-31T10:00:00+00:00") + timedelta(days=number)
    order_id = 6000 + number
    return order | {
        "id": order_id,
        "name": f"#{1100 + number}",
        "order_number": 1100 + number,
        "created_at": placed.isoformat(),
        "processed_at": placed.isoformat(),
        "updated_at": placed.isoformat(),
        "line_items": [
            MUG | {"id": order_id * 10 + 1, "quantity": 2},
            TEE | {"id": order_id * 10 + 2, "quantity": 1},
        ],
    }


DEFECTIVE = {"return_reason": "defective"}
BROKEN_MUGS = {"line_item_id": 60051, "quantity": 2, "restock_type": "no_restock"}


def play_shopify_history(store: Sandbox) -> None:
    """Place the twelve orders, the four returns and the refund, as the shop lived them."""
    for number in range(1, ORDERS + 1):
        store.post("/orders", shopify_order(number))
    for order_id in (6001, 6002, 6003):
        store.post(
            f"/orders/{order_id}/returns",
            {
                "lines": [
                    {"line_item_id": order_id * 10 + 1, "quantity": 1, "return_reason": "defective"}
                ]
            },
        )
    store.post(
        "/orders/6004/returns",
        {"lines": [{"line_item_id": 60042, "quantity": 1, "return_reason": "size_too_small"}]},
    )
    store.post(
        "/orders/6005/refunds",
        {
            "note": "El asa llegó rota",
            "refund_line_items": [
                {"line_item_id": 60051, "quantity": 2, "restock_type": "no_restock"}
            ],
        },
    )


def report(cli, shop_id: int) -> list[tuple]:
    rows = json.loads(cli(*REPORT, "--shop", str(shop_id)).stdout)
    return sorted(
        (r["reason"], r["product_id"], r["sku"], r["returned_units"], r["sold_units"]) for r in rows
    )


def incident_count(cli) -> int:
    return len(json.loads(cli("incidents", "list", "--json").stdout))


@pytest.fixture
def amends_url(runtime) -> Iterator[str]:
    with serving(create_app(runtime=runtime)) as url:
        yield url


def shopify_store(runtime, **settings: Any) -> Iterator[Sandbox]:
    with running_sandbox(
        shop_domain=SHOPIFY_DOMAIN, api_secret=SHOPIFY_SECRET, **settings
    ) as store:
        runtime.use_clock(store.clock)
        yield store


@pytest.fixture
def quiet_store(runtime) -> Iterator[Sandbox]:
    """A sandbox Shopify that delivers no webhook: Amends was not installed yet."""
    yield from shopify_store(runtime)


@pytest.fixture
def live_store(runtime, amends_url) -> Iterator[Sandbox]:
    """A sandbox Shopify delivering its webhooks to Amends."""
    yield from shopify_store(runtime, webhook_uri=f"{amends_url}/webhooks/shopify")


def connect(make_shop, store: Sandbox) -> int:
    return make_shop("shopify", api_url=store.base, access_token=TOKEN)


def test_a_backfill_gives_the_report_the_webhooks_give(quiet_store, make_shop, runtime, cli):
    play_shopify_history(quiet_store)
    shop_id = connect(make_shop, quiet_store)

    result = cli("backfill", "--shop", str(shop_id), "--since", SINCE)
    worker.run_once(runtime)

    assert result.exit_code == 0, result.output
    assert f"{ORDERS} orders in 6 pages, {ORDERS} new to the inbox" in result.output
    assert report(cli, shop_id) == EXPECTED
    assert incident_count(cli) == 0  # three defective mugs, long settled: nobody is written to


def test_what_the_webhooks_brought_is_not_counted_again_by_a_backfill(
    live_store, make_shop, runtime, cli
):
    shop_id = connect(make_shop, live_store)
    play_shopify_history(live_store)
    live_store.drain()
    worker.run_once(runtime)
    by_webhooks, incidents = report(cli, shop_id), incident_count(cli)

    cli("backfill", "--shop", str(shop_id), "--since", SINCE)
    worker.run_once(runtime)

    assert by_webhooks == EXPECTED
    assert report(cli, shop_id) == EXPECTED
    assert incident_count(cli) == incidents


def test_a_second_backfill_reads_nothing_and_changes_nothing(quiet_store, make_shop, runtime, cli):
    play_shopify_history(quiet_store)
    shop_id = connect(make_shop, quiet_store)
    cli("backfill", "--shop", str(shop_id), "--since", SINCE)
    worker.run_once(runtime)
    stored = inbox_count(runtime)

    again = cli("backfill", "--shop", str(shop_id), "--since", SINCE)
    worker.run_once(runtime)

    assert again.exit_code == 0
    assert "was read already" in again.output
    assert inbox_count(runtime) == stored
    assert report(cli, shop_id) == EXPECTED


def test_an_earlier_since_reads_again_and_stores_only_what_is_new(
    quiet_store, make_shop, runtime, cli
):
    play_shopify_history(quiet_store)
    shop_id = connect(make_shop, quiet_store)
    cli("backfill", "--shop", str(shop_id), "--since", "2026-11-07")
    stored = inbox_count(runtime)

    wider = cli("backfill", "--shop", str(shop_id), "--since", SINCE)
    worker.run_once(runtime)

    assert stored == 6  # placed from 7 November on
    assert f"{ORDERS} orders in 6 pages, 6 new to the inbox" in wider.output
    assert report(cli, shop_id) == EXPECTED


# --- what an operator gets wrong ------------------------------------------------------


def checkpoints(runtime) -> int:
    with runtime.database.transaction() as session:
        return len(session.scalars(select(BackfillCheckpoint)).all())


def test_an_unknown_shop_is_refused(cli, runtime):
    result = cli("backfill", "--shop", "42", "--since", SINCE)

    assert (result.exit_code, result.output.strip()) == (1, "Error: no shop with id 42")
    assert checkpoints(runtime) == 0


@pytest.mark.parametrize("since", ["2026-13-01", "last month", "01/11/2026"])
def test_a_date_that_is_not_one_is_refused(cli, shopify_shop, runtime, since):
    result = cli("backfill", "--shop", str(shopify_shop), "--since", since)

    assert result.exit_code == 2
    assert f"{since!r} is not a date (YYYY-MM-DD)" in result.output
    assert checkpoints(runtime) == 0


def test_a_day_to_come_is_refused(cli, shopify_shop, runtime):
    result = cli("backfill", "--shop", str(shopify_shop), "--since", "2026-11-24")

    assert result.exit_code == 2
    assert "2026-11-24 is in the future" in result.output
    assert checkpoints(runtime) == 0


def test_an_uninstalled_shop_is_refused(cli, shopify_shop, runtime):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).status = UNINSTALLED

    result = cli("backfill", "--shop", str(shopify_shop), "--since", SINCE)

    assert result.exit_code == 1
    assert f"shop {shopify_shop} ({SHOPIFY_DOMAIN}) is uninstalled: install Amends" in result.output
    assert checkpoints(runtime) == 0


def test_a_store_that_cannot_be_reached_stops_the_backfill_with_what_to_do(
    cli, shopify_shop, runtime
):
    result = cli("backfill", "--shop", str(shopify_shop), "--since", SINCE)

    assert result.exit_code == 1
    assert "after 0 pages (0 orders kept); run the same command again" in result.output


# --- WooCommerce ------------------------------------------------------------------------

WOO_ORDER = woo_observed("POST-orders-create")["request"]["json"]


def woo_order(store: WooSandbox, day: int) -> dict:
    """Place and pay an order (2 x product 10, 1 x product 11) on `day` November, 10:00 UTC."""
    store.freeze(f"2026-11-{day:02d}T10:00:00+00:00")
    response = store.api.post("orders", WOO_ORDER)
    assert response.status_code == 201, response.text
    return response.json()


def play_woocommerce_history(store: WooSandbox) -> None:
    """Three orders; a mug of the first sent back broken; the second refunded, unwanted."""
    first, second, _ = (woo_order(store, day) for day in (3, 10, 17))
    store.freeze("2026-11-20T10:00:00+00:00")
    mug = first["line_items"][0]
    returned = {
        "products": [{"item_id": mug["id"], "product_id": mug["product_id"], "qty": 1}],
        "reason": "Arrivata rotta",
        "status": "pending",
    }
    meta = [{"key": "wps_rma_return_product", "value": {"1795168800": returned}}]
    changes = {"status": "return-requested", "meta_data": meta}
    assert store.api.put(f"orders/{first['id']}", changes).status_code == 200
    refund = {"amount": "10.00", "reason": "Non mi piace più", "api_refund": False}
    assert store.api.post(f"orders/{second['id']}/refunds", refund).status_code == 201
    store.freeze(TEST_NOW)


@pytest.fixture
def woo_store(runtime) -> Iterator[WooSandbox]:
    with running_woo_sandbox() as store:
        runtime.use_clock(store.store.clock)
        yield store


UNKNOWN = "returns_without_quantity"


def woo_report(cli, shop_id: int) -> list[tuple]:
    rows = json.loads(cli(*REPORT, "--shop", str(shop_id)).stdout)
    return sorted(
        (
            r["reason"],
            r["product_id"],
            r["returned_units"],
            r["sold_units"],
            r["returns_without_quantity"],
        )
        for r in rows
    )


def test_a_woocommerce_backfill_gives_the_report_its_orders_give(
    woo_store, make_shop, runtime, cli
):
    play_woocommerce_history(woo_store)
    shop_id = make_shop(
        "woocommerce",
        domain=woo_store.url + "/",
        consumer_key=WOO_KEY,
        consumer_secret=WOO_SECRET_KEY,
    )

    result = cli("backfill", "--shop", str(shop_id), "--since", SINCE)
    worker.run_once(runtime)
    backfilled = woo_report(cli, shop_id)
    with runtime.database.transaction() as session:
        shop = session.get_one(Shop, shop_id)
        session.expunge(shop)
    sync.reconcile_shop(runtime, shop, datetime.fromisoformat("2026-10-01T00:00:00+00:00"))
    worker.run_once(runtime)

    assert result.exit_code == 0, result.output
    assert "3 orders in 1 pages, 3 new to the inbox" in result.output
    assert backfilled == [
        ("damaged_in_transit", "10", 1, 6, 0),  # one of the six mugs came back broken
        ("unwanted", None, 0, 0, 1),  # a refund of an amount: of what, WooCommerce never said
    ]
    assert woo_report(cli, shop_id) == backfilled  # the same orders read as deliveries are
