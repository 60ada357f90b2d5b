"""Requests the WordPress plugin signs in PHP are verified by Amends in Python.

php-cli runs the plugin's own `Amends_Signer`; Amends' `signed_request_scope`
checks the result. A tampered, replayed or stale request is refused with its
reason, and nothing is written for it.
"""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from admin_ui.signed_requests import SignatureRefused, signed_request_scope
from plugin.scope import ShopScope
from plugin.shops import update_credentials
from plugin.storage.models import RequestNonce
from tests.conftest import WOO_SECRET

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "admin_ui" / "wordpress" / "amends-for-woocommerce"
SIGN = ROOT / "tests" / "wordpress" / "sign.php"
AMENDS = "https://amends.example.com"
NEW_SECRET = "Zq8Wm3Tn6Kp1Rv5Yc2Hd9Lf4Bs7Gx0Ja"


def php_signed(*requests: dict) -> list[dict[str, str]]:
    """Return the headers the plugin's PHP signer gives each request."""
    done = subprocess.run(
        ["php", str(SIGN)],
        input=json.dumps(list(requests)),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return json.loads(done.stdout)


@pytest.fixture
def shop(make_shop) -> int:
    return make_shop("woocommerce", domain="https://store.example/")


@pytest.fixture
def sign(shop, clock):
    """Return a signer of one request, as the plugin signs it at the test's moment."""

    def signed(method: str = "GET", path: str = "/admin/api/incidents", body: str = "", **given):
        request = {
            "secret": WOO_SECRET,
            "shop": shop,
            "method": method,
            "url": AMENDS + path,
            "body": body,
            "timestamp": int(clock.now().timestamp()),
        } | given
        return php_signed(request)[0]

    return signed


def verify(app, path: str, headers: dict[str, str], method: str = "GET", body: str = ""):
    """Run the authenticator on a request as Flask receives it."""
    with app.test_request_context(path, method=method, data=body, headers=headers):
        from flask import request

        return signed_request_scope(request)


def refusal(app, path: str, headers: dict[str, str], method: str = "GET", body: str = "") -> str:
    with pytest.raises(SignatureRefused) as refused:
        verify(app, path, headers, method, body)
    assert refused.value.status == 401
    return refused.value.why


def spent_nonces(runtime) -> int:
    with runtime.database.reading() as session:
        return session.scalar(select(func.count()).select_from(RequestNonce))


def test_a_get_with_a_query_signed_in_php_verifies_as_its_shop(app, sign, shop):
    path = "/admin/api/incidents?status=open&q=Anna%20Rossi&limit=20"

    assert verify(app, path, sign(path=path)) == ShopScope.only(shop)


def test_a_post_with_a_body_signed_in_php_verifies(app, sign, shop):
    body = json.dumps({"text": "Rang the carrier: parcel is in Bologna — «domani»."})
    path = "/admin/api/incidents/7/notes"
    headers = sign("POST", path, body)

    assert verify(app, path, headers, "POST", body) == ShopScope.only(shop)


def test_each_request_signs_with_a_fresh_nonce(sign):
    first, second = sign(), sign()

    assert first["X-Amends-Nonce"] != second["X-Amends-Nonce"]
    assert len(first["X-Amends-Nonce"]) == 32


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/admin/api/incidents/7/notes", '{"text": "a note, but another one"}'),
        ("POST", "/admin/api/incidents/8/notes", '{"text": "the note"}'),
        ("POST", "/admin/api/incidents/7/notes?force=1", '{"text": "the note"}'),
        ("PUT", "/admin/api/incidents/7/notes", '{"text": "the note"}'),
    ],
    ids=["body", "path", "query", "method"],
)
def test_a_tampered_request_is_refused_and_nothing_is_written(
    app, sign, runtime, method, path, body
):
    headers = sign("POST", "/admin/api/incidents/7/notes", '{"text": "the note"}')

    assert refusal(app, path, headers, method, body) == "the signature does not match"
    assert spent_nonces(runtime) == 0


def test_a_replayed_request_is_refused(app, sign, runtime):
    path = "/admin/api/incidents/7/resolve"
    headers = sign("POST", path)
    verify(app, path, headers, "POST")

    assert refusal(app, path, headers, "POST") == "the nonce was used before (a replayed request)"
    assert spent_nonces(runtime) == 1


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_a_stale_or_future_timestamp_is_refused(app, sign, clock, runtime, offset):
    headers = sign(timestamp=int((clock.now() + offset).timestamp()))

    reason = refusal(app, "/admin/api/incidents", headers)

    assert "away from Amends' clock" in reason
    assert spent_nonces(runtime) == 0


def test_a_timestamp_within_the_window_passes(app, sign, clock, shop):
    headers = sign(timestamp=int((clock.now() - timedelta(minutes=4)).timestamp()))

    assert verify(app, "/admin/api/incidents", headers) == ShopScope.only(shop)


def test_another_shops_secret_or_id_is_refused(app, sign, make_shop, shop):
    other = make_shop("woocommerce", domain="https://other.example/", webhook_secret=NEW_SECRET)
    foreign = sign(secret=NEW_SECRET)  # the other shop's secret, this shop's id
    claimed = sign(shop=other)  # this shop's secret, the other shop's id

    assert refusal(app, "/admin/api/incidents", foreign) == "the signature does not match"
    assert refusal(app, "/admin/api/incidents", claimed) == "the signature does not match"


def test_an_unknown_shop_is_refused(app, sign):
    assert refusal(app, "/admin/api/incidents", sign(shop=999)) == "the signature does not match"


def test_the_previous_secret_signs_while_the_store_moves_to_a_new_one(app, sign, runtime, shop):
    with runtime.database.transaction() as session:
        update_credentials(session, runtime.credentials, shop, {"webhook_secret": NEW_SECRET})

    assert verify(app, "/admin/api/incidents", sign()) == ShopScope.only(shop)
    assert verify(app, "/admin/api/incidents", sign(secret=NEW_SECRET)) == ShopScope.only(shop)


def test_an_unsigned_request_is_left_to_other_authenticators(app, runtime):
    assert verify(app, "/admin/api/incidents", {}) is None
    assert spent_nonces(runtime) == 0


def test_a_request_missing_one_header_is_refused_by_name(app, sign):
    headers = sign()
    del headers["X-Amends-Nonce"]

    assert refusal(app, "/admin/api/incidents", headers) == "missing X-Amends-Nonce"


def test_a_malformed_signature_is_refused_by_name(app, sign):
    headers = sign() | {"X-Amends-Signature": "not-hex"}

    reason = refusal(app, "/admin/api/incidents", headers)

    assert reason == "X-Amends-Signature must be 64 lowercase hex digits"


def test_nonces_are_forgotten_once_their_requests_could_no_longer_pass(app, sign, clock, runtime):
    verify(app, "/admin/api/incidents", sign())
    verify(app, "/admin/api/incidents", sign())
    clock.advance(timedelta(minutes=11))

    verify(app, "/admin/api/incidents", sign())

    assert spent_nonces(runtime) == 1


def test_the_same_nonce_from_two_shops_is_two_requests(app, sign, make_shop, shop):
    other = make_shop("woocommerce", domain="https://other.example/", webhook_secret=NEW_SECRET)
    nonce = "a" * 32

    assert verify(app, "/admin/api/incidents", sign(nonce=nonce)) == ShopScope.only(shop)
    signed_by_other = sign(nonce=nonce, shop=other, secret=NEW_SECRET)
    assert verify(app, "/admin/api/incidents", signed_by_other) == ShopScope.only(other)


def test_every_plugin_file_is_valid_php():
    files = sorted(PLUGIN.rglob("*.php"))
    assert len(files) >= 8

    for path in files:
        linted = subprocess.run(["php", "-l", str(path)], capture_output=True, text=True)
        assert linted.returncode == 0, linted.stdout + linted.stderr
