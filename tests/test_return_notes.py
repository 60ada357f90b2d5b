"""A return filed as "other" whose note says the item arrived broken is a defective item."""

from __future__ import annotations

import json

import pytest

from plugin import worker
from tests.conftest import fixture_bytes

ORDER = fixture_bytes("shopify/orders_create.json")
RETURN = json.loads(fixture_bytes("shopify/returns_request.json"))


def returned_as_other(note: str) -> dict:
    (line,) = RETURN["return_line_items"]
    other = line | {"return_reason": "other", "return_reason_note": note, "customer_note": None}
    return RETURN | {"return_line_items": [other]}


def kinds(cli) -> list[str]:
    return [incident["kind"] for incident in json.loads(cli("incidents", "list", "--json").stdout)]


@pytest.mark.parametrize(
    "note",
    [
        "La taza llegó rota",
        "La tazza è arrivata rotta",
        "Кружка пришла сломанной",
        "The mug arrived broken",
        "Die Tasse kam kaputt an",
        "La tasse est arrivée cassée",
    ],
)
def test_an_other_return_whose_note_says_broken_opens_a_defective_item(
    shopify_shop, post_shopify, runtime, cli, note
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", returned_as_other(note))

    worker.run_once(runtime)

    assert kinds(cli) == ["defective_item"]


@pytest.mark.parametrize("note", ["Me queda pequeña", "Non mi piace il colore", "", "asdf"])
def test_an_other_return_for_size_colour_or_nothing_said_opens_nothing(
    shopify_shop, post_shopify, runtime, cli, note
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", returned_as_other(note))

    worker.run_once(runtime)

    assert kinds(cli) == []
