"""The messages page of the panel: every message, the editor, its preview, save and reset."""

from __future__ import annotations

import html
import re

import pytest

from tests.panel_helpers import bearer, session_token
from tests.test_admin_pages import APP_URL, csrf_of, pass_of

EDITOR = "/admin/templates/delayed_shipment/update/es"
API = "/admin/api/templates/delayed_shipment/update/es"
GOOD = {
    "subject": "Novedades de su pedido {{ order_name }}",
    "text": "Hola:\n\nSeguimos con su pedido {{ order_name }}.\n\n"
    "Le escribiremos antes del {{ next_update }}.",
    "html": "",
}


@pytest.fixture
def inbox(client, shopify_shop):
    return client.get(f"{APP_URL}&locale=es&id_token={session_token()}")


def editor(client, inbox, url=EDITOR):
    return client.get(url, query_string={"pass": pass_of(inbox)})


def post(client, page, data, url=EDITOR):
    form = {"pass": pass_of(page), "csrf_token": csrf_of(page)} | data
    return client.post(url, data=form)


def test_the_nav_leads_to_every_message_in_every_language(client, inbox):
    body = inbox.get_data(as_text=True)
    listed = re.search(r'href="(/admin/templates\?pass=[^"]+)">Mensajes<', body)

    page = client.get(html.unescape(listed.group(1)))

    shown = page.get_data(as_text=True)
    assert page.status_code == 200
    assert len(re.findall(r'href="/admin/templates/[a-z_]+/[a-z]+/[a-z]{2}\?pass=', shown)) == 144
    assert "Envío retrasado · Actualización · Español" in html.unescape(shown)


def test_the_editor_starts_from_the_built_in_wording_and_previews_it_on_the_shops_incident(
    client, inbox, make_incident, shopify_shop
):
    make_incident(shopify_shop, order="1001")

    page = editor(client, inbox)

    body = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert 'value="Novedades sobre su pedido {{ order_name }}"' in body
    assert "Novedades sobre su pedido #1001" in body  # the preview
    assert re.search(r'<iframe id="preview-html" class="preview-html" sandbox title=', body)
    assert "{{ next_update }}" in body  # the variables, explained
    scripts = re.findall(r"<script[^>]*>", body)
    assert all("src=" in script for script in scripts)


def test_the_preview_button_shows_the_draft_and_keeps_nothing(client, inbox, shopify_shop):
    page = editor(client, inbox)

    shown = post(client, page, GOOD | {"action": "preview"})

    body = html.unescape(shown.get_data(as_text=True))
    assert shown.status_code == 200
    assert "Novedades de su pedido #1001" in body
    assert client.get(API, headers=bearer()).json["customised"] is False


def test_saving_a_good_draft_keeps_it_and_says_so(client, inbox, shopify_shop):
    page = editor(client, inbox)

    saved = post(client, page, GOOD | {"action": "save"})
    shown = client.get(saved.headers["Location"])

    assert saved.status_code == 303
    assert "Mensaje guardado." in shown.get_data(as_text=True)
    assert client.get(API, headers=bearer()).json["override"] == {
        "subject": GOOD["subject"],
        "text": GOOD["text"],
    }


def test_a_draft_with_problems_comes_back_marked_field_by_field_and_nothing_is_saved(
    client, inbox, shopify_shop
):
    page = editor(client, inbox)
    draft = {
        "subject": "Pedido {{ order_name }",
        "text": "Hola, seguimos.",
        "html": "",
        "action": "save",
    }

    refused = post(client, page, draft)

    body = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "El mensaje no se ha guardado: corrija lo que se indica más abajo." in body
    subject_errors = re.search(
        r'<ul class="field-error" id="subject-error">(.*?)</ul>', body
    ).group(1)
    text_errors = re.search(r'<ul class="field-error" id="text-error">(.*?)</ul>', body).group(1)
    assert "Línea 1: una {{ se cierra con una sola } en lugar de }}." in subject_errors
    assert "{{ order_name }}" in text_errors
    assert "{{ next_update }}" in text_errors
    assert 'value="Pedido {{ order_name }"' in body  # the draft stays in the form
    assert client.get(API, headers=bearer()).json["customised"] is False


def test_reset_goes_back_to_the_built_in_wording(client, inbox, shopify_shop):
    post(client, editor(client, inbox), GOOD | {"action": "save"})
    page = editor(client, inbox)

    reset = post(client, page, {}, url=f"{EDITOR}/reset")

    assert reset.status_code == 303
    assert "Se ha vuelto al texto predeterminado." in client.get(
        reset.headers["Location"]
    ).get_data(as_text=True)
    assert client.get(API, headers=bearer()).json["customised"] is False


def test_a_save_without_its_form_token_is_refused(client, inbox, shopify_shop):
    refused = client.post(EDITOR, data={"pass": pass_of(inbox)} | GOOD | {"action": "save"})

    assert refused.status_code == 403
    assert client.get(API, headers=bearer()).json["customised"] is False


def test_a_message_that_does_not_exist_is_a_page_not_found(client, inbox):
    assert editor(client, inbox, "/admin/templates/lost_parcel/update/es").status_code == 404
