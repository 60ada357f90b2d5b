"""The customer's page: reached from the link in each message, in their language.

It shows where the case stands in plain words (never staff's notes), takes a message
(which takes the case up), and offers the options to choose from while an offer
waits; choosing gives exactly one. A changed or expired link gets a page that says
so; a form from elsewhere is refused.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from plugin import worker
from plugin.incidents import staff
from plugin.incidents.links import LINK_DAYS, IncidentLinks
from plugin.incidents.views import show_incident
from plugin.scope import ShopScope
from tests.test_compensations import OFFER, actions_queued, open_incident, order, rows, with_policy

SENDER = "care@amends.example"


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
    }


@pytest.fixture
def shop(make_shop, runtime) -> int:
    """A WooCommerce shop that compensates nothing unless a test says so."""
    shop_id = make_shop("woocommerce", domain="http://127.0.0.1:9/")
    with_policy(runtime, shop_id, {"rules": []})
    return shop_id


@pytest.fixture
def incident(runtime, shop) -> int:
    order(runtime, shop)
    return open_incident(runtime, shop, "defective_item")


def link(runtime, shop_id: int, incident_id: int) -> str:
    """Return the path of the incident's page, as a message's link carries it."""
    links = IncidentLinks(runtime.settings.secret_key, "", runtime.clock.now)
    return links.url(shop_id, incident_id)


def shown(runtime, incident_id: int) -> dict:
    with runtime.database.reading() as session:
        return show_incident(session, ShopScope.every(), incident_id)


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def test_the_acknowledgement_carries_a_link_to_the_case_in_the_customers_language(
    client, runtime, incident, mailbox
):
    worker.run_once(runtime)
    (message,) = mailbox.messages()
    body = message.get_body(("plain",)).get_content()
    (url,) = re.findall(r"http://127\.0\.0\.1:8000(/incident/\S+)", body)

    page = client.get(url)

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="es">' in text
    assert "Su caso sobre el pedido #5001" in text
    assert "Abrimos un caso para su pedido." in text
    assert "Le escribimos." in text
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_staff_notes_never_reach_the_customers_page(client, runtime, shop, incident):
    with runtime.database.transaction() as session:
        found = staff.find_incident(session, ShopScope.every(), incident)
        staff.note(session, found, "Customer sounds angry; offer little", "staff:ana")

    text = client.get(link(runtime, shop, incident)).get_data(as_text=True)

    assert "Abrimos un caso para su pedido." in text
    assert "sounds angry" not in text


@pytest.mark.parametrize("change", ["tampered", "other-incident", "garbage"])
def test_a_changed_link_gets_a_clear_page_and_shows_nothing(
    client, runtime, shop, incident, change
):
    url = link(runtime, shop, incident)
    if change == "tampered":
        url = url[:-3] + ("aaa" if not url.endswith("aaa") else "bbb")
    elif change == "other-incident":
        url = link(runtime, shop, incident)[: len("/incident/")] + "WzEsMiw5OTk5OTk5OTk5XQ.x"
    else:
        url = "/incident/not-a-token"

    page = client.get(url, headers={"Accept-Language": "es"})

    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "Este enlace no es válido." in text
    assert "#5001" not in text


def test_an_expired_link_says_so(client, runtime, shop, incident, clock):
    url = link(runtime, shop, incident)
    clock.advance(timedelta(days=LINK_DAYS, seconds=1))

    page = client.get(url, headers={"Accept-Language": "en"})

    assert page.status_code == 410
    assert "This link has expired." in page.get_data(as_text=True)
    assert "#5001" not in page.get_data(as_text=True)


def test_a_link_to_an_incident_that_is_gone_is_not_valid(client, runtime, shop):
    page = client.get(link(runtime, shop, 999), headers={"Accept-Language": "en"})

    assert page.status_code == 404
    assert "This link is not valid." in page.get_data(as_text=True)


def test_a_message_lands_on_the_timeline_and_takes_the_case_up(client, runtime, shop, incident):
    url = link(runtime, shop, incident)
    page = client.get(url)

    answer = client.post(
        f"{url}/messages",
        data={"text": "  La foto del jarrón roto va adjunta  ", "csrf_token": csrf_of(page)},
    )

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("done=sent")
    case = shown(runtime, incident)
    assert case["status"] == "in_progress"
    written = [e for e in case["timeline"] if e["type"] == "customer_message"]
    assert [(e["actor"], e["detail"]) for e in written] == [
        ("customer", {"text": "La foto del jarrón roto va adjunta"})
    ]
    moved = case["timeline"][-1]
    assert (moved["type"], moved["actor"], moved["detail"]["to"]) == (
        "status_changed",
        "customer",
        "in_progress",
    )
    followed = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Gracias: hemos recibido su mensaje." in followed
    assert "La foto del jarrón roto va adjunta" in followed


def test_a_message_to_a_resolved_case_reopens_it(client, runtime, shop, incident):
    with runtime.database.transaction() as session:
        staff.resolve(session, staff.find_incident(session, ShopScope.every(), incident))
    url = link(runtime, shop, incident)

    client.post(
        f"{url}/messages", data={"text": "Sigue roto", "csrf_token": csrf_of(client.get(url))}
    )

    assert shown(runtime, incident)["status"] == "in_progress"


def test_an_empty_message_gets_a_message_beside_its_field_and_writes_nothing(
    client, runtime, shop, incident
):
    url = link(runtime, shop, incident)
    before = shown(runtime, incident)

    answer = client.post(
        f"{url}/messages", data={"text": "   ", "csrf_token": csrf_of(client.get(url))}
    )

    assert answer.status_code == 422
    assert 'id="text-error">Escriba su mensaje antes de enviarlo.</p>' in answer.get_data(
        as_text=True
    )
    assert shown(runtime, incident) == before


@pytest.mark.parametrize("form", ["no-cookie", "forged", "other-incident"])
def test_a_form_not_from_the_page_is_refused_and_writes_nothing(
    app, client, runtime, shop, incident, form
):
    url = link(runtime, shop, incident)
    token = csrf_of(client.get(url))
    if form == "no-cookie":
        client = app.test_client()  # another browser: it never opened the page
    elif form == "forged":
        token = token[:-2] + "xx"
    else:
        order(runtime, shop, order_id="5002")
        other = open_incident(runtime, shop, "wrong_item", order_id="5002")
        token = csrf_of(client.get(link(runtime, shop, other)))
    before = shown(runtime, incident)

    answer = client.post(f"{url}/messages", data={"text": "hola", "csrf_token": token})

    assert answer.status_code == 403
    assert shown(runtime, incident) == before


def test_the_customer_chooses_one_option_and_only_it_is_queued(client, runtime, shop):
    with_policy(runtime, shop, OFFER)
    order(runtime, shop)
    incident = open_incident(runtime, shop, "defective_item")
    url = link(runtime, shop, incident)
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert "Elija su compensación" in text
    assert 'name="option" value="1"' in text
    assert 'name="option" value="2" checked' in text  # the policy's default

    answer = client.post(f"{url}/choice", data={"option": "1", "csrf_token": csrf_of(page)})
    again = client.post(f"{url}/choice", data={"option": "2", "csrf_token": csrf_of(page)})

    assert answer.status_code == 303
    assert again.status_code == 409
    assert "Su elección ya está hecha" in again.get_data(as_text=True)
    assert [(row.option, row.status, row.chosen_by) for row in rows(runtime, incident)] == [
        (1, "queued", "customer"),
        (2, "not_chosen", None),
    ]
    assert actions_queued(runtime) == [(f"incident:{incident}:compensation:1", "queued")]
