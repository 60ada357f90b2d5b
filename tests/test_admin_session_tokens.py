"""Session tokens on the panel's API: one test per way a token fails, each a 401 App Bridge
retries with a new token (shopify_python_api's session_token tests are the model)."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from plugin.shops import UNINSTALLED
from plugin.storage.models import Shop
from tests.conftest import SHOPIFY_SECRET, TEST_NOW
from tests.panel_helpers import OTHER_DOMAIN, bearer, session_token

RETRY = "X-Shopify-Retry-Invalid-Session-Request"
FOREIGN_SECRET = "shpss_another_apps_secret_0123456789ab"


@pytest.fixture
def incident_id(shopify_shop, make_incident):
    return make_incident(shopify_shop)


def refused(client, headers, reason, retry=True):
    answer = client.get("/admin/api/incidents", headers=headers)
    assert answer.status_code == 401
    assert answer.json == {"error": reason}
    assert answer.headers.get(RETRY) == ("1" if retry else None)
    return answer


def test_a_valid_token_reads_the_shops_incidents(client, incident_id):
    answer = client.get("/admin/api/incidents", headers=bearer())

    assert answer.status_code == 200
    assert [i["id"] for i in answer.json] == [incident_id]


def test_no_token_is_refused(client, incident_id):
    refused(
        client,
        {},
        "not signed in: open Amends from your shop's admin, or sign in at /admin/login",
    )


def test_an_expired_token_is_refused_past_the_leeway(client, incident_id):
    expired = session_token(now=TEST_NOW - timedelta(seconds=71))  # exp 11 s ago

    refused(client, bearer(expired), "the session token has expired")


def test_a_token_just_expired_is_taken_within_the_leeway(client, incident_id):
    late = session_token(now=TEST_NOW - timedelta(seconds=69))  # exp 9 s ago

    assert client.get("/admin/api/incidents", headers=bearer(late)).status_code == 200


def test_a_token_not_valid_yet_is_refused(client, incident_id):
    early = session_token(nbf=int(TEST_NOW.timestamp()) + 11)

    refused(client, bearer(early), "the session token is not valid yet")


def test_a_token_signed_with_another_secret_is_refused(client, incident_id):
    refused(
        client,
        bearer(session_token(secret=FOREIGN_SECRET)),
        "the session token is not signed with the app's secret",
    )


def test_a_token_signed_with_the_previous_secret_is_taken_during_a_rotation(
    runtime, cli_with, make_shop, make_incident, settings_overrides, tmp_path, clock
):
    from plugin.app import create_app
    from plugin.runtime import build_runtime

    shop_id = make_shop("shopify")
    make_incident(shop_id)
    rotated = build_runtime(
        tmp_path / "instance",
        overrides=settings_overrides
        | {"shopify_api_secret": FOREIGN_SECRET, "shopify_api_secret_previous": SHOPIFY_SECRET},
        clock=clock,
    )
    client = create_app(runtime=rotated).test_client()

    old = client.get("/admin/api/incidents", headers=bearer(session_token(secret=SHOPIFY_SECRET)))
    new = client.get("/admin/api/incidents", headers=bearer(session_token(secret=FOREIGN_SECRET)))

    assert (old.status_code, new.status_code) == (200, 200)
    rotated.database.dispose()


def test_a_token_for_another_app_is_refused(client, incident_id):
    refused(
        client,
        bearer(session_token(aud="another-apps-key")),
        "the session token is for another app",
    )


@pytest.mark.parametrize("claim", ["iss", "dest", "aud", "sub", "exp", "nbf"])
def test_a_token_without_a_required_claim_is_refused(client, incident_id, claim):
    refused(
        client,
        bearer(session_token(drop=(claim,))),
        f"the session token has no {claim!r} claim",
    )


def test_a_token_whose_issuer_is_another_shop_is_refused(client, incident_id):
    refused(
        client,
        bearer(session_token(iss=f"https://{OTHER_DOMAIN}/admin")),
        "the session token's iss and dest name different shops",
    )


@pytest.mark.parametrize("dest", ["https://evil.example.com", "http://amends-demo.myshopify.com"])
def test_a_token_whose_dest_is_no_shop_is_refused(client, incident_id, dest):
    refused(
        client,
        bearer(session_token(dest=dest, iss=f"{dest}/admin")),
        "the session token's dest is not a shop",
    )


def test_an_unsigned_token_is_refused(client, incident_id):
    claims = jwt.decode(session_token(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")

    answer = client.get("/admin/api/incidents", headers=bearer(unsigned))

    assert answer.status_code == 401
    assert answer.headers[RETRY] == "1"


def test_a_token_for_a_shop_that_never_installed_amends_is_refused(client, incident_id):
    refused(
        client,
        bearer(session_token(shop=OTHER_DOMAIN)),
        f"{OTHER_DOMAIN} has not installed Amends; open it from the Shopify admin",
        retry=False,
    )


def test_a_token_for_an_uninstalled_shop_is_refused(client, runtime, shopify_shop, incident_id):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).status = UNINSTALLED

    answer = client.get("/admin/api/incidents", headers=bearer())

    assert answer.status_code == 401


def test_a_refused_token_writes_nothing(client, incident_id):
    before = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json

    answer = client.post(
        f"/admin/api/incidents/{incident_id}/notes",
        json={"text": "forged"},
        headers=bearer(session_token(secret=FOREIGN_SECRET)),
    )

    assert answer.status_code == 401
    assert client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json == before
