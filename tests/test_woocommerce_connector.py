"""The WooCommerce connector against the sandbox store, through the real REST client.

Actions are safe to repeat; webhooks are registered on connect; a webhook the store
disabled while Amends was down is found, re-enabled, and the orders changed
meanwhile are reconciled.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from connectors.woocommerce import WooCommerceConnector, actions
from plugin import scheduler, sync, worker
from plugin.app import create_app
from plugin.errors import PlatformRejected
from plugin.platforms import CouponSpec, NoteSpec, ShippingRefundSpec, ShopContext
from plugin.storage.models import Order, Shop
from tests.helpers import connect_sandbox_store, inbox_rows, refund_broken_item
from tests.test_sandbox_woocommerce_helpers import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    Sandbox,
    ServerThread,
    observed,
    running_sandbox,
)

ORDER = observed("POST-orders-create")["request"]["json"]


@pytest.fixture
def store() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def woo() -> WooCommerceConnector:
    return WooCommerceConnector(timeout=5, backoff_seconds=0)


def shop_of(store: Sandbox) -> ShopContext:
    """Return the sandbox store as the connector acts for it."""
    credentials = {
        "consumer_key": CONSUMER_KEY,
        "consumer_secret": CONSUMER_SECRET,
        "webhook_secret": "not-used-by-actions",
    }
    return ShopContext(shop_id=1, domain=store.url + "/", credentials=credentials)


@pytest.fixture
def shop(store) -> ShopContext:
    return shop_of(store)


def place_order(store: Sandbox, **changes) -> dict:
    response = store.api.post("orders", ORDER | changes)
    assert response.status_code == 201, response.text
    return response.json()


def coupon(kind="percent", code="AMENDS-12-SORRY", email="jose@tienda.example") -> CouponSpec:
    return CouponSpec(
        code=code,
        kind=kind,
        amount=Decimal("10"),
        customer_email=email,
        expires_on=date(2026, 12, 31),
        description="incident 12",
    )


# --- actions ----------------------------------------------------------------------


def test_a_coupon_is_created_once_even_when_issued_twice(store, woo, shop):
    first = woo.issue_coupon(shop, coupon())
    again = woo.issue_coupon(shop, coupon(code="amends-12-sorry"))  # codes ignore case

    assert (first.created, again.created) == (True, False)
    assert again.platform_ref == first.platform_ref
    (stored,) = store.api.get("coupons").json()
    assert (stored["discount_type"], stored["amount"], stored["email_restrictions"]) == (
        "percent",
        "10.00",
        ["jose@tienda.example"],
    )
    assert (stored["usage_limit"], stored["usage_limit_per_user"]) == (1, 1)
    assert stored["date_expires"] == "2027-01-01T00:00:00"


def test_a_code_taken_by_another_customer_is_refused_not_reused(store, woo, shop):
    woo.issue_coupon(shop, coupon(email="someone@else.example"))

    with pytest.raises(PlatformRejected, match="already exists for another customer"):
        woo.issue_coupon(shop, coupon())
    assert len(store.api.get("coupons").json()) == 1


def test_a_free_shipping_coupon_is_a_zero_amount_with_free_shipping(store, woo, shop):
    result = woo.issue_coupon(shop, coupon(kind="free_shipping", code="AMENDS-12-SHIP"))

    stored = store.api.get(f"coupons/{result.platform_ref}").json()
    assert (stored["discount_type"], stored["amount"], stored["free_shipping"]) == (
        "fixed_cart",
        "0.00",
        True,
    )


def test_a_shipping_refund_refunds_shipping_and_tax_once(store, woo, shop):
    order = place_order(store)
    spec = ShippingRefundSpec(
        order_id=str(order["id"]),
        idempotency_key="12-shipping",
        reason="Paquete entregado tarde",
        through_gateway=False,
    )

    first = woo.refund_shipping(shop, spec)
    again = woo.refund_shipping(shop, spec)

    assert (first.created, again.created) == (True, False)
    (refund,) = store.api.get(f"orders/{order['id']}/refunds").json()
    assert refund["amount"] == "7.14"
    assert refund["reason"] == "Paquete entregado tarde [ref 12-shipping]"
    assert refund["shipping_lines"][0]["total"] == "-5.90"


def test_a_shipping_refund_says_woocommerce_emailed_the_customer_though_not_asked(store, woo, shop):
    order = place_order(store)
    spec = ShippingRefundSpec(
        str(order["id"]), "12-shipping", "Paquete entregado tarde", through_gateway=False
    )

    first = woo.refund_shipping(shop, spec)
    again = woo.refund_shipping(shop, spec)

    assert spec.notify is False
    assert (first.customer_notified, again.customer_notified) == (True, True)
    refund_emails = [e for e in store.store.emails if e["template"] == "customer_refunded_order"]
    assert [(e["to"], e["refund_id"]) for e in refund_emails] == [
        ("jose@tienda.example", int(first.platform_ref))
    ]


def test_shipping_refunded_by_another_incident_is_not_refunded_twice(store, woo, shop):
    order = place_order(store)
    woo.refund_shipping(
        shop, ShippingRefundSpec(str(order["id"]), "a", "late", through_gateway=False)
    )

    with pytest.raises(PlatformRejected, match="no shipping left to refund"):
        woo.refund_shipping(
            shop, ShippingRefundSpec(str(order["id"]), "b", "late", through_gateway=False)
        )
    assert len(store.api.get(f"orders/{order['id']}/refunds").json()) == 1


def test_a_gateway_that_cannot_refund_leaves_a_recorded_refund_and_a_note_once(store, woo, shop):
    order = place_order(store)  # bank transfer: the gateway answers 500, as observed
    spec = ShippingRefundSpec(str(order["id"]), "12-shipping", "late")

    first = woo.refund_shipping(shop, spec)
    again = woo.refund_shipping(shop, spec)

    assert (first.created, again.created) == (True, False)
    assert again.platform_ref == first.platform_ref
    assert "cannot refund automatically" in first.warnings[0]
    assert "pay it back to the customer by hand" in again.warnings[0]
    (refund,) = store.api.get(f"orders/{order['id']}/refunds").json()
    assert (refund["amount"], refund["refunded_payment"]) == ("7.14", False)
    notes = [n["note"] for n in store.api.get(f"orders/{order['id']}/notes").json()]
    assert sum("pay it back to the customer by hand" in note for note in notes) == 1


def test_a_refund_kept_out_of_the_gateway_by_the_shop_says_so(store, woo, shop):
    order = place_order(store, payment_method="stripe")  # a gateway that could refund
    spec = ShippingRefundSpec(str(order["id"]), "12-shipping", "late", through_gateway=False)

    result = woo.refund_shipping(shop, spec)

    (refund,) = store.api.get(f"orders/{order['id']}/refunds").json()
    assert refund["refunded_payment"] is False
    assert result.warnings == (
        "The shipping refund of 7.14 is recorded in WooCommerce without moving money through "
        "the payment gateway; pay it back to the customer by hand.",
    )


def test_a_refund_through_a_gateway_that_can_refund_moves_the_money(store, woo, shop):
    order = place_order(store, payment_method="stripe")

    result = woo.refund_shipping(shop, ShippingRefundSpec(str(order["id"]), "12-ship", "late"))

    (refund,) = store.api.get(f"orders/{order['id']}/refunds").json()
    assert (refund["refunded_payment"], result.warnings) == (True, ())


def test_a_customer_note_is_added_once_and_emailed(store, woo, shop):
    order = place_order(store)
    spec = NoteSpec(
        order_id=str(order["id"]),
        idempotency_key="12-ack",
        text="Hemos recibido tu aviso; lo estamos resolviendo.",
        customer_facing=True,
    )

    first, again = woo.add_note(shop, spec), woo.add_note(shop, spec)

    assert (first.created, again.created) == (True, False)
    assert (first.customer_notified, again.customer_notified) == (True, True)
    notes = [n for n in store.api.get(f"orders/{order['id']}/notes").json() if n["customer_note"]]
    assert [n["note"] for n in notes] == [
        "Hemos recibido tu aviso; lo estamos resolviendo. [ref 12-ack]"
    ]


# --- webhooks and reconcile -------------------------------------------------------


# Where Amends is public in these tests: https on the default port, as WooCommerce needs for
# its wc-auth callback and its deliveries. The store reaches the loopback server behind it
# through its proxy_tls harness setting, as a real store would through DNS and a TLS proxy.
PUBLIC_URL = "https://amends.test"


class Switch:
    """Put in front of Amends to make its endpoint answer 503 while `down`."""

    def __init__(self, app) -> None:
        self.app, self.down, self.url = app, False, ""

    def __call__(self, environ, start_response):
        if self.down:
            start_response("503 Service Unavailable", [("Content-Length", "0")])
            return [b""]
        return self.app(environ, start_response)

    def local(self, url: str) -> str:
        """Return where the merchant's browser reaches `url` of Amends' public URL."""
        assert url.startswith(PUBLIC_URL), url
        return self.url + url[len(PUBLIC_URL) :]


@pytest.fixture
def amends(runtime, store) -> Iterator[Switch]:
    switch = Switch(create_app(runtime=runtime))
    server = ServerThread(switch)
    switch.url = server.url
    store.store.proxy_tls(PUBLIC_URL, server.url)
    runtime.settings = dataclasses.replace(runtime.settings, public_url=PUBLIC_URL)
    yield switch
    server.close()


@pytest.fixture
def connected(store, amends, runtime, make_shop) -> int:
    return connect_sandbox_store(runtime, store, make_shop)


def stored_orders(runtime) -> int:
    with runtime.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Order))


def test_connecting_registers_one_active_webhook_per_topic_and_answers_the_pings(
    store, connected, runtime
):
    hooks = store.api.get("webhooks").json()

    assert sorted(hook["topic"] for hook in hooks) == [
        "action.woocommerce_order_refunded",
        "order.created",
        "order.deleted",
        "order.restored",
        "order.updated",
    ]
    assert {hook["status"] for hook in hooks} == {"active"}
    assert {hook["delivery_url"] for hook in hooks} == {
        sync.webhook_url(runtime, "woocommerce", connected)
    }
    assert {w.pending_delivery for w in store.store.webhooks.values()} == {False}


def test_registering_again_creates_nothing_new(store, connected, runtime):
    with runtime.database.transaction() as session:
        shop = session.get(Shop, connected)
        session.expunge(shop)

    assert sync.register_webhooks(runtime, shop).repaired == ()
    assert len(store.api.get("webhooks").json()) == 5


def test_orders_arrive_by_webhook_and_are_processed(store, connected, runtime):
    for _ in range(3):
        place_order(store)
    store.flush()

    worker.run_once(runtime)

    assert stored_orders(runtime) == 3


def test_a_webhook_disabled_while_amends_was_down_is_repaired_and_nothing_is_missed(
    store, connected, runtime, amends
):
    place_order(store)
    store.flush()
    amends.down = True
    missed = [place_order(store) for _ in range(8)]  # 8 failed deliveries: the 7th disables
    store.flush()
    assert {
        h["status"] for h in store.api.get("webhooks").json() if h["topic"] == "order.created"
    } == {"disabled"}
    amends.down = False
    place_order(store)  # created while disabled: no delivery at all
    store.flush()

    repaired = sync.keep_webhooks_alive(runtime, store.store.clock.now()).count
    worker.run_once(runtime)

    assert repaired >= 1
    assert {h["status"] for h in store.api.get("webhooks").json()} == {"active"}
    assert stored_orders(runtime) == 1 + len(missed) + 1


def test_reconcile_is_a_no_op_for_orders_already_delivered(store, connected, runtime):
    for _ in range(2):
        place_order(store)
    store.flush()

    new = sync.reconcile_orders(runtime, store.store.clock.now() + timedelta(seconds=1)).count

    assert new == 0
    worker.run_once(runtime)
    assert stored_orders(runtime) == 2


def test_the_reconcile_watermark_moves_to_the_newest_change_seen(store, connected, runtime):
    order = place_order(store)

    sync.reconcile_orders(runtime, store.store.clock.now())

    with runtime.database.transaction() as session:
        synced_at = session.get(Shop, connected).synced_at
    assert synced_at.isoformat() == order["date_modified_gmt"] + "+00:00"


def test_a_run_as_of_a_later_time_does_not_make_the_next_one_miss_changes(
    store, connected, runtime, amends
):
    place_order(store)
    store.flush()
    scheduler.run_due(runtime, store.store.clock.now() + timedelta(days=30))
    amends.down = True
    missed = place_order(store)  # its delivery fails: only the reconcile job can bring it
    store.flush()
    amends.down = False

    new = sync.reconcile_orders(runtime, store.store.clock.now()).count
    worker.run_once(runtime)

    assert new == 1
    assert stored_orders(runtime) == 2
    assert [row.delivery_key.split(":")[1] for row in inbox_rows(runtime)][-1] == str(missed["id"])


def test_the_store_being_unreachable_does_not_stop_the_jobs(runtime, make_shop, caplog, clock):
    make_shop("woocommerce", domain="http://127.0.0.1:9/")

    upkeep = sync.keep_webhooks_alive(runtime, clock.now())
    reconcile = sync.reconcile_orders(runtime, clock.now())

    assert (upkeep.count, reconcile.count) == (0, 0)
    assert [f.domain for f in upkeep.failures + reconcile.failures] == ["http://127.0.0.1:9/"] * 2
    assert "sync.woocommerce.unreachable" in caplog.text


def stored_status(runtime, order_id: int) -> str | None:
    with runtime.database.transaction() as session:
        return session.scalar(select(Order.status).where(Order.platform_order_id == str(order_id)))


def test_an_order_trashed_in_the_store_is_trash_in_amends_too(store, connected, runtime):
    order = place_order(store)
    store.flush()
    worker.run_once(runtime)

    store.api.delete(f"orders/{order['id']}")
    store.flush()
    worker.run_once(runtime)

    assert stored_status(runtime, order["id"]) == "trash"
    assert [(row.topic, row.status) for row in inbox_rows(runtime)][-1] == (
        "order.deleted",
        "done",
    )


def test_an_order_restored_before_the_store_sent_anything_ends_restored(store, connected, runtime):
    order = place_order(store)
    store.flush()
    worker.run_once(runtime)
    store.store.deliverer.pause()  # the store's cron has not run yet
    store.api.put(f"orders/{order['id']}", {"customer_note": "Dejar en portería"})
    store.api.delete(f"orders/{order['id']}")
    restored = requests.post(f"{store.url}/_sandbox/orders/{order['id']}/restore", timeout=5)

    store.flush()
    worker.run_once(runtime)

    assert restored.json() == {"id": order["id"], "status": "processing"}
    sent = [a["topic"] for a in store.store.deliverer.attempts() if a["kind"] == "delivery"]
    assert sent[-3:] == ["order.updated", "order.deleted", "order.restored"]
    assert stored_status(runtime, order["id"]) == "processing"


def test_an_order_trashed_while_amends_was_down_is_trash_after_the_reconcile(
    store, connected, runtime, amends
):
    order = place_order(store)
    store.flush()
    worker.run_once(runtime)
    amends.down = True
    store.api.delete(f"orders/{order['id']}")
    store.flush()  # the order.deleted delivery fails and is never retried
    amends.down = False

    sync.reconcile_orders(runtime, store.store.clock.now())
    worker.run_once(runtime)

    assert stored_status(runtime, order["id"]) == "trash"


def test_a_refund_for_a_broken_item_in_the_store_opens_an_incident(store, connected, runtime, cli):
    order = place_order(store)
    store.flush()
    refund_broken_item(store, order)

    worker.run_once(runtime)

    statuses = {(row.topic, row.status) for row in inbox_rows(runtime)}
    assert statuses == {
        ("order.created", "done"),
        ("order.updated", "done"),
        ("action.woocommerce_order_refunded", "ignored"),
    }
    (incident,) = json.loads(cli("incidents", "list", "--json").stdout)
    assert (incident["kind"], incident["order_id"]) == ("defective_item", str(order["id"]))


# --- connecting through the store's own key flow ----------------------------------


def test_a_merchant_connects_a_store_with_wc_auth_and_its_webhooks_are_registered(
    store, amends, runtime, cli
):
    start = requests.get(
        f"{amends.url}/admin/connect/woocommerce",
        params={"store_url": store.url},
        allow_redirects=False,
        timeout=5,
    )
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(
        f"{store.url}/wc-auth/v1/authorize?app_name=Amends&scope=read_write"
    )

    approved = requests.get(authorize + "&_sandbox_approve=1", allow_redirects=False, timeout=10)
    back = requests.get(amends.local(approved.headers["Location"]), timeout=10)

    assert back.status_code == 200
    assert back.json()["status"] == "connected"
    (shop,) = json.loads(cli("shops", "list", "--json").stdout)
    assert (shop["platform"], shop["domain"], shop["status"]) == (
        "woocommerce",
        store.url + "/",
        "active",
    )
    hooks = store.api.get("webhooks").json()
    assert {h["delivery_url"] for h in hooks} == {
        sync.webhook_url(runtime, "woocommerce", shop["id"])
    }
    place_order(store)
    store.flush()
    worker.run_once(runtime)
    assert stored_orders(runtime) == 1  # signed with the secret Amends chose: accepted


def test_a_connection_started_in_wp_admin_sends_the_merchant_back_there(store, amends, cli):
    settings_page = store.url + "/wp-admin/admin.php?page=amends-settings"
    start = requests.get(
        f"{amends.url}/admin/connect/woocommerce",
        params={"store_url": store.url, "return_to": settings_page},
        allow_redirects=False,
        timeout=5,
    )
    approved = requests.get(
        start.headers["Location"] + "&_sandbox_approve=1", allow_redirects=False, timeout=10
    )

    back = requests.get(
        amends.local(approved.headers["Location"]), allow_redirects=False, timeout=10
    )

    assert back.status_code == 302
    assert back.headers["Location"] == settings_page + "&amends_connected=1"
    (shop,) = json.loads(cli("shops", "list", "--json").stdout)
    assert shop["domain"] == store.url + "/"


def test_a_return_to_on_another_host_is_refused(store, amends, cli):
    start = requests.get(
        f"{amends.url}/admin/connect/woocommerce",
        params={"store_url": store.url, "return_to": "https://elsewhere.example/wp-admin/"},
        allow_redirects=False,
        timeout=5,
    )

    assert (start.status_code, start.json()["message"]) == (
        400,
        "return_to must be a page of the store's own host",
    )


def test_a_callback_with_a_forged_state_is_refused_and_stores_nothing(amends, runtime, cli):
    response = requests.post(
        f"{amends.url}/admin/connect/woocommerce/callback",
        json={
            "key_id": 1,
            "user_id": "forged",
            "consumer_key": "ck_x",
            "consumer_secret": "cs_x",
            "key_permissions": "read_write",
        },
        timeout=5,
    )

    assert response.status_code == 401
    assert response.json()["message"] == "unknown or expired connection request; start again"
    assert json.loads(cli("shops", "list", "--json").stdout) == []


def test_a_read_only_key_is_refused(amends, runtime, store, cli):
    start = requests.get(
        f"{amends.url}/admin/connect/woocommerce",
        params={"store_url": store.url},
        allow_redirects=False,
        timeout=5,
    )
    state = dict(parse_qsl(urlsplit(start.headers["Location"]).query))["user_id"]

    response = requests.post(
        f"{amends.url}/admin/connect/woocommerce/callback",
        json={
            "key_id": 1,
            "user_id": state,
            "consumer_key": "ck_x",
            "consumer_secret": "cs_x",
            "key_permissions": "read",
        },
        timeout=5,
    )

    assert (response.status_code, response.json()["message"]) == (
        400,
        "Amends needs a read_write key",
    )
    assert json.loads(cli("shops", "list", "--json").stdout) == []


def test_a_key_pair_that_cannot_be_real_is_refused_so_the_store_deletes_it(
    amends, runtime, store, cli, caplog
):
    start = requests.get(
        amends.local(f"{PUBLIC_URL}/admin/connect/woocommerce"),
        params={"store_url": store.url},
        allow_redirects=False,
        timeout=5,
    )
    state = dict(parse_qsl(urlsplit(start.headers["Location"]).query))["user_id"]

    response = requests.post(
        amends.local(f"{PUBLIC_URL}/admin/connect/woocommerce/callback"),
        json={
            "key_id": 1,
            "user_id": state,
            "consumer_key": "ck_x",
            "consumer_secret": "cs_x",
            "key_permissions": "read_write",
        },
        timeout=5,
    )

    reason = (
        "the consumer key is too short: at least 10 characters, got 4; "
        "WooCommerce issues ck_ followed by 40 hex digits"
    )
    assert (response.status_code, response.json()["message"]) == (400, reason)
    assert json.loads(cli("shops", "list", "--json").stdout) == []
    assert "admin.connect.woocommerce-keys-refused" in caplog.text


def test_a_free_shipping_coupon_warns_when_no_shipping_method_takes_coupons():
    with running_sandbox(free_shipping_requires="min_amount") as store:
        result = WooCommerceConnector(timeout=5).issue_coupon(
            shop_of(store), coupon(kind="free_shipping", code="AMENDS-1-SHIP")
        )

    assert result.created is True
    assert result.warnings == (actions.NO_COUPON_FREE_SHIPPING,)


def test_a_free_shipping_coupon_carries_no_warning_when_a_method_takes_coupons(woo, shop):
    result = woo.issue_coupon(shop, coupon(kind="free_shipping", code="AMENDS-2-SHIP"))

    assert result.warnings == ()
