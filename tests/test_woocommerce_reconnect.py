"""Connecting a WooCommerce store again: no delivery refused while the store catches up.

A reconnect gives the shop a new key pair and a new webhook secret at once, but the
store signs with the old secret until its webhooks are updated. If the merchant
approves and closes the tab, the return step that updates them never runs: deliveries
signed with the old secret are taken until the upkeep job gives the store the new one.
The old key cannot be revoked through the REST API, so the merchant is told to.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import func, select

from plugin import sync, worker
from plugin.app import create_app
from plugin.shops import shop_credentials
from plugin.storage.models import Order, Shop
from tests.conftest import woo_headers
from tests.helpers import inbox_count
from tests.test_sandbox_woocommerce_helpers import Sandbox, ServerThread, observed, running_sandbox

ORDER = observed("POST-orders-create")["request"]["json"]


@pytest.fixture
def store() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def amends_app(runtime):
    return create_app(runtime=runtime)


# Amends is public over https on the default port, as wc-auth and deliveries need; the
# store reaches the loopback server behind it through its proxy_tls harness setting.
PUBLIC_URL = "https://amends.test"


@pytest.fixture
def amends(runtime, amends_app, store) -> Iterator[str]:
    server = ServerThread(amends_app)
    store.store.proxy_tls(PUBLIC_URL, server.url)
    runtime.settings = dataclasses.replace(runtime.settings, public_url=PUBLIC_URL)
    yield server.url
    server.close()


def approve(amends: str, store: Sandbox, *, come_back: bool) -> requests.Response:
    """Approve Amends in the store; without `come_back` the merchant closes the tab then."""
    start = requests.get(
        f"{amends}/admin/connect/woocommerce",
        params={"store_url": store.url},
        allow_redirects=False,
        timeout=5,
    )
    approved = requests.get(
        start.headers["Location"] + "&_sandbox_approve=1", allow_redirects=False, timeout=10
    )
    if not come_back:
        return approved
    back = approved.headers["Location"]
    assert back.startswith(PUBLIC_URL), back
    return requests.get(amends + back[len(PUBLIC_URL) :], timeout=10)


def place_order(store: Sandbox) -> None:
    assert store.api.post("orders", ORDER).status_code == 201
    store.flush()


def stored_orders(runtime) -> int:
    worker.run_once(runtime)
    with runtime.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Order))


def secrets_of(runtime, shop_id: int = 1) -> tuple[str, str | None]:
    with runtime.database.transaction() as session:
        credentials = shop_credentials(session, runtime.credentials, shop_id)
    return credentials["webhook_secret"], credentials.get("previous_webhook_secret")


def hook_failures(store: Sandbox) -> list[int]:
    return sorted(hook.failure_count for hook in store.store.webhooks.values())


def test_a_reconnect_left_half_way_loses_no_delivery_and_the_upkeep_converges(
    store, amends, runtime, amends_app
):
    assert approve(amends, store, come_back=True).json()["status"] == "connected"
    first, _ = secrets_of(runtime)

    approve(amends, store, come_back=False)
    amends_app.extensions["amends.webhooks.shops"].clear()  # shops are remembered for seconds
    current, previous = secrets_of(runtime)
    place_order(store)  # signed with the secret the store still has

    assert (previous, current != first) == (first, True)
    assert stored_orders(runtime) == 1
    assert set(hook_failures(store)) == {0}

    sync.keep_webhooks_alive(runtime, runtime.clock.now())
    place_order(store)

    assert secrets_of(runtime) == (current, None)
    assert stored_orders(runtime) == 2
    assert set(hook_failures(store)) == {0}


def test_once_converged_the_old_secret_is_refused(store, amends, runtime, amends_app):
    approve(amends, store, come_back=True)
    first, _ = secrets_of(runtime)
    approve(amends, store, come_back=False)
    sync.keep_webhooks_alive(runtime, runtime.clock.now())
    amends_app.extensions["amends.webhooks.shops"].clear()  # shops are remembered for seconds
    body = json.dumps({"id": 77, "date_modified_gmt": "2026-11-23T09:00:00"}).encode()

    response = requests.post(
        f"{amends}/webhooks/woocommerce/1",
        data=body,
        headers=woo_headers(body, "order.updated", secret=first),
        timeout=5,
    )

    assert response.status_code == 401
    assert inbox_count(runtime) == 0


def test_the_merchant_is_told_to_delete_the_key_woocommerce_cannot_revoke(
    store, amends, runtime, cli
):
    approve(amends, store, come_back=True)
    with runtime.database.transaction() as session:
        old = shop_credentials(session, runtime.credentials, 1)

    back = approve(amends, store, come_back=True)

    notice = (
        f"An old API key remains (key {old['key_id']}, consumer key ending in "
        f"…{old['consumer_key'][-7:]}); delete it "
        "under WooCommerce > Settings > Advanced > REST API: WooCommerce cannot revoke it "
        "through its API."
    )
    assert back.json()["notices"] == [notice]
    (shop,) = json.loads(cli("shops", "list", "--json").stdout)
    assert shop["notices"] == [notice]
    assert f"shop 1: {notice}" in cli("shops", "list").stdout


def test_a_first_connection_carries_no_notice_and_no_previous_secret(store, amends, runtime):
    back = approve(amends, store, come_back=True)

    assert back.json()["notices"] == []
    assert secrets_of(runtime)[1] is None


def test_a_secret_changed_since_the_shop_was_remembered_is_looked_up_again(
    client, runtime, woo_shop
):
    body = json.dumps({"id": 12, "date_modified_gmt": "2026-11-23T09:00:00"}).encode()
    before = client.post(
        "/webhooks/woocommerce/1", data=body, headers=woo_headers(body, "order.updated")
    )
    with runtime.database.transaction() as session:
        shop = session.get(Shop, woo_shop)
        credentials = runtime.credentials.open(shop.credentials)
        shop.credentials = runtime.credentials.seal(credentials | {"webhook_secret": "newsecret"})
    changed = body.replace(b"09:00:00", b"09:00:01")

    after = client.post(
        "/webhooks/woocommerce/1",
        data=changed,
        headers=woo_headers(changed, "order.updated", secret="newsecret"),
    )

    assert (before.status_code, after.status_code) == (200, 200)
    assert inbox_count(runtime) == 2
