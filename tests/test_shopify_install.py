"""Installing on Shopify: shop domains, signed links and callbacks, one-time state.

Every refusal stores nothing. (The code-for-token exchange itself is proven
against the sandbox Shopify.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import shopify

from connectors.shopify.oauth import query_hmac, query_signed, valid_shop_domain
from sandboxes.shopify.oauth import query_hmac as sandbox_query_hmac
from tests.conftest import SHOPIFY_SECRET, TEST_NOW
from tests.test_sandbox_shopify_harness import CLIENT_ID, running_sandbox
from tests.test_sandbox_shopify_harness import SECRET as SANDBOX_SECRET


def signed(params: dict[str, str], secret: str = SHOPIFY_SECRET) -> dict[str, str]:
    return params | {"hmac": query_hmac(params, secret)}


def now() -> str:
    """Return the timestamp Shopify would put in a link made at the test's moment."""
    return str(int(TEST_NOW.timestamp()))


def at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def shops(cli) -> list:
    return json.loads(cli("shops", "list", "--json").stdout)


@pytest.mark.parametrize(
    "domain",
    ["amends-demo.myshopify.com", "a.myshopify.com", "shop-42.myshopify.com"],
)
def test_shop_domains_of_myshopify_are_accepted(domain):
    assert valid_shop_domain(domain)


@pytest.mark.parametrize(
    "domain",
    [
        "evil.com",
        "shop.myshopify.com.evil.com",
        "myshopify.com",
        "-shop.myshopify.com",
        "shop.myshopify.com/",
        "https://shop.myshopify.com",
        "shop.myshopify.com\n",
        "",
        None,
    ],
)
def test_other_domains_are_refused(domain):
    assert not valid_shop_domain(domain)


def test_the_query_hmac_is_hex_over_the_sorted_query_without_hmac():
    # shopify.dev's worked example for the authorization-code grant
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "shop": "some-shop.myshopify.com",
        "state": "0.6784241404160823",
        "timestamp": "1337178173",
    }

    digest = query_hmac(params | {"hmac": "ignored"}, "hush")

    message = (
        b"code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com"
        b"&state=0.6784241404160823&timestamp=1337178173"
    )
    assert digest == hmac.new(b"hush", message, hashlib.sha256).hexdigest()
    assert digest == query_hmac(dict(reversed(params.items())), "hush")
    assert query_signed(params | {"hmac": digest}, ["hush"], now=at(1337178173 + 10))
    assert not query_signed(params | {"hmac": digest}, ["hush"], now=at(1337178173 + 2 * 86400))
    assert not query_signed(params | {"hmac": digest}, ["other"], now=at(1337178173 + 10))


def test_delimiters_inside_a_value_are_escaped_before_signing():
    params = {
        "code": "0907a61c0c8d55e99db179b68161bc00",
        "shop": "some-shop.myshopify.com",
        "state": "50%&off=yes",
        "timestamp": "1337178173",
    }

    digest = query_hmac(params, "hush")

    # Computed apart from Python:
    # printf '%s' 'code=0907a61c0c8d55e99db179b68161bc00&shop=some-shop.myshopify.com'\
    # '&state=50%25%26off=yes&timestamp=1337178173' | openssl dgst -sha256 -hmac hush
    assert digest == "ae872b77e913edb22b9240d059dd4998edbce0ba4364d1e0634d83e752d2478b"
    assert query_signed(params | {"hmac": digest}, ["hush"], now=at(1337178173 + 10))


def test_an_array_parameter_is_signed_as_one_list():
    # A bulk-action link from the shop's admin: ?ids[]=2074861961283&ids[]=2074861830211&...
    params = {
        "ids[]": ["2074861961283", "2074861830211"],
        "locale": "en",
        "shop": "some-shop.myshopify.com",
        "timestamp": "1337178173",
    }

    digest = query_hmac(params, "hush")

    # printf '%s' 'ids=["2074861961283", "2074861830211"]&locale=en'\
    # '&shop=some-shop.myshopify.com&timestamp=1337178173' | openssl dgst -sha256 -hmac hush
    assert digest == "944fa482eda26add6e980efce9af415f6ab686a5996fbd9c8733efc004c6092e"
    assert query_signed(params | {"hmac": digest}, ["hush"], now=at(1337178173 + 10))


QUERIES = {
    "delimiters in values": {"shop": "a.myshopify.com", "note": "100% & more=less"},
    "delimiters in keys": {"shop": "a.myshopify.com", "a=b&c%d": "e"},
    "pairs sort, not keys": {"a": "1", "a-b": "2", "a_b": "3", "timestamp": "1337178173"},
    "one selected item": {"ids[]": ["2074861961283"], "shop": "a.myshopify.com"},
    "several": {"ids[]": ["3", "1", "2"], "id": "9", "shop": "a.myshopify.com"},
}


@pytest.mark.parametrize("params", QUERIES.values(), ids=QUERIES.keys())
def test_the_query_hmac_agrees_with_shopifys_library_and_the_sandbox(params, monkeypatch):
    monkeypatch.setattr(shopify.Session, "secret", "hush")

    digest = query_hmac(params, "hush")

    assert digest == shopify.Session.calculate_hmac(params)
    assert digest == sandbox_query_hmac(params, "hush")


def test_the_sandboxs_signed_callback_is_accepted_whatever_its_state_holds():
    with running_sandbox() as sandbox:
        response = requests.get(
            f"{sandbox.base}/admin/oauth/authorize",
            params={
                "client_id": CLIENT_ID,
                "redirect_uri": "https://amends.example/admin/connect/shopify/callback",
                "state": "50%&off=yes",
            },
            allow_redirects=False,
            timeout=10,
        )
    callback = dict(parse_qsl(urlsplit(response.headers["Location"]).query))

    assert callback["state"] == "50%&off=yes"
    assert query_signed(callback, [SANDBOX_SECRET], now=at(int(callback["timestamp"])))
    assert not query_signed(
        callback | {"state": "50%"}, [SANDBOX_SECRET], now=at(int(callback["timestamp"]))
    )


def test_an_install_link_with_delimiters_in_a_value_is_accepted(client):
    params = {"shop": "amends-demo.myshopify.com", "timestamp": now(), "note": "50%&off=yes"}
    params["hmac"] = sandbox_query_hmac(params, SHOPIFY_SECRET)  # signed as Shopify signs

    response = client.get("/admin/connect/shopify", query_string=params)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc == "amends-demo.myshopify.com"


def test_a_link_from_a_bulk_action_with_several_ids_is_accepted(client):
    params = {
        "shop": "amends-demo.myshopify.com",
        "timestamp": now(),
        "ids[]": ["2074861961283", "2074861830211"],
    }
    params["hmac"] = sandbox_query_hmac(params, SHOPIFY_SECRET)

    response = client.get("/admin/connect/shopify", query_string=params)

    assert response.status_code == 302


def test_starting_an_install_redirects_to_the_shop_with_a_state(client):
    response = client.get(
        "/admin/connect/shopify",
        query_string=signed({"shop": "amends-demo.myshopify.com", "timestamp": now()}),
    )

    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    query = dict(parse_qsl(target.query))
    assert (target.scheme, target.netloc, target.path) == (
        "https",
        "amends-demo.myshopify.com",
        "/admin/oauth/authorize",
    )
    assert query["client_id"] == "test-api-key"
    assert query["redirect_uri"].endswith("/admin/connect/shopify/callback")
    assert len(query["state"]) >= 24


@pytest.mark.parametrize("shop", ["evil.com", "shop.myshopify.com.evil.com"])
def test_an_install_for_a_foreign_domain_is_refused(client, cli, shop):
    response = client.get("/admin/connect/shopify", query_string={"shop": shop})

    assert response.status_code == 400
    assert "is not a SHOP.myshopify.com domain" in response.json["message"]
    assert shops(cli) == []


def test_an_install_link_with_a_tampered_hmac_is_refused(client, cli):
    params = signed({"shop": "amends-demo.myshopify.com", "timestamp": now()})
    params["shop"] = "other-shop.myshopify.com"

    response = client.get("/admin/connect/shopify", query_string=params)

    assert response.status_code == 401
    assert shops(cli) == []


def start(client) -> str:
    response = client.get(
        "/admin/connect/shopify", query_string={"shop": "amends-demo.myshopify.com"}
    )
    return dict(parse_qsl(urlsplit(response.headers["Location"]).query))["state"]


def callback(client, state: str | None, **changes: str):
    params = {
        "code": "abc",
        "shop": "amends-demo.myshopify.com",
        "timestamp": now(),
        "host": "YW1lbmRzLWRlbW8ubXlzaG9waWZ5LmNvbS9hZG1pbg",
    }
    if state is not None:
        params["state"] = state
    params = signed(params)
    params.update(changes)
    return client.get("/admin/connect/shopify/callback", query_string=params)


def test_a_callback_without_the_state_we_issued_is_refused(client, cli):
    start(client)

    missing, forged = callback(client, None), callback(client, "forged")

    assert (missing.status_code, forged.status_code) == (401, 401)
    assert shops(cli) == []


def test_a_callback_with_a_tampered_hmac_is_refused(client, cli):
    state = start(client)

    response = callback(client, state, code="swapped-after-signing")

    assert response.status_code == 401
    assert "hmac" in response.json["message"]
    assert shops(cli) == []


def test_a_callback_for_a_foreign_domain_is_refused(client, cli):
    state = start(client)

    response = callback(client, state, shop="shop.myshopify.com.evil.com")

    assert response.status_code == 400
    assert shops(cli) == []


def test_a_state_is_good_for_one_callback_only(client, cli):
    state = start(client)
    callback(client, state, code="swapped")  # consumes the state, refused for its hmac

    again = callback(client, state)

    assert again.status_code == 401
    assert again.json["message"] == "unknown or reused install state; start the install again"
    assert shops(cli) == []
