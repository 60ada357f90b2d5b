"""The standalone panel: local admins, sign-in with CSRF and a rate limit, a shop picker."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from plugin.app import create_app
from plugin.storage.models import AdminUser
from tests.panel_helpers import OTHER_DOMAIN

EMAIL = "ops@lumen.example"
PASSWORD = "correct horse battery"


@pytest.fixture
def admin(cli):
    result = cli("users", "add", EMAIL, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    return int(result.output.strip().splitlines()[-1])


def token_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def sign_in(client, email=EMAIL, password=PASSWORD):
    token = token_of(client.get("/admin/login"))
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


def choose(client, shop_id):
    token = token_of(client.get("/admin/shops"))
    return client.post("/admin/shops", data={"shop": str(shop_id), "csrf_token": token})


def test_users_add_keeps_only_a_hash_of_the_prompted_password(cli, runtime, admin):
    with runtime.database.reading() as session:
        stored = session.get(AdminUser, admin)
        assert stored.email == EMAIL
        assert PASSWORD not in stored.password_hash
        assert stored.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-address", PASSWORD, "is not an e-mail address"),
        (EMAIL, "short", "use at least 12 characters"),
    ],
)
def test_users_add_refuses_bad_input(cli, email, password, message):
    result = cli("users", "add", email, input=f"{password}\n{password}\n")

    assert result.exit_code != 0
    assert message in result.output


def test_users_add_refuses_a_second_admin_with_the_same_email(cli, admin):
    result = cli("users", "add", EMAIL.upper(), input=f"{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 1
    assert f"an admin with e-mail {EMAIL} exists already" in result.output


def test_signing_in_then_choosing_a_shop_shows_only_that_shops_incidents(
    client, admin, make_shop, make_incident
):
    mine = make_shop("shopify")
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)
    make_incident(mine, order="1001")
    make_incident(theirs, order="2002")

    signed_in = sign_in(client)
    chosen = choose(client, theirs)
    inbox = client.get("/admin")

    assert (signed_in.status_code, signed_in.headers["Location"]) == (303, "/admin/shops")
    assert (chosen.status_code, chosen.headers["Location"]) == (303, "/admin")
    body = inbox.get_data(as_text=True)
    assert "#2002" in body
    assert "#1001" not in body
    assert inbox.headers["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert "app-bridge.js" not in body  # not inside Shopify's admin


def test_the_standalone_panel_loads_nothing_from_another_origin(
    client, admin, shopify_shop, make_incident
):
    make_incident(shopify_shop, order="1001")
    sign_in(client)
    choose(client, shopify_shop)

    inbox = client.get("/admin")

    body = inbox.get_data(as_text=True)
    assert "#1001" in body
    assert "cdn.shopify.com" not in body  # a self-hosted panel may have no way out
    policy = dict(
        part.strip().split(" ", 1) for part in inbox.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"


def test_the_session_cookie_is_http_only_and_same_site(client, admin):
    answer = sign_in(client)

    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/admin" in cookie
    assert "Secure" not in cookie  # served over plain http here


def test_the_session_cookie_is_secure_when_amends_is_served_over_https(runtime, admin):
    from dataclasses import replace

    secure = replace(runtime, settings=replace(runtime.settings, public_url="https://a.example"))
    client = create_app(runtime=secure).test_client()

    answer = sign_in(client)

    assert "Secure" in answer.headers["Set-Cookie"]


def test_before_a_shop_is_chosen_pages_ask_for_one_and_the_api_refuses(client, admin, make_shop):
    make_shop("shopify")
    sign_in(client)

    assert client.get("/admin").headers["Location"] == "/admin/shops"
    answer = client.get("/admin/api/incidents")
    assert (answer.status_code, answer.json) == (
        403,
        {"error": "choose a shop first, at /admin/shops"},
    )


def test_a_wrong_password_is_refused_with_a_message_and_no_session(client, admin):
    answer = sign_in(client, password="wrong password!")

    assert answer.status_code == 401
    assert "The e-mail address or the password is wrong." in answer.get_data(as_text=True)
    assert client.get("/admin").headers["Location"] == "/admin/login"


def test_an_empty_form_gets_a_message_beside_each_field(client, admin):
    answer = sign_in(client, email="", password="")

    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert 'id="email-error">Enter your e-mail address.</p>' in body
    assert 'id="password-error">Enter your password.</p>' in body


def test_a_sign_in_without_the_forms_token_is_refused(client, admin):
    client.get("/admin/login")

    answer = client.post("/admin/login", data={"email": EMAIL, "password": PASSWORD})

    assert answer.status_code == 403
    assert client.get("/admin").headers["Location"] == "/admin/login"


def test_five_failures_block_sign_in_for_a_while_even_with_the_right_password(client, admin, clock):
    for _ in range(5):
        assert sign_in(client, password="wrong password!").status_code == 401

    blocked = sign_in(client)
    assert blocked.status_code == 429
    assert blocked.headers["Retry-After"] == "900"
    assert "Too many failed sign-ins. Try again in 15 minutes." in blocked.get_data(as_text=True)

    clock.advance(timedelta(minutes=15, seconds=1))
    assert sign_in(client).status_code == 303


def test_unknown_accounts_count_towards_the_limit_of_the_address(client, admin):
    for n in range(5):
        sign_in(client, email=f"guess{n}@lumen.example", password="wrong password!")

    assert sign_in(client).status_code == 429


def test_the_api_takes_the_session_and_wants_the_csrf_header_to_write(
    client, admin, shopify_shop, make_incident
):
    incident_id = make_incident(shopify_shop)
    sign_in(client)
    choose(client, shopify_shop)
    page = client.get(f"/admin/incidents/{incident_id}")
    url = f"/admin/api/incidents/{incident_id}/notes"

    listed = client.get("/admin/api/incidents")
    refused = client.post(url, json={"text": "no header"})
    noted = client.post(url, json={"text": "with header"}, headers={"X-CSRF-Token": token_of(page)})

    assert [i["id"] for i in listed.json] == [incident_id]
    assert refused.status_code == 403
    assert noted.status_code == 201
    assert noted.json["timeline"][-1]["actor"] == f"staff:{EMAIL}"
    notes = [e["detail"]["text"] for e in noted.json["timeline"] if e["type"] == "note_added"]
    assert notes == ["with header"]


def test_signing_out_ends_the_session(client, admin, shopify_shop):
    sign_in(client)
    choose(client, shopify_shop)
    token = token_of(client.get("/admin"))

    answer = client.post("/admin/logout", data={"csrf_token": token})

    assert answer.status_code == 303
    assert client.get("/admin").headers["Location"] == "/admin/login"
