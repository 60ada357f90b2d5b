"""Refunds in the sandbox WooCommerce: the observed sequence replayed through the real
client, with its ids, amounts, bare-integer errors and the order they leave behind."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.test_sandbox_woocommerce_helpers import (
    Sandbox,
    normalized,
    observed,
    observed_at,
    observed_body,
    ordered,
    running_sandbox,
    without_ids,
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


def replay(sandbox: Sandbox, name: str, path: str | None = None, at: str | None = None):  # noqa: ANN201
    """Send the observed request again, at the moment the real store handled it."""
    exchange = observed(name)
    sandbox.freeze(observed_at(at or name))
    request = exchange["request"]
    return sandbox.api.post(path or request["path"].lstrip("/"), request["json"])


def test_the_observed_refund_sequence_gives_the_same_ids_amounts_and_errors(sandbox):
    replay(sandbox, "POST-orders-create")
    replay(sandbox, "POST-orders-create-pending")

    shipping = replay(sandbox, "POST-orders-refunds-shipping-only")
    too_much = replay(sandbox, "POST-orders-refunds-too-much")
    gateway = replay(sandbox, "POST-orders-refunds-api-refund-default-bacs")
    line = replay(
        sandbox, "POST-orders-refunds-line-no-amount", at="POST-orders-refunds-shipping-only"
    )

    for response, name in (
        (shipping, "POST-orders-refunds-shipping-only"),
        (line, "POST-orders-refunds-line-no-amount"),
    ):
        assert response.status_code == 201
        # ids match (14, then 16: the refused gateway refund used 15, as in WordPress);
        # meta row ids are the one thing numbered differently.
        assert ordered(_meta_ids_blanked(normalized(response.json(), sandbox.url))) == ordered(
            _meta_ids_blanked(normalized(observed_body(name), sandbox.url))
        )
        assert response.headers["Location"] == observed(name)["headers"]["Location"].replace(
            "http://127.0.0.1:8080", sandbox.url
        )
    for response, name in (
        (too_much, "POST-orders-refunds-too-much"),
        (gateway, "POST-orders-refunds-api-refund-default-bacs"),
    ):
        assert (response.status_code, response.text) == (500, observed(name)["body_text"])
    assert sorted(sandbox.store.refunds) == [14, 16]


def test_after_refunds_the_order_lists_them_and_keeps_its_totals(sandbox):
    replay(sandbox, "POST-orders-create")
    replay(sandbox, "POST-orders-create-pending")
    replay(sandbox, "POST-orders-refunds-shipping-only")
    replay(sandbox, "POST-orders-refunds-api-refund-default-bacs")
    replay(sandbox, "POST-orders-refunds-line-no-amount", at="POST-orders-refunds-shipping-only")

    order = sandbox.api.get("orders/12").json()
    refund = sandbox.api.get("orders/12/refunds/14")

    assert ordered(normalized(order, sandbox.url)) == ordered(
        normalized(observed_body("GET-order-after-refunds"), sandbox.url)
    )
    assert refund.headers["Allow"] == "GET, DELETE"
    assert ordered(_meta_ids_blanked(normalized(refund.json(), sandbox.url))) == ordered(
        _meta_ids_blanked(normalized(observed_body("GET-orders-refund"), sandbox.url))
    )


def test_refunding_the_rest_marks_the_order_refunded_as_observed(sandbox):
    sandbox.freeze("2026-11-23T12:45:29+00:00")
    order = sandbox.api.post(
        "orders",
        {
            "payment_method": "bacs",
            "set_paid": True,
            "billing": {"first_name": "Lucía", "email": "lucia@tienda.example", "country": "ES"},
            "shipping": {"country": "ES"},
            "line_items": [{"product_id": 11, "quantity": 1}],
            "shipping_lines": [
                {"method_id": "flat_rate", "method_title": "Tarifa plana", "total": "5.90"}
            ],
        },
    ).json()
    line_id, shipping_id = order["line_items"][0]["id"], order["shipping_lines"][0]["id"]

    def refund(name: str, **ids: int):  # noqa: ANN202
        body = json.loads(json.dumps(observed(name)["request"]["json"]))
        for line in body.get("line_items", []):
            line["id"] = ids["line"] if line["id"] == 17 else ids["shipping"]
        sandbox.freeze(observed_at(name) if "remaining" in name else "2026-11-23T12:45:30+00:00")
        return sandbox.api.post(f"orders/{order['id']}/refunds", body)

    shipping = refund(
        "POST-orders-refunds-shipping-numeric-no-amount", line=line_id, shipping=shipping_id
    )
    mismatch = refund("POST-orders-refunds-amount-mismatch", line=line_id, shipping=shipping_id)
    rest = refund("POST-orders-refunds-remaining-full")

    for response, name in (
        (shipping, "POST-orders-refunds-shipping-numeric-no-amount"),
        (mismatch, "POST-orders-refunds-amount-mismatch"),
        (rest, "POST-orders-refunds-remaining-full"),
    ):
        assert response.status_code == 201
        assert ordered(without_ids(normalized(response.json(), sandbox.url))) == ordered(
            without_ids(normalized(observed_body(name), sandbox.url))
        )
    final = sandbox.api.get(f"orders/{order['id']}").json()
    assert ordered(without_ids(normalized(final, sandbox.url))) == ordered(
        without_ids(normalized(observed_body("GET-order-fully-refunded"), sandbox.url))
    )
    assert [r["id"] for r in final["refunds"]] == [
        rest.json()["id"],
        shipping.json()["id"],
        mismatch.json()["id"],
    ]


def test_a_refund_on_an_unknown_order_is_a_500_with_a_bare_404(sandbox):
    response = sandbox.api.post("orders/999999/refunds", {"amount": "1.00", "api_refund": False})

    assert (response.status_code, response.json()) == (500, observed_body("ERR-order-refunds-404"))


def test_a_negative_amount_and_an_amount_number_are_refused_and_nothing_stored(sandbox):
    replay(sandbox, "POST-orders-create")

    negative = sandbox.api.post("orders/12/refunds", {"amount": "-1.00", "api_refund": False})
    number = sandbox.api.post("orders/12/refunds", {"amount": 7.14, "api_refund": False})

    assert (negative.status_code, negative.json()) == (
        500,
        {
            "code": "woocommerce_rest_invalid_order_refund",
            "message": "Refund amount must be greater than zero.",
            "data": 400,
        },
    )
    assert number.status_code == 400
    assert number.json()["data"]["params"] == {"amount": "amount is not of type string."}
    assert sandbox.store.refunds == {}
    assert sandbox.api.get("orders/12").json()["refunds"] == []


def test_a_gateway_that_can_refund_marks_the_payment_refunded(sandbox):
    order = sandbox.api.post(
        "orders",
        {"payment_method": "stripe", "set_paid": True, "line_items": [{"product_id": 10}]},
    ).json()

    response = sandbox.api.post(
        f"orders/{order['id']}/refunds", {"amount": "5.00", "reason": "Defective / roto"}
    )

    assert response.status_code == 201
    assert response.json()["refunded_payment"] is True
    assert sandbox.api.get(f"orders/{order['id']}").json()["refunds"] == [
        {"id": response.json()["id"], "reason": "Defective / roto", "total": "-5.00"}
    ]


def test_refund_lists_carry_pagination_headers_and_parent_ids(sandbox):
    order = sandbox.api.post(
        "orders", {"set_paid": True, "line_items": [{"product_id": 11, "quantity": 2}]}
    ).json()
    for reason in ("one", "two", "three"):
        sandbox.api.post(
            f"orders/{order['id']}/refunds",
            {"amount": "1.00", "reason": reason, "api_refund": False},
        )

    of_order = sandbox.api.get(f"orders/{order['id']}/refunds", params={"per_page": 2})
    everywhere = sandbox.api.get("refunds")

    assert (of_order.headers["X-WP-Total"], of_order.headers["X-WP-TotalPages"]) == ("3", "2")
    assert 'rel="next"' in of_order.headers["Link"]
    assert {r["parent_id"] for r in everywhere.json()} == {order["id"]}
    assert list(everywhere.json()[0])[:3] == ["id", "parent_id", "date_created"]


def _meta_ids_blanked(value: object) -> object:
    """Blank only meta row ids (`meta_data[].id`), which count differently per store."""
    if isinstance(value, dict):
        return {
            key: (
                [{**row, "id": "META"} for row in item]
                if key == "meta_data" and isinstance(item, list)
                else _meta_ids_blanked(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_meta_ids_blanked(item) for item in value]
    return value
