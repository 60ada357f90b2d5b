"""Shops: credentials checked wherever a shop is made, rotated by `shops update`, and
`shops remove` taking with it everything the shop owns."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from plugin.errors import InvalidInput
from plugin.shops import add_shop, connect_shop, shop_belongings, shop_credentials
from plugin.storage.models import (
    CompensationRecord,
    InboxDelivery,
    Incident,
    Order,
    OutboxEntry,
    Shop,
    TimelineEntry,
)
from tests.conftest import (
    SHOPIFY_DOMAIN,
    SHOPIFY_TOKEN,
    TEST_NOW,
    WOO_CONSUMER_KEY,
    WOO_CONSUMER_SECRET,
    WOO_SECRET,
    woo_headers,
)
from tests.helpers import inbox_count

WOO_URL = "http://127.0.0.1:9/"  # nothing listens there: the store is unreachable
NEW_SECRET = "Zr4Tq8Wm2Xp6Ls0Kd3Fh7Jb1Nc5Vg9Ya"

SHOPIFY_TOKEN_NEEDED = "Shopify's are shpat_ (or shpua_, shpca_, shppa_) followed by 32 hex digits"
KEY_NEEDED = "WooCommerce issues ck_ followed by 40 hex digits"
SECRET_NEEDED = "WooCommerce issues cs_ followed by 40 hex digits"
WEBHOOK_SECRET_NEEDED = "use a random one of 32 letters and digits"


def add_woocommerce(cli, key=WOO_CONSUMER_KEY, secret=WOO_CONSUMER_SECRET, webhook=WOO_SECRET):
    return cli(
        "shops",
        "add",
        "woocommerce",
        "--url",
        WOO_URL,
        "--consumer-key",
        key,
        "--consumer-secret",
        secret,
        "--webhook-secret",
        webhook,
    )


def stored_credentials(runtime, shop_id: int) -> dict:
    with runtime.database.transaction() as session:
        return shop_credentials(session, runtime.credentials, shop_id)


# --- credentials that cannot be real are refused ----------------------------------------


def test_a_woocommerce_shop_with_empty_credentials_is_refused_and_nothing_is_written(cli):
    result = add_woocommerce(cli, key="", secret="", webhook="")

    assert (result.exit_code, result.output) == (
        1,
        f"Error: the consumer key is missing; {KEY_NEEDED}\n",
    )
    assert json.loads(cli("shops", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("credentials", "message"),
    [
        ({"secret": ""}, f"the consumer secret is missing; {SECRET_NEEDED}"),
        ({"webhook": ""}, f"the webhook secret is missing; {WEBHOOK_SECRET_NEEDED}"),
        (
            {"webhook": "whsec"},
            "the webhook secret is too short: at least 16 characters, got 5; "
            + WEBHOOK_SECRET_NEEDED,
        ),
        (
            {"key": "ck_1"},
            f"the consumer key is too short: at least 10 characters, got 4; {KEY_NEEDED}",
        ),
        ({"key": WOO_CONSUMER_SECRET}, f"the consumer key must start with ck_; {KEY_NEEDED}"),
        ({"secret": WOO_CONSUMER_KEY}, f"the consumer secret must start with cs_; {SECRET_NEEDED}"),
        (
            {"webhook": f" {WOO_SECRET}"},
            "the webhook secret starts or ends with spaces; copy it again",
        ),
    ],
    ids=[
        "no-secret",
        "no-webhook-secret",
        "short-webhook-secret",
        "short-key",
        "key-without-ck",
        "secret-without-cs",
        "pasted-with-a-space",
    ],
)
def test_unusable_woocommerce_credentials_are_refused_with_what_is_needed(
    cli, credentials, message
):
    result = add_woocommerce(cli, **credentials)

    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert json.loads(cli("shops", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", f"the access token is missing; {SHOPIFY_TOKEN_NEEDED}"),
        (
            "shpat_abc",
            f"the access token is too short: at least 16 characters, got 9; {SHOPIFY_TOKEN_NEEDED}",
        ),
    ],
    ids=["empty", "short"],
)
def test_an_unusable_shopify_token_is_refused(cli, token, message):
    result = cli("shops", "add", "shopify", "--domain", SHOPIFY_DOMAIN, "--access-token", token)

    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert json.loads(cli("shops", "list", "--json").stdout) == []


def test_the_sandbox_stores_default_credentials_and_a_legacy_token_are_accepted(make_shop):
    sandbox = make_shop(
        "woocommerce", domain=WOO_URL, consumer_key="ck_sandbox", consumer_secret="cs_sandbox"
    )
    sandbox_shopify = make_shop(access_token="shpat_sandbox_token")
    # Shopify's tokens had no prefix before April 2020: 32 hex digits.
    legacy = make_shop(domain="legacy.myshopify.com", access_token="0123456789abcdef" * 2)

    assert (sandbox, sandbox_shopify, legacy) == (1, 2, 3)


def test_the_domain_refuses_unusable_credentials_however_it_is_called(runtime):
    with (
        pytest.raises(InvalidInput, match="^the webhook secret is missing;"),
        runtime.database.transaction() as session,
    ):
        add_shop(
            session,
            runtime.credentials,
            platform="woocommerce",
            domain=WOO_URL,
            credentials={
                "consumer_key": WOO_CONSUMER_KEY,
                "consumer_secret": WOO_CONSUMER_SECRET,
                "webhook_secret": "",
            },
        )
    with runtime.database.transaction() as session:
        assert session.scalars(select(Shop)).all() == []


def test_reconnecting_a_known_store_with_unusable_keys_keeps_the_keys_it_had(runtime, make_shop):
    shop_id = make_shop("woocommerce", domain=WOO_URL)
    before = stored_credentials(runtime, shop_id)

    with (
        pytest.raises(InvalidInput, match="^the consumer key is missing;"),
        runtime.database.transaction() as session,
    ):
        connect_shop(
            session,
            runtime.credentials,
            platform="woocommerce",
            domain=WOO_URL,
            credentials={"consumer_key": "", "consumer_secret": "", "webhook_secret": NEW_SECRET},
        )

    assert stored_credentials(runtime, shop_id) == before


# --- shops update ---------------------------------------------------------------------


def test_a_new_webhook_secret_is_accepted_and_the_previous_one_too_until_the_store_has_it(
    cli, client, runtime, make_shop
):
    shop_id = make_shop("woocommerce", domain=WOO_URL)

    result = cli("shops", "update", str(shop_id), "--webhook-secret", NEW_SECRET)

    assert (result.exit_code, result.output) == (0, "updated shop 1: webhook secret\n")
    assert stored_credentials(runtime, shop_id) == {
        "consumer_key": WOO_CONSUMER_KEY,
        "consumer_secret": WOO_CONSUMER_SECRET,
        "webhook_secret": NEW_SECRET,
        "previous_webhook_secret": WOO_SECRET,
    }
    answers = [
        client.post(
            f"/webhooks/woocommerce/{shop_id}",
            data=body,
            headers=woo_headers(body, "order.updated", secret=secret),
        ).status_code
        for body, secret in [
            (b'{"id": 1}', WOO_SECRET),
            (b'{"id": 2}', NEW_SECRET),
            (b'{"id": 3}', "Qn8Bv3Xc6Zm1Lk4Jh7Gf0Ds2Ap5Wo9Ei"),
        ]
    ]
    assert answers == [200, 200, 401]
    assert inbox_count(runtime) == 2


def test_a_new_shopify_token_replaces_the_old_grant_and_its_refresh_token(cli, runtime, make_shop):
    shop_id = make_shop(
        access_token="shpat_00000000000000000000000000000000",
        scope="read_orders,write_discounts",
        expires_at="2026-11-23T10:00:00+00:00",
        refresh_token="shprt_11111111111111111111111111111111",
    )

    result = cli("shops", "update", str(shop_id), "--access-token", SHOPIFY_TOKEN)

    assert (result.exit_code, result.output) == (0, "updated shop 1: access token\n")
    assert stored_credentials(runtime, shop_id) == {
        "access_token": SHOPIFY_TOKEN,
        "scope": "read_orders,write_discounts",
    }


def test_a_new_woocommerce_key_pair_replaces_the_old_one(cli, runtime, make_shop):
    shop_id = make_shop("woocommerce", domain=WOO_URL, key_id="7")
    key, secret = "ck_" + "a1" * 20, "cs_" + "b2" * 20

    result = cli(
        "shops", "update", str(shop_id), "--consumer-key", key, "--consumer-secret", secret
    )

    assert (result.exit_code, result.output) == (
        0,
        "updated shop 1: consumer key, consumer secret\n",
    )
    assert stored_credentials(runtime, shop_id) == {
        "consumer_key": key,
        "consumer_secret": secret,
        "webhook_secret": WOO_SECRET,
    }


@pytest.mark.parametrize(
    ("platform", "options", "message"),
    [
        (
            "woocommerce",
            ["--consumer-key", "ck_" + "a1" * 20],
            "a consumer key and its secret go together: give both",
        ),
        (
            "woocommerce",
            ["--access-token", SHOPIFY_TOKEN],
            "a woocommerce shop has no access token to change",
        ),
        (
            "shopify",
            ["--webhook-secret", NEW_SECRET],
            "Shopify signs every shop's webhooks with the app's client secret: set "
            "SHOPIFY_API_SECRET (and SHOPIFY_API_SECRET_PREVIOUS while it changes)",
        ),
        (
            "shopify",
            ["--consumer-key", WOO_CONSUMER_KEY, "--consumer-secret", WOO_CONSUMER_SECRET],
            "a shopify shop has no consumer key to change",
        ),
        (
            "woocommerce",
            ["--webhook-secret", ""],
            f"the webhook secret is missing; {WEBHOOK_SECRET_NEEDED}",
        ),
        (
            "shopify",
            ["--access-token", "t"],
            f"the access token is too short: at least 16 characters, got 1; {SHOPIFY_TOKEN_NEEDED}",
        ),
    ],
    ids=[
        "key-alone",
        "token-for-woocommerce",
        "webhook-secret-for-shopify",
        "key-pair-for-shopify",
        "empty-webhook-secret",
        "short-token",
    ],
)
def test_an_update_that_cannot_apply_is_refused_and_changes_nothing(
    cli, runtime, make_shop, platform, options, message
):
    shop_id = make_shop(platform, domain=WOO_URL) if platform == "woocommerce" else make_shop()
    before = stored_credentials(runtime, shop_id)

    result = cli("shops", "update", str(shop_id), *options)

    assert (result.exit_code, result.output) == (1, f"Error: {message}\n")
    assert stored_credentials(runtime, shop_id) == before


def test_an_update_of_an_unknown_shop_or_of_nothing_says_so(cli, make_shop):
    shop_id = make_shop()

    unknown = cli("shops", "update", "9", "--access-token", SHOPIFY_TOKEN)
    nothing = cli("shops", "update", str(shop_id))

    assert (unknown.exit_code, unknown.output) == (1, "Error: no shop with id 9\n")
    assert nothing.exit_code == 2
    assert nothing.output.endswith(
        "Error: give --access-token, --consumer-key with --consumer-secret, or --webhook-secret\n"
    )


# --- shops remove -----------------------------------------------------------------------


def give_history(runtime, shop_id: int, timeline_entries: int) -> None:
    """Store a delivery, an order and an incident with its timeline for the shop."""
    with runtime.database.transaction() as session:
        session.add(
            InboxDelivery(
                platform="shopify",
                shop_id=shop_id,
                topic="orders/create",
                delivery_key=f"delivery-of-{shop_id}",
                headers={},
                body=b"{}",
                status="done",
                attempts=1,
            )
        )
        session.add(Order(shop_id=shop_id, platform_order_id="1042", name="#1042"))
        incident = Incident(shop_id=shop_id, platform_order_id="1042", kind="manual", status="open")
        session.add(incident)
        session.flush()
        for n in range(timeline_entries):
            session.add(TimelineEntry(incident_id=incident.id, at=TEST_NOW, type=f"note-{n}"))
        session.add(
            CompensationRecord(
                shop_id=shop_id,
                incident_id=incident.id,
                idempotency_key=f"incident:{incident.id}:compensation:1",
                decision=1,
                kind="fixed_coupon",
                amount=Decimal("5"),
                currency="EUR",
                status="issued",
            )
        )
        session.add(
            OutboxEntry(
                shop_id=shop_id,
                incident_id=incident.id,
                idempotency_key=f"incident:{incident.id}:acknowledgement",
                kind="email",
                payload={"stage": "acknowledgement"},
                status="sent",
                attempts=1,
            )
        )


def test_remove_deletes_the_shop_and_all_it_owns_and_no_other_shops_rows(cli, runtime, make_shop):
    removed, kept = make_shop(), make_shop("woocommerce", domain=WOO_URL)
    give_history(runtime, removed, timeline_entries=2)
    give_history(runtime, kept, timeline_entries=3)

    result = cli("shops", "remove", str(removed), "--yes")

    assert (result.exit_code, result.output) == (
        0,
        f"removed shopify shop 1 ({SHOPIFY_DOMAIN}) and what belongs to it "
        "(backfill_checkpoints: 0, inbox: 1, incident_counts: 1, incidents: 1, order_lines: 0, "
        "orders: 1, parcels: 0, request_nonces: 0, "
        "return_lines: 0, compensations: 1, incident_sources: 0, "
        "incident_timeline: 2, "
        "outbox: 1)\n",
    )
    assert [shop["id"] for shop in json.loads(cli("shops", "list", "--json").stdout)] == [kept]
    with runtime.database.transaction() as session:
        assert shop_belongings(session, removed) == {
            "backfill_checkpoints": 0,
            "inbox": 0,
            "incident_counts": 0,
            "incidents": 0,
            "order_lines": 0,
            "orders": 0,
            "parcels": 0,
            "request_nonces": 0,
            "return_lines": 0,
            "compensations": 0,
            "incident_sources": 0,
            "incident_timeline": 0,
            "outbox": 0,
        }
        assert shop_belongings(session, kept) == {
            "backfill_checkpoints": 0,
            "inbox": 1,
            "incident_counts": 1,
            "incidents": 1,
            "order_lines": 0,
            "orders": 1,
            "parcels": 0,
            "request_nonces": 0,
            "return_lines": 0,
            "compensations": 1,
            "incident_sources": 0,
            "incident_timeline": 3,
            "outbox": 1,
        }


def test_remove_asks_first_and_a_no_keeps_everything(cli, runtime, make_shop):
    shop_id = make_shop()
    give_history(runtime, shop_id, timeline_entries=1)

    declined = cli("shops", "remove", str(shop_id), input="n\n")
    confirmed = cli("shops", "remove", str(shop_id), input="y\n")

    question = (
        f"Remove shopify shop 1 ({SHOPIFY_DOMAIN}) and what belongs to it "
        "(backfill_checkpoints: 0, inbox: 1, incident_counts: 1, incidents: 1, order_lines: 0, "
        "orders: 1, parcels: 0, request_nonces: 0, "
        "return_lines: 0, compensations: 1, incident_sources: 0, "
        "incident_timeline: 1, "
        "outbox: 1)? [y/N]: "
    )
    assert (declined.exit_code, declined.output) == (1, f"{question}n\nAborted!\n")
    assert confirmed.exit_code == 0
    assert confirmed.output.startswith(f"{question}y\nremoved shopify shop 1")
    assert json.loads(cli("shops", "list", "--json").stdout) == []


def test_remove_of_an_unknown_shop_says_so(cli):
    asked = cli("shops", "remove", "9")
    forced = cli("shops", "remove", "9", "--yes")

    assert (asked.exit_code, asked.output) == (1, "Error: no shop with id 9\n")
    assert (forced.exit_code, forced.output) == (1, "Error: no shop with id 9\n")
