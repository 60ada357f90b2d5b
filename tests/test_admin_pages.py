"""The panel's pages inside Shopify's admin: App URL, inbox, incident, forms, languages."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from plugin.app import create_app
from plugin.clock import SystemClock
from plugin.shops import shop_credentials
from plugin.storage.models import CompensationRecord, Shop
from tests.conftest import SHOPIFY_DOMAIN
from tests.panel_helpers import OTHER_DOMAIN, bearer, session_token, waiting_compensation
from tests.test_sandbox_shopify_harness import CLIENT_ID, SECRET, running_sandbox

APP_URL = f"/admin?shop={SHOPIFY_DOMAIN}&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvYW1lbmRz&embedded=1"


class Head(HTMLParser):
    """The elements of a page's <head>, in order, and every <script> of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.head: list[tuple[str, dict]] = []
        self.scripts: list[dict] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.inside = True
        elif self.inside:
            self.head.append((tag, attrs))
        if tag == "script":
            self.scripts.append(attrs)

    def handle_endtag(self, tag):
        if tag == "head":
            self.inside = False


def parsed(page) -> Head:
    head = Head()
    head.feed(page.get_data(as_text=True))
    return head


def pass_of(page) -> str:
    return re.search(r'name="pass" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


@pytest.fixture
def loaded(client, shopify_shop, make_incident):
    """The App URL as Shopify's admin loads it, with one incident of the shop."""
    incident_id = make_incident(shopify_shop, order="1001")
    page = client.get(f"{APP_URL}&id_token={session_token()}")
    return page, incident_id


def test_the_app_url_answers_the_inbox_with_app_bridge_first_in_head(loaded):
    page, _ = loaded

    assert page.status_code == 200
    head = parsed(page)
    assert head.head[:2] == [
        ("meta", {"name": "shopify-api-key", "content": "test-api-key"}),
        ("script", {"src": "https://cdn.shopify.com/shopifycloud/app-bridge.js"}),
    ]
    assert {"src": "https://cdn.shopify.com/shopifycloud/polaris.js"} in head.scripts
    assert all("src" in script for script in head.scripts)  # no inline script
    body = page.get_data(as_text=True)
    assert "<ui-nav-menu" in body
    assert "<ui-title-bar" in body
    assert "#1001" in body


def test_the_page_may_be_framed_only_by_its_shop_and_shopify_admin(loaded):
    page, _ = loaded

    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";")
    )
    assert policy["frame-ancestors"] == f"https://{SHOPIFY_DOMAIN} https://admin.shopify.com"
    assert policy["script-src"] == "'self' https://cdn.shopify.com"


def test_a_sandbox_stores_admin_may_frame_the_page_too(runtime, shopify_shop, make_incident):
    runtime.settings = dataclasses.replace(
        runtime.settings, shopify_admin_url="http://127.0.0.1:8001/"
    )
    client = create_app(runtime=runtime).test_client()

    page = client.get(f"{APP_URL}&id_token={session_token()}")

    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";")
    )
    assert policy["frame-ancestors"] == (
        f"https://{SHOPIFY_DOMAIN} https://admin.shopify.com http://127.0.0.1:8001"
    )


def test_the_inbox_shows_none_of_another_shops_incidents(client, make_shop, make_incident):
    mine = make_shop("shopify")
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)
    make_incident(mine, order="1001")
    make_incident(theirs, order="2002")

    page = client.get(f"{APP_URL}&id_token={session_token()}").get_data(as_text=True)

    assert "#1001" in page
    assert "#2002" not in page


@pytest.mark.parametrize(
    ("locale", "lang", "title"),
    [
        ("en", "en", "Incidents"),
        ("es-ES", "es", "Incidencias"),
        ("it", "it", "Segnalazioni"),
        ("ru-RU", "ru", "Инциденты"),
        ("de", "de", "Vorfälle"),
        ("fr-CA", "fr", "Incidents"),
    ],
)
def test_the_panel_speaks_the_admins_locale(client, shopify_shop, locale, lang, title):
    page = client.get(f"{APP_URL}&locale={locale}&id_token={session_token()}")

    body = page.get_data(as_text=True)
    assert f'<html lang="{lang}">' in body
    assert f"<title>{title} · Amends</title>" in body


def test_the_language_follows_the_pages_links(client, shopify_shop, make_incident):
    incident_id = make_incident(shopify_shop)
    page = client.get(f"{APP_URL}&locale=de&id_token={session_token()}")

    detail = client.get(f"/admin/incidents/{incident_id}?pass={pass_of(page)}")

    assert "Notiz hinzufügen" in detail.get_data(as_text=True)


def test_links_carry_a_pass_that_opens_the_incident(client, loaded):
    page, incident_id = loaded

    detail = client.get(f"/admin/incidents/{incident_id}?pass={pass_of(page)}")

    assert detail.status_code == 200
    body = detail.get_data(as_text=True)
    assert "https://admin.shopify.com/store/amends-demo/orders/1001" in body
    assert "Delayed shipment" in body


def test_a_forged_or_expired_pass_is_refused(client, loaded, clock):
    page, incident_id = loaded
    forged = pass_of(page)[:-2] + "xx"

    assert client.get(f"/admin/incidents/{incident_id}?pass={forged}").status_code == 401
    clock.advance(timedelta(seconds=3601))
    expired = client.get(f"/admin/incidents/{incident_id}?pass={pass_of(page)}")
    assert expired.status_code == 401
    assert "open Amends again from the Shopify admin" in expired.get_data(as_text=True)


def test_a_bad_filter_gets_a_message_beside_its_field(client, loaded):
    page, _ = loaded

    answer = client.get(f"/admin?pass={pass_of(page)}&age=soon")

    assert answer.status_code == 400
    body = answer.get_data(as_text=True)
    assert 'id="age" name="age" aria-invalid="true" aria-describedby="age-error"' in body
    assert '<p class="field-error" id="age-error">Choose one of the values offered.</p>' in body


def test_a_note_from_the_form_lands_on_the_timeline(client, loaded):
    page, incident_id = loaded
    detail = client.get(f"/admin/incidents/{incident_id}?pass={pass_of(page)}")

    answer = client.post(
        f"/admin/incidents/{incident_id}/notes",
        data={
            "text": "Carrier says Monday",
            "pass": pass_of(detail),
            "csrf_token": csrf_of(detail),
        },
    )

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("done=noted")
    shown = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json
    assert shown["timeline"][-1]["detail"] == {"text": "Carrier says Monday"}
    assert shown["timeline"][-1]["actor"] == "staff:shopify-user-42"
    followed = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'role="status"><p>Note added.</p>' in followed


def test_an_empty_note_gets_a_message_beside_its_field_and_writes_nothing(client, loaded):
    page, incident_id = loaded
    before = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json

    answer = client.post(
        f"/admin/incidents/{incident_id}/notes",
        data={
            "text": "  ",
            "pass": pass_of(page),
            "csrf_token": _form_token(client, page, incident_id),
        },
    )

    assert answer.status_code == 422
    assert 'id="text-error">Write the note before adding it.</p>' in answer.get_data(as_text=True)
    assert client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json == before


def _form_token(client, page, incident_id):
    return csrf_of(client.get(f"/admin/incidents/{incident_id}?pass={pass_of(page)}"))


@pytest.mark.parametrize("token", ["", "forged", "another-shop"])
def test_a_form_without_its_token_is_refused_and_writes_nothing(
    client, make_shop, make_incident, loaded, token
):
    page, incident_id = loaded
    if token == "another-shop":
        theirs = make_incident(make_shop("shopify", domain=OTHER_DOMAIN), order="2002")
        other = client.get(
            f"/admin?shop={OTHER_DOMAIN}&id_token={session_token(shop=OTHER_DOMAIN)}"
        )
        token = _form_token(client, other, theirs)
    before = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json

    answer = client.post(
        f"/admin/incidents/{incident_id}/resolve", data={"pass": pass_of(page), "csrf_token": token}
    )

    assert answer.status_code == 403
    assert client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json == before


def test_resolve_and_reopen_from_the_page_and_a_stale_resolve_is_explained(client, loaded):
    page, incident_id = loaded
    form = {"pass": pass_of(page), "csrf_token": _form_token(client, page, incident_id)}

    resolved = client.post(f"/admin/incidents/{incident_id}/resolve", data=form)
    stale = client.post(f"/admin/incidents/{incident_id}/resolve", data=form)
    reopened = client.post(f"/admin/incidents/{incident_id}/reopen", data=form)

    assert resolved.status_code == 303
    assert stale.status_code == 409
    assert f"incident {incident_id} is already resolved" in stale.get_data(as_text=True)
    assert reopened.status_code == 303
    status = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json["status"]
    assert status == "in_progress"


def test_a_reload_inside_the_admin_without_a_token_bounces_through_app_bridge(client, shopify_shop):
    answer = client.get(APP_URL)

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/admin/bounce?shopify-reload=")
    bounce = client.get(answer.headers["Location"])
    assert parsed(bounce).head[:2] == [
        ("meta", {"name": "shopify-api-key", "content": "test-api-key"}),
        ("script", {"src": "https://cdn.shopify.com/shopifycloud/app-bridge.js"}),
    ]


def test_a_visit_outside_any_admin_is_sent_to_sign_in(client):
    answer = client.get("/admin")

    assert (answer.status_code, answer.headers["Location"]) == (302, "/admin/login")


def test_an_expired_id_token_on_the_app_url_is_refused(client, shopify_shop, clock):
    stale = session_token(now=clock.now() - timedelta(minutes=5))

    answer = client.get(f"{APP_URL}&id_token={stale}")

    assert answer.status_code == 401
    assert "the session token has expired" in answer.get_data(as_text=True)


def test_the_first_load_of_a_shop_trades_its_token_for_an_offline_token(
    runtime, settings_overrides
):
    with running_sandbox() as store:
        # The sandbox checks session tokens against real time, as Shopify does.
        runtime.use_clock(SystemClock())
        app = create_app(
            runtime=_runtime_for(runtime, store.base),
        )
        token = session_token(now=datetime.now(UTC), secret=SECRET, aud=CLIENT_ID)

        page = app.test_client().get(f"{APP_URL}&id_token={token}")

        assert page.status_code == 200
        with runtime.database.reading() as session:
            (shop,) = session.query(Shop).all()
            credentials = shop_credentials(session, runtime.credentials, shop.id)
        assert shop.domain == SHOPIFY_DOMAIN
        assert credentials["access_token"].startswith("shpat_")
        assert credentials["refresh_token"]


def _runtime_for(runtime, sandbox_url):
    from dataclasses import replace

    from plugin.runtime import build_connectors

    settings = replace(
        runtime.settings,
        shopify_api_key=CLIENT_ID,
        shopify_api_secret=SECRET,
        shopify_admin_url=sandbox_url,
    )
    return replace(runtime, settings=settings, connectors=build_connectors(settings))


@pytest.mark.parametrize("language", ["es", "it", "ru", "de", "fr"])
def test_every_sentence_of_the_panel_is_translated(language):
    from babel.messages.pofile import read_po

    source = Path(__file__).parent.parent / "admin_ui" / "translations"
    with (source / "panel.pot").open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with (source / language / "LC_MESSAGES" / "panel.po").open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {
        m.id
        for m in catalog
        if m.id and not m.fuzzy and all(m.string if isinstance(m.string, tuple) else [m.string])
    }

    assert wanted - translated == set()


def test_the_incident_says_why_a_compensation_was_not_given_and_what_the_store_warned(
    client, runtime, shopify_shop
):
    incident_id, compensation_id = waiting_compensation(runtime, shopify_shop)
    with runtime.database.transaction() as session:
        refused = session.get(CompensationRecord, compensation_id)
        refused.status, refused.error = "failed", "the code is already taken"
        refused.warnings = ["No shipping method accepts a free-shipping code"]
    page = client.get(f"{APP_URL}&id_token={session_token()}&locale=es")

    detail = client.get(f"/admin/incidents/{incident_id}?pass={pass_of(page)}")

    body = detail.get_data(as_text=True)
    assert "Por qué no se concedió: the code is already taken" in body
    assert "Aviso de la tienda: No shipping method accepts a free-shipping code" in body
