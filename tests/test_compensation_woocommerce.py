"""What a WooCommerce store's customer is given when something goes wrong, checked in the store.

End to end, as in test_care_woocommerce.py: the sandbox WooCommerce 9.9.5 delivers
its signed webhooks to Amends, the worker and scheduler run on the store's clock,
and what Amends made is read back through WooCommerce's own REST API (coupons by
code, the order's refunds and notes). The order is paid by bank transfer, whose
gateway cannot refund: the refund is recorded, with a note, and never retried.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from plugin import worker
from plugin.storage.models import Shop
from tests import test_care_woocommerce as care
from tests.test_care_woocommerce import (
    GIULIA,
    SHIP_BY,
    live_until,
    place_paid_order,
    refund,
    settle,
    update_order,
)

# The store, Amends in front of it and the shop, as the customer-care tests set them up.
store = care.store
amends = care.amends
shop = care.shop


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": "care@amends.example",
    }


def with_policy(runtime, shop_id: int, policy: dict) -> None:
    with runtime.database.transaction() as session:
        row = session.get(Shop, shop_id)
        row.settings = {**row.settings, "compensation": policy}


def compensations(cli) -> list[dict]:
    return json.loads(cli("compensations", "list", "--json").stdout)[::-1]


def coupons(store, code: str) -> list[dict]:
    response = store.api.get("coupons", params={"code": code})
    assert response.status_code == 200, response.text
    return response.json()


def test_an_item_that_arrived_broken_earns_a_coupon_the_store_holds_for_giulia(
    store, shop, runtime, cli, mailbox
):
    order = place_paid_order(store, runtime)
    update_order(store, runtime, order, {"status": "completed"})

    refund(store, runtime, order, "12.50", "Arrivata rotta, il manico si è staccato")
    settle(store, runtime)

    (given,) = compensations(cli)
    assert (given["kind"], given["status"]) == ("percent_coupon", "issued")
    (coupon,) = coupons(store, given["code"])
    assert str(coupon["id"]) == given["platform_ref"]
    assert (coupon["discount_type"], coupon["amount"], coupon["email_restrictions"]) == (
        "percent",
        "10.00",
        [GIULIA],
    )
    assert coupon["usage_limit"] == 1
    subjects = [m["Subject"] for m in mailbox.messages()]
    assert f"Un piccolo pensiero per scusarci dell'ordine #{order['number']}" in subjects


def test_a_late_order_gets_its_shipping_back_recorded_with_a_note_when_the_gateway_cannot(
    store, shop, runtime, cli
):
    order = place_paid_order(store, runtime)  # paid by bank transfer
    live_until(store, runtime, SHIP_BY + timedelta(days=3))
    worker.run_once(runtime)
    live_until(store, runtime, SHIP_BY + timedelta(days=4))

    (given,) = compensations(cli)
    assert (given["kind"], given["amount"], given["status"]) == (
        "shipping_refund",
        "7.14",
        "issued",
    )
    (made,) = store.api.get(f"orders/{order['id']}/refunds").json()
    assert (str(made["id"]), made["amount"], made["refunded_payment"]) == (
        given["platform_ref"],
        "7.14",
        False,
    )
    assert "pay it back to the customer by hand" in given["warnings"][0]
    notes = [n["note"] for n in store.api.get(f"orders/{order['id']}/notes").json()]
    assert sum("pay it back to the customer by hand" in note for note in notes) == 1
    # WooCommerce told Giulia of the refund itself: Amends does not tell her twice.
    assert "customer_refunded_order" in [e["template"] for e in store.store.emails]


def test_an_approved_coupon_is_created_after_approval_and_a_denied_one_never(
    store, shop, runtime, cli
):
    with_policy(
        runtime,
        shop,
        {
            "rules": [
                {
                    "name": "faulty items",
                    "when": {"kinds": ["defective_item"]},
                    "grant": {"kind": "fixed_coupon", "amount": "5"},
                    "needs_approval": True,
                }
            ]
        },
    )
    first = place_paid_order(store, runtime)
    second = place_paid_order(store, runtime)
    for order in (first, second):
        update_order(store, runtime, order, {"status": "completed"})
        refund(store, runtime, order, "12.50", "Arrivata rotta")
    approved, denied = compensations(cli)
    assert (approved["status"], denied["status"]) == ("pending_approval", "pending_approval")

    assert cli("compensations", "approve", str(approved["id"])).exit_code == 0
    assert cli("compensations", "deny", str(denied["id"])).exit_code == 0
    settle(store, runtime)
    worker.run_once(runtime)

    approved, denied = compensations(cli)
    assert (approved["status"], denied["status"]) == ("issued", "denied")
    assert [c["code"] for c in store.api.get("coupons").json()] == [approved["code"]]
