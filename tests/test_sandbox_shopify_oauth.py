"""Installing through the sandbox: the authorization-code grant, token exchange, refresh."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import requests
import shopify

from tests.test_sandbox_shopify_harness import CLIENT_ID, SECRET, SHOP, Sandbox, running_sandbox

REDIRECT = "https://app.example.com/auth/callback"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


def authorize(sandbox: Sandbox, **params: str) -> dict[str, str]:
    query = {
        "client_id": CLIENT_ID,
        "scope": "read_orders,write_orders",
        "redirect_uri": REDIRECT,
        "state": "nonce-1",
    }
    response = requests.get(
        f"{sandbox.base}/admin/oauth/authorize",
        params=query | params,
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return dict(parse_qsl(location.query))


def token_request(sandbox: Sandbox, **form: str) -> requests.Response:
    fields = {"client_id": CLIENT_ID, "client_secret": SECRET} | form
    return requests.post(f"{sandbox.base}/admin/oauth/access_token", data=fields, timeout=10)


def session_token(secret: str = SECRET, shop: str = SHOP, **claims: object) -> str:
    now = int(time.time())
    payload = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": CLIENT_ID,
        "sub": "42",
        "exp": now + 60,
        "nbf": now - 5,
        "iat": now - 5,
        "jti": "a2b4c6",
        "sid": "s1",
    } | claims
    return jwt.encode(payload, secret, algorithm="HS256")


def shop_name(sandbox: Sandbox, token: str) -> dict:
    return sandbox.graphql("{ shop { name } }", token=token)


def test_the_callback_is_signed_with_a_hex_hmac_over_the_sorted_query(
    sandbox: Sandbox, monkeypatch
):
    callback = authorize(sandbox)

    message = "&".join(f"{k}={v}" for k, v in sorted(callback.items()) if k != "hmac")
    expected = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
    monkeypatch.setattr(shopify.Session, "secret", SECRET)
    assert set(callback) == {"code", "hmac", "host", "shop", "state", "timestamp"}
    assert callback["hmac"] == expected
    assert shopify.Session.validate_hmac(callback)
    assert (callback["shop"], callback["state"]) == (SHOP, "nonce-1")
    assert (
        callback["host"] == "YW1lbmRzLWRlbW8ubXlzaG9waWZ5LmNvbS9hZG1pbg"
    )  # base64("<shop>/admin")


def test_a_code_is_exchanged_once_and_its_token_works_for_graphql(sandbox: Sandbox):
    code = authorize(sandbox)["code"]

    first = token_request(sandbox, code=code)
    second = token_request(sandbox, code=code)

    assert first.status_code == 200
    assert first.json()["scope"] == "read_orders,write_orders"
    assert first.json()["access_token"].startswith("shpat_")
    assert (second.status_code, second.json()["error"]) == (400, "invalid_request")
    assert shop_name(sandbox, first.json()["access_token"])["data"] == {
        "shop": {"name": "Amends Demo"}
    }


def test_a_wrong_client_secret_or_client_id_gets_no_token(sandbox: Sandbox):
    code = authorize(sandbox)["code"]

    wrong_secret = token_request(sandbox, code=code, client_secret="guess")
    wrong_client = requests.get(
        f"{sandbox.base}/admin/oauth/authorize",
        params={"client_id": "other-app", "redirect_uri": REDIRECT},
        allow_redirects=False,
        timeout=10,
    )

    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")
    assert wrong_client.status_code == 400
    assert token_request(sandbox, code=code).status_code == 200  # the code was not burnt


def test_token_exchange_gives_an_offline_token(sandbox: Sandbox):
    answer = token_request(
        sandbox,
        grant_type=TOKEN_EXCHANGE,
        subject_token=session_token(),
        subject_token_type=ID_TOKEN,
    )

    assert answer.status_code == 200
    assert set(answer.json()) == {"access_token", "scope"}
    assert "data" in shop_name(sandbox, answer.json()["access_token"])


def test_an_expiring_token_expires_on_the_sandbox_clock_and_is_refreshed(sandbox: Sandbox):
    issued = token_request(
        sandbox,
        grant_type=TOKEN_EXCHANGE,
        subject_token=session_token(),
        subject_token_type=ID_TOKEN,
        expiring="1",
    ).json()
    sandbox.advance(3601)
    expired = requests.post(
        f"{sandbox.base}/admin/api/2026-10/graphql.json",
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": issued["access_token"]},
        timeout=10,
    )
    refreshed = token_request(
        sandbox, grant_type="refresh_token", refresh_token=issued["refresh_token"]
    ).json()

    assert (issued["expires_in"], issued["refresh_token_expires_in"]) == (3600, 7_776_000)
    assert expired.status_code == 401
    assert refreshed["access_token"] != issued["access_token"]
    assert refreshed["refresh_token"] != issued["refresh_token"]
    assert "data" in shop_name(sandbox, refreshed["access_token"])


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"secret": "shpss_not_the_app_secret_0123456789abcdef"}, id="wrong-signature"),
        pytest.param({"exp": -120}, id="expired"),
        pytest.param({"aud": "another-app"}, id="other-app"),
        pytest.param({"shop": "other-shop.myshopify.com"}, id="other-shop"),
        pytest.param(None, id="garbage"),
    ],
)
def test_an_invalid_session_token_is_an_invalid_subject_token(
    sandbox: Sandbox, changes: dict | None
):
    if changes and "exp" in changes:
        changes = {"exp": int(time.time()) + changes["exp"]}
    token = "not-a-jwt" if changes is None else session_token(**changes)

    answer = token_request(
        sandbox, grant_type=TOKEN_EXCHANGE, subject_token=token, subject_token_type=ID_TOKEN
    )

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_subject_token")


def test_an_unknown_refresh_token_is_an_invalid_grant(sandbox: Sandbox):
    answer = token_request(sandbox, grant_type="refresh_token", refresh_token="shprt_unknown")

    assert (answer.status_code, answer.json()["error"]) == (400, "invalid_grant")


def test_uninstalling_revokes_every_token(sandbox: Sandbox):
    code = authorize(sandbox)["code"]
    issued = token_request(sandbox, code=code).json()["access_token"]
    sandbox.post("/uninstall")

    for token in (issued, "shpat_sandbox_test_token"):
        response = requests.post(
            f"{sandbox.base}/admin/api/2026-10/graphql.json",
            json={"query": "{ shop { name } }"},
            headers={"X-Shopify-Access-Token": token},
            timeout=10,
        )
        assert response.status_code == 401
    reinstalled = token_request(sandbox, code=authorize(sandbox)["code"]).json()["access_token"]
    assert "data" in shop_name(sandbox, reinstalled)
