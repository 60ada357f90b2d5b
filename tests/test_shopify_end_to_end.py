"""Amends and the sandbox Shopify together: install by OAuth, webhooks in, incidents out."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
import requests

from connectors.shopify.client import ShopifyClient
from plugin import worker
from plugin.app import create_app
from plugin.shops import shop_credentials
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET
from tests.test_sandbox_shopify_harness import Sandbox, running_sandbox, serving


@pytest.fixture
def amends_url(runtime) -> Iterator[str]:
    with serving(create_app(runtime=runtime)) as url:
        yield url


@pytest.fixture
def store(runtime, amends_url) -> Iterator[Sandbox]:
    with running_sandbox(
        shop_domain=SHOPIFY_DOMAIN,
        api_secret=SHOPIFY_SECRET,
        api_key=None,
        webhook_uri=f"{amends_url}/webhooks/shopify",
    ) as sandbox:
        runtime.settings = dataclasses.replace(
            runtime.settings, public_url=amends_url, shopify_admin_url=sandbox.base
        )
        runtime.connectors["shopify"].app = dataclasses.replace(
            runtime.connectors["shopify"].app, admin_url=sandbox.base
        )
        # One time for the store and Amends alike: the callback's age is then what
        # the merchant would see, whatever today's date is.
        runtime.use_clock(sandbox.clock)
        yield sandbox


def test_a_merchant_installs_by_oauth_and_the_stored_token_works(store, amends_url, runtime, cli):
    browser = requests.Session()

    landing = browser.get(
        f"{amends_url}/admin/connect/shopify", params={"shop": SHOPIFY_DOMAIN}, timeout=10
    )

    assert landing.status_code == 200, landing.text
    assert landing.json()["status"] == "connected"
    (shop,) = json.loads(cli("shops", "list", "--json").stdout)
    assert (shop["platform"], shop["domain"], shop["api_url"]) == (
        "shopify",
        SHOPIFY_DOMAIN,
        store.base,
    )
    with runtime.database.transaction() as session:
        token = shop_credentials(session, runtime.credentials, shop["id"])["access_token"]
    answer = ShopifyClient(SHOPIFY_DOMAIN, token, api_url=store.base).execute("{ shop { name } }")
    assert answer == {"shop": {"name": "Amends Demo"}}


def test_a_defective_return_in_the_store_becomes_an_incident_in_amends(
    store, shopify_shop, runtime, cli
):
    order = store.place_order()
    line = order["line_items"][0]["id"]
    store.post(
        "/orders/5001/returns",
        {
            "lines": [
                {
                    "line_item_id": line,
                    "quantity": 1,
                    "return_reason": "defective",
                    "customer_note": "El asa llegó rota",
                }
            ]
        },
    )
    store.drain()

    worker.run_once(runtime)

    (incident,) = json.loads(cli("incidents", "list", "--json").stdout)
    assert (incident["kind"], incident["order_id"], incident["customer_email"]) == (
        "defective_item",
        "5001",
        "lucia.fernandez@example.es",
    )


def test_a_carrier_delay_in_the_store_becomes_a_delayed_shipment_incident(
    store, shopify_shop, runtime, cli
):
    store.place_order()
    store.post("/orders/5001/fulfill", {"tracking_number": "PQ123", "tracking_company": "Correos"})
    store.post(
        "/orders/5001/fulfillment_events", {"status": "delayed", "message": "Incidencia en reparto"}
    )
    store.drain()

    worker.run_once(runtime)

    kinds = [i["kind"] for i in json.loads(cli("incidents", "list", "--json").stdout)]
    assert kinds == ["delayed_shipment"]
