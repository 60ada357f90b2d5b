"""The connector's token exchange and refresh, against the sandbox Shopify."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.shopify import oauth
from connectors.shopify.client import ShopifyClient
from connectors.shopify.connector import AppCredentials, ShopifyConnector
from plugin import worker
from plugin.errors import PlatformUnauthorized
from plugin.shops import current_access_token, grant_credentials, shop_credentials
from tests.test_compensations import open_incident, order, rows
from tests.test_sandbox_shopify_harness import CLIENT_ID, SECRET, SHOP, running_sandbox
from tests.test_sandbox_shopify_oauth import session_token


def test_an_embedded_load_is_traded_for_an_expiring_offline_token_that_refreshes():
    with running_sandbox() as store:
        grant = oauth.exchange_id_token(SHOP, session_token(), CLIENT_ID, SECRET, store.base)

        assert (grant.expires_in, bool(grant.refresh_token)) == (3600, True)
        client = ShopifyClient(SHOP, grant.access_token, api_url=store.base)
        assert client.execute("{ shop { name } }") == {"shop": {"name": "Amends Demo"}}

        renewed = oauth.refresh_access_token(
            SHOP, grant.refresh_token, CLIENT_ID, SECRET, store.base
        )

        assert renewed.access_token != grant.access_token
        fresh = ShopifyClient(SHOP, renewed.access_token, api_url=store.base)
        assert fresh.execute("{ shop { name } }") == {"shop": {"name": "Amends Demo"}}


def test_a_forged_session_token_gets_no_access_token():
    with running_sandbox() as store:
        forged = session_token(secret="not-the-app-secret-but-just-as-long-0123")

        with pytest.raises(PlatformUnauthorized, match="invalid_subject_token"):
            oauth.exchange_id_token(SHOP, forged, CLIENT_ID, SECRET, store.base)


def test_a_stored_expiring_token_is_refreshed_before_it_runs_out(runtime, make_shop, clock):
    with running_sandbox() as store:
        connector = ShopifyConnector(
            app=AppCredentials(api_key=CLIENT_ID, secrets=(SECRET,), admin_url=store.base)
        )
        grant = connector.exchange_embedded_token(SHOP, session_token())
        issued = clock.now()
        shop_id = make_shop("shopify", domain=SHOP, **grant_credentials(grant, issued))

        with runtime.database.transaction() as session:
            early = current_access_token(
                session,
                runtime.credentials,
                shop_id,
                connector.refresh,
                issued + timedelta(minutes=10),
            )
        store.advance(3500)  # the sandbox's token is about to expire
        with runtime.database.transaction() as session:
            late = current_access_token(
                session,
                runtime.credentials,
                shop_id,
                connector.refresh,
                issued + timedelta(seconds=3500),
            )
        with runtime.database.transaction() as session:
            stored = shop_credentials(session, runtime.credentials, shop_id)

        assert early == grant.access_token
        assert late != grant.access_token
        assert stored["access_token"] == late
        assert stored["refresh_token"] != grant.refresh_token
        client = ShopifyClient(SHOP, late, api_url=store.base)
        assert client.execute("{ shop { name } }") == {"shop": {"name": "Amends Demo"}}


def test_a_compensation_goes_out_with_a_token_refreshed_first_when_the_stored_one_ran_out(
    runtime, make_shop, clock
):
    with running_sandbox() as store:
        app = AppCredentials(api_key=CLIENT_ID, secrets=(SECRET,), admin_url=store.base)
        runtime.connectors["shopify"].app = app
        grant = runtime.connectors["shopify"].exchange_embedded_token(SHOP, session_token())
        shop_id = make_shop(
            "shopify", domain=SHOP, api_url=store.base, **grant_credentials(grant, clock.now())
        )
        order(runtime, shop_id)
        open_incident(runtime, shop_id, "defective_item")
        store.advance(3700)  # the sandbox no longer takes the token it issued
        clock.advance(timedelta(seconds=3700))

        worker.run_once(runtime)

        (given,) = rows(runtime)
        with runtime.database.transaction() as session:
            stored = shop_credentials(session, runtime.credentials, shop_id)
        found = store.graphql(
            "query($code: String!) { codeDiscountNodeByCode(code: $code) { id } }",
            {"code": given.code},
        )["data"]["codeDiscountNodeByCode"]

    assert (given.status, given.platform_ref) == ("issued", found["id"])
    assert stored["access_token"] != grant.access_token
    assert stored["refresh_token"] != grant.refresh_token
    assert stored["expires_at"] == (clock.now() + timedelta(hours=1)).isoformat()
