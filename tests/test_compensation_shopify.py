"""What a Shopify store's customer is given when something goes wrong, checked in the store.

End to end, as in test_care_shopify.py: the sandbox store delivers its signed webhooks
to Amends' HTTP endpoint, the worker and scheduler run on the store's clock, and mail
goes to a real SMTP server on loopback. What Amends made is read back the way a
merchant's tooling reads it: through the store's own Admin GraphQL API.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from lingua import Language, LanguageDetectorBuilder

from plugin import scheduler, worker
from plugin.app import create_app
from plugin.storage.models import Shop
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET
from tests.test_care_shopify import SHIP_BY, SHOP_SETTINGS, carrier_says, request_return, ship
from tests.test_messaging_templates import LANGUAGES, NEIGHBOURS
from tests.test_sandbox_shopify_harness import TOKEN, Sandbox, running_sandbox, serving

SENDER = "care@amends.example"
LUCIA = "lucia.fernandez@example.es"
APOLOGY = "Un detalle para compensarle por su pedido #1042"


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
    }


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values(), *NEIGHBOURS).build()


@pytest.fixture
def store(runtime) -> Iterator[Sandbox]:
    with (
        serving(create_app(runtime=runtime)) as url,
        running_sandbox(
            shop_domain=SHOPIFY_DOMAIN,
            api_secret=SHOPIFY_SECRET,
            api_key=None,
            webhook_uri=f"{url}/webhooks/shopify",
        ) as sandbox,
    ):
        runtime.settings = dataclasses.replace(
            runtime.settings, public_url=url, shopify_admin_url=sandbox.base
        )
        runtime.connectors["shopify"].app = dataclasses.replace(
            runtime.connectors["shopify"].app, admin_url=sandbox.base
        )
        runtime.use_clock(sandbox.clock)
        yield sandbox


def shop_with(store: Sandbox, make_shop, runtime, policy: dict | None = None) -> int:
    shop_id = make_shop("shopify", api_url=store.base, access_token=TOKEN)
    with runtime.database.transaction() as session:
        settings = dict(SHOP_SETTINGS)
        if policy is not None:
            settings["compensation"] = policy
        session.get(Shop, shop_id).settings = settings
    return shop_id


@pytest.fixture
def shop(store, make_shop, runtime) -> int:
    return shop_with(store, make_shop, runtime)


def settle(store: Sandbox, runtime) -> None:
    store.flush()
    worker.run_once(runtime)
    store.flush()
    worker.run_once(runtime)


def live_until(store: Sandbox, runtime, until, every=timedelta(hours=12)) -> None:
    while (now := store.clock.now()) < until:
        store.advance(min(every, until - now).total_seconds())
        scheduler.run_due(runtime, now=store.clock.now())
        settle(store, runtime)


def place_paid_order(store: Sandbox, runtime) -> None:
    now = store.clock.now().isoformat()
    store.place_order(created_at=now, processed_at=now, updated_at=now)
    settle(store, runtime)


def compensations(cli) -> list[dict]:
    return json.loads(cli("compensations", "list", "--json").stdout)[::-1]


def discount(store: Sandbox, code: str) -> dict | None:
    answer = store.graphql(
        "query($code: String!) { codeDiscountNodeByCode(code: $code) { id codeDiscount { "
        "__typename ... on DiscountCodeBasic { title usageLimit endsAt customerGets { value { "
        "... on DiscountPercentage { percentage } } } } } } }",
        {"code": code},
    )
    return answer["data"]["codeDiscountNodeByCode"]


def discount_count(store: Sandbox) -> int:
    answer = store.graphql("{ discountNodes(first: 50) { nodes { id } } }")
    return len(answer["data"]["discountNodes"]["nodes"])


def refunds(store: Sandbox) -> list[tuple[str, str]]:
    order = store.graphql(
        '{ order(id: "gid://shopify/Order/5001") { refunds { note '
        "totalRefundedSet { shopMoney { amount } } } } }"
    )["data"]["order"]
    return [(r["note"], r["totalRefundedSet"]["shopMoney"]["amount"]) for r in order["refunds"]]


def text_of(message) -> str:  # noqa: ANN001
    return " ".join(message.get_body(("plain",)).get_content().split())


def test_a_defective_item_earns_a_discount_code_the_store_knows_and_lucia_is_told(
    store, shop, runtime, cli, mailbox, detector
):
    place_paid_order(store, runtime)
    ship(store, runtime)
    carrier_says(store, runtime, "delivered")

    request_return(store, runtime, "defective")
    settle(store, runtime)

    (given,) = compensations(cli)
    assert (given["kind"], given["amount"], given["status"]) == ("percent_coupon", "5.38", "issued")
    node = discount(store, given["code"])
    assert node["id"] == given["platform_ref"]
    coupon = node["codeDiscount"]
    assert (coupon["usageLimit"], coupon["customerGets"]["value"]["percentage"]) == (1, 0.1)
    assert coupon["endsAt"] == f"{given['expires_on']}T23:59:59Z"
    told = [m for m in mailbox.messages() if m["Subject"] == APOLOGY]
    assert [m["To"] for m in told] == [LUCIA]
    assert given["code"] in text_of(told[0])
    assert "10 % de descuento" in text_of(told[0])
    assert detector.detect_language_of(text_of(told[0])) == Language.SPANISH


def test_a_parcel_three_days_late_gets_its_shipping_refunded_in_the_store_once(
    store, shop, runtime, cli, mailbox
):
    place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY)  # late: acknowledged, nothing earned yet
    assert compensations(cli) == []

    live_until(store, runtime, SHIP_BY + timedelta(days=3))
    worker.run_once(runtime)  # a second run changes nothing
    live_until(store, runtime, SHIP_BY + timedelta(days=7))

    (given,) = compensations(cli)
    assert (given["kind"], given["amount"], given["status"]) == (
        "shipping_refund",
        "4.90",
        "issued",
    )
    assert refunds(store) == [
        (
            f"Amends: shipping refunded for incident {given['incident']} (late parcels) "
            f"[ref {given['idempotency_key']}]",
            "4.9",
        )
    ]
    told = [m for m in mailbox.messages() if m["Subject"] == APOLOGY]
    assert len(told) == 1
    assert "Le hemos devuelto los 4,90 € que pagó por el envío" in text_of(told[0])
    # Amends' own refund came back as refunds/create: its echo opened and resolved nothing.
    incidents = json.loads(cli("incidents", "list", "--json").stdout)
    assert [(i["kind"], i["status"]) for i in incidents] == [("delayed_shipment", "acknowledged")]


def test_above_the_threshold_the_code_is_made_only_after_approval(store, make_shop, runtime, cli):
    policy = {
        "approval": {"above": "2"},
        "rules": [
            {
                "name": "faulty items",
                "when": {"kinds": ["defective_item"]},
                "grant": {"kind": "fixed_coupon", "amount": "5"},
            }
        ],
    }
    shop_with(store, make_shop, runtime, policy)
    place_paid_order(store, runtime)
    request_return(store, runtime, "defective")
    settle(store, runtime)
    (waiting,) = compensations(cli)
    assert waiting["status"] == "pending_approval"
    assert discount_count(store) == 0

    assert cli("compensations", "approve", str(waiting["id"])).exit_code == 0
    settle(store, runtime)

    (given,) = compensations(cli)
    assert (given["status"], given["approved_by"]) == ("issued", "staff")
    assert discount(store, given["code"])["id"] == given["platform_ref"]
    assert discount_count(store) == 1


def test_a_denied_compensation_makes_nothing_in_the_store(store, make_shop, runtime, cli):
    policy = {
        "rules": [
            {
                "name": "faulty items",
                "when": {"kinds": ["defective_item"]},
                "grant": {"kind": "fixed_coupon", "amount": "5"},
                "needs_approval": True,
            }
        ]
    }
    shop_with(store, make_shop, runtime, policy)
    place_paid_order(store, runtime)
    request_return(store, runtime, "defective")
    (waiting,) = compensations(cli)

    assert cli("compensations", "deny", str(waiting["id"])).exit_code == 0
    settle(store, runtime)

    assert compensations(cli)[0]["status"] == "denied"
    assert discount_count(store) == 0
