"""Shops: credentials that cannot be real are refused wherever a shop is made."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from plugin.errors import InvalidInput
from plugin.shops import add_shop, connect_shop, shop_credentials
from plugin.storage.models import Shop
from tests.conftest import (
    SHOPIFY_DOMAIN,
    WOO_CONSUMER_KEY,
    WOO_CONSUMER_SECRET,
    WOO_SECRET,
)

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
