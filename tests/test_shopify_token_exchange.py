"""The connector's token exchange and refresh, against the sandbox Shopify."""

from __future__ import annotations

import pytest

from connectors.shopify import oauth
from connectors.shopify.client import ShopifyClient
from plugin.errors import PlatformUnauthorized
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
