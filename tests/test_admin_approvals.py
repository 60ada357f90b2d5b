"""The approval queue in the panel's pages: inside Shopify's admin and standalone."""

from __future__ import annotations

import re

import pytest

from tests.panel_helpers import OTHER_DOMAIN, bearer, session_token, waiting_compensation
from tests.test_admin_login import EMAIL, PASSWORD, choose, sign_in
from tests.test_admin_pages import APP_URL, csrf_of, pass_of


@pytest.fixture
def waiting(runtime, shopify_shop):
    """A compensation of the shop waiting for approval: (incident id, compensation id)."""
    return waiting_compensation(runtime, shopify_shop, order_id="5001")


@pytest.fixture
def inbox(client, waiting):
    return client.get(f"{APP_URL}&id_token={session_token()}")


def queue(client, page):
    return client.get(f"/admin/approvals?pass={pass_of(page)}")


def compensation(client, compensation_id):
    (found,) = [
        c
        for c in client.get("/admin/api/compensations", headers=bearer()).json
        if c["id"] == compensation_id
    ]
    return found


def test_the_nav_leads_to_the_queue_of_the_shops_waiting_compensations(
    client, runtime, make_shop, waiting, inbox
):
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)
    waiting_compensation(runtime, theirs, order_id="6001", email="someone@else.example")
    incident_id, compensation_id = waiting

    nav = re.search(r"<ui-nav-menu.*?</ui-nav-menu>", inbox.get_data(as_text=True), re.S).group()
    assert f'href="/admin/approvals?pass={pass_of(inbox)}">Approvals</a>' in nav
    page = queue(client, inbox)

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<title>Approvals · Amends</title>" in body
    assert f'href="/admin/incidents/{incident_id}?pass=' in body
    assert "#5001" in body
    assert "lucia@example.es" in body
    assert "Discount code" in body
    assert "5.00 EUR" in body
    assert f'action="/admin/compensations/{compensation_id}/approve"' in body
    assert f'action="/admin/compensations/{compensation_id}/deny"' in body
    assert "#6001" not in body
    assert "someone@else.example" not in body


def test_approving_from_the_queue_issues_it_as_the_staff_member(client, waiting, inbox):
    incident_id, compensation_id = waiting
    page = queue(client, inbox)

    answer = client.post(
        f"/admin/compensations/{compensation_id}/approve",
        data={"pass": pass_of(page), "csrf_token": csrf_of(page)},
    )

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/admin/approvals?pass=")
    assert answer.headers["Location"].endswith("done=approved")
    given = compensation(client, compensation_id)
    assert (given["status"], given["approved_by"]) == ("queued", "staff:shopify-user-42")
    followed = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'role="status"><p>Compensation approved.</p>' in followed
    assert "No compensation waits for your approval." in followed


def test_the_incident_shows_its_waiting_compensation_and_a_denial_with_its_reason(
    client, waiting, inbox
):
    incident_id, compensation_id = waiting
    detail = client.get(f"/admin/incidents/{incident_id}?pass={pass_of(inbox)}")
    body = detail.get_data(as_text=True)
    assert "Waiting for approval" in body
    assert f'action="/admin/compensations/{compensation_id}/approve"' in body

    answer = client.post(
        f"/admin/compensations/{compensation_id}/deny",
        data={
            "pass": pass_of(detail),
            "csrf_token": csrf_of(detail),
            "back": "incident",
            "reason": "A gift went out already",
        },
    )

    assert answer.status_code == 303
    assert answer.headers["Location"].startswith(f"/admin/incidents/{incident_id}?pass=")
    followed = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'role="status"><p>Compensation denied.</p>' in followed
    assert "Denied" in followed
    assert f"/admin/compensations/{compensation_id}/approve" not in followed
    shown = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json
    (entry,) = [e for e in shown["timeline"] if e["type"] == "compensation_denied"]
    assert (entry["actor"], entry["detail"]["reason"]) == (
        "staff:shopify-user-42",
        "A gift went out already",
    )


def test_deciding_twice_is_explained_and_changes_nothing(client, waiting, inbox):
    _, compensation_id = waiting
    page = queue(client, inbox)
    form = {"pass": pass_of(page), "csrf_token": csrf_of(page)}
    assert client.post(f"/admin/compensations/{compensation_id}/deny", data=form).status_code == 303

    again = client.post(f"/admin/compensations/{compensation_id}/approve", data=form)

    assert again.status_code == 409
    assert f"compensation {compensation_id} is denied, not waiting for approval" in (
        again.get_data(as_text=True)
    )
    assert compensation(client, compensation_id)["status"] == "denied"


def test_a_reason_too_long_gets_a_message_beside_its_field_and_denies_nothing(
    client, waiting, inbox
):
    incident_id, compensation_id = waiting
    detail = client.get(f"/admin/incidents/{incident_id}?pass={pass_of(inbox)}")

    answer = client.post(
        f"/admin/compensations/{compensation_id}/deny",
        data={
            "pass": pass_of(detail),
            "csrf_token": csrf_of(detail),
            "back": "incident",
            "reason": "x" * 1001,
        },
    )

    assert answer.status_code == 422
    body = answer.get_data(as_text=True)
    assert (
        f'<p class="field-error" id="reason-{compensation_id}-error">'
        "A reason holds at most 1000 characters.</p>"
    ) in body
    assert compensation(client, compensation_id)["status"] == "pending_approval"


@pytest.mark.parametrize("token", ["", "forged"])
def test_a_decision_without_its_form_token_is_refused(client, waiting, inbox, token):
    _, compensation_id = waiting

    answer = client.post(
        f"/admin/compensations/{compensation_id}/approve",
        data={"pass": pass_of(inbox), "csrf_token": token},
    )

    assert answer.status_code == 403
    assert compensation(client, compensation_id)["status"] == "pending_approval"


def test_the_queue_speaks_the_admins_language(client, waiting):
    page = client.get(f"{APP_URL}&locale=de&id_token={session_token()}")

    body = queue(client, page).get_data(as_text=True)

    assert "<title>Freigaben · Amends</title>" in body
    assert "Wartet auf Ihre Freigabe" in body


def test_a_standalone_admin_approves_from_the_queue(client, runtime, cli, shopify_shop):
    assert cli("users", "add", EMAIL, input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    _, compensation_id = waiting_compensation(runtime, shopify_shop)
    sign_in(client)
    choose(client, shopify_shop)
    page = client.get("/admin/approvals")
    assert "#5001" in page.get_data(as_text=True)

    answer = client.post(
        f"/admin/compensations/{compensation_id}/approve",
        data={"csrf_token": csrf_of(page)},
    )

    assert answer.status_code == 303
    given = compensation(client, compensation_id)
    assert given["status"] == "queued"
    assert given["approved_by"] == f"staff:{EMAIL}"
