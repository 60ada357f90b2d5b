"""The shop's own wording of its messages through the panel's JSON API: read, saved, previewed."""

from __future__ import annotations

import pytest

from plugin.messaging.voice import ShopVoice
from plugin.storage.models import Shop
from tests.panel_helpers import OTHER_DOMAIN, bearer

URL = "/admin/api/templates/delayed_shipment/update/es"
SPANISH = {
    "subject": "Novedades de su pedido {{ order_name }}",
    "text": "Hola {{ customer_first_name }}:\n\nSeguimos con su pedido {{ order_name }}.\n\n"
    "Le escribiremos antes del {{ next_update }}.",
}


def stored(runtime, shop_id):
    with runtime.database.reading() as session:
        shop = session.get(Shop, shop_id)
        return ShopVoice.of(shop.domain, shop.settings).overrides, dict(shop.settings)


def test_a_message_shows_its_built_in_wording_with_placeholders_and_no_override(
    client, shopify_shop
):
    shown = client.get(URL, headers=bearer()).json

    assert shown["customised"] is False
    assert shown["override"] is None
    assert shown["default"]["subject"] == "Novedades sobre su pedido {{ order_name }}"
    assert "{{ next_update }}" in shown["default"]["text"]
    assert shown["default"]["text"].startswith(
        "{% if customer_first_name %}Hola, {{ customer_first_name }}:{% else %}Hola:{% endif %}"
    )
    assert set(shown["variables"]) >= {"order_name", "next_update", "code"}


def test_saving_keeps_the_wording_where_the_messages_are_sent_from(client, runtime, shopify_shop):
    saved = client.put(URL, json=SPANISH, headers=bearer())

    assert saved.status_code == 200
    assert saved.json["customised"] is True
    assert saved.json["override"] == SPANISH
    overrides, _ = stored(runtime, shopify_shop)
    assert overrides == {("delayed_shipment", "update", "es"): SPANISH}
    listed = client.get("/admin/api/templates", headers=bearer()).json
    assert [t for t in listed["templates"] if t["customised"]] == [
        {"kind": "delayed_shipment", "stage": "update", "language": "es", "customised": True}
    ]
    assert len(listed["templates"]) == 6 * 4 * 6


def test_parts_left_as_the_built_in_wording_are_not_stored(client, runtime, shopify_shop):
    default = client.get(URL, headers=bearer()).json["default"]

    client.put(URL, json={"subject": SPANISH["subject"], "text": default["text"]}, headers=bearer())
    overrides, _ = stored(runtime, shopify_shop)

    assert overrides == {("delayed_shipment", "update", "es"): {"subject": SPANISH["subject"]}}
    client.put(URL, json=default | {"html": ""}, headers=bearer())
    assert stored(runtime, shopify_shop)[0] == {}


def test_a_rejected_draft_says_what_to_change_per_field_and_keeps_nothing(
    client, runtime, shopify_shop
):
    client.put(URL, json=SPANISH, headers=bearer())
    before = stored(runtime, shopify_shop)

    refused = client.put(
        f"{URL}?locale=es",
        json={"subject": "Pedido {{ order_name }", "text": "Hola {{ nombre }}, seguimos."},
        headers=bearer(),
    )

    assert refused.status_code == 422
    problems = [(p["part"], p["code"], p["message"]) for p in refused.json["problems"]]
    assert problems[0] == (
        "subject",
        "single_brace",
        "Línea 1: una {{ se cierra con una sola } en lugar de }}.",
    )
    assert [(part, code) for part, code, _ in problems[1:]] == [("text", "unknown_variable")]
    assert refused.json["error"].startswith(
        "The Spanish update for delayed shipments cannot be saved"
    )
    assert stored(runtime, shopify_shop) == before


def test_a_text_without_what_its_stage_must_say_is_refused(client, runtime, shopify_shop):
    refused = client.put(URL, json={"text": "Hola, seguimos en ello."}, headers=bearer())

    assert refused.status_code == 422
    assert [p["code"] for p in refused.json["problems"]] == [
        "missing_order",
        "missing_next_update",
    ]
    assert refused.json["problems"][0]["message"] == (
        "Name the order: write {{ order_name }} in it."
    )
    assert stored(runtime, shopify_shop)[0] == {}


def test_reset_goes_back_to_the_built_in_wording_and_keeps_the_other_settings(
    client, runtime, shopify_shop
):
    client.put(URL, json=SPANISH, headers=bearer())
    other = "/admin/api/templates/defective_item/resolution/fr"
    french = {"subject": "Commande {{ order_name }} : c'est réglé"}
    client.put(other, json=french, headers=bearer())

    reset = client.delete(URL, headers=bearer())

    assert reset.status_code == 200
    assert reset.json["customised"] is False
    overrides, settings = stored(runtime, shopify_shop)
    assert overrides == {("defective_item", "resolution", "fr"): french}
    assert set(settings) >= {"messages"}


def test_the_preview_renders_the_draft_on_the_shops_newest_incident_and_keeps_nothing(
    client, runtime, shopify_shop, make_incident
):
    make_incident(shopify_shop, order="1001", kind="delayed_shipment")
    make_incident(shopify_shop, order="1002", kind="defective_item")

    shown = client.post(f"{URL}/preview", json=SPANISH, headers=bearer())

    assert shown.status_code == 200
    assert shown.json["order_name"] == "#1001"
    assert shown.json["subject"] == "Novedades de su pedido #1001"
    assert shown.json["text"].startswith("Hola :\n\nSeguimos con su pedido #1001.")
    assert "<p>Seguimos con su pedido #1001.</p>" in shown.json["html"]
    assert shown.json["problems"] == []
    assert stored(runtime, shopify_shop)[0] == {}


def test_a_preview_of_a_broken_draft_shows_the_built_in_part_and_the_problem(client, shopify_shop):
    draft = {"subject": "Pedido {{ order_name }}", "text": "{% if order_name %}sin cerrar"}

    shown = client.post(f"{URL}/preview?locale=de", json=draft, headers=bearer()).json

    assert shown["subject"] == "Pedido #1001"
    assert shown["text"].startswith("Hola, Anna:")  # the shop has no incident: an invented one
    assert [(p["part"], p["code"]) for p in shown["problems"]] == [("text", "unclosed_block")]
    assert shown["problems"][0]["message"].startswith("Zeile 1:")


@pytest.mark.parametrize("kind", ["percent_coupon", "free_shipping", "shipping_refund"])
def test_a_compensation_preview_shows_what_was_given(client, shopify_shop, kind):
    url = "/admin/api/templates/delayed_shipment/compensation/en/preview"

    shown = client.post(url, json={"compensation": kind}, headers=bearer()).json

    assert ("SORRY-PREVIEW" in shown["text"]) is (kind != "shipping_refund")
    assert ("€4.90" in shown["text"]) is (kind == "shipping_refund")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/api/templates/lost_parcel/update/es",
        "/admin/api/templates/manual/x/es",
        "/admin/api/templates/manual/update/pt",
    ],
)
def test_a_message_amends_does_not_send_is_not_found(client, shopify_shop, path):
    assert client.get(path, headers=bearer()).status_code == 404
    assert client.put(path, json=SPANISH, headers=bearer()).status_code == 404


def test_a_body_that_is_not_an_object_is_refused(client, runtime, shopify_shop):
    answer = client.put(URL, data="[]", content_type="application/json", headers=bearer())

    assert answer.status_code == 422
    assert "JSON object" in answer.json["error"]
    assert stored(runtime, shopify_shop)[0] == {}


def test_one_shops_wording_is_not_another_shops(client, runtime, make_shop, shopify_shop):
    other = make_shop("shopify", domain=OTHER_DOMAIN)
    client.put(URL, json=SPANISH, headers=bearer())

    shown = client.get(URL, headers=bearer(shop=OTHER_DOMAIN)).json
    previewed = client.post(f"{URL}/preview", json={}, headers=bearer(shop=OTHER_DOMAIN)).json

    assert shown["override"] is None
    assert "Seguimos con su pedido" not in previewed["text"]
    assert stored(runtime, other)[0] == {}
