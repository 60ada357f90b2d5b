"""Shopify payloads -> canonical events: pure parsing, no database, no HTTP."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.shopify import consts, normalize
from connectors.shopify.connector import ShopifyConnector
from plugin.events import CANONICAL_REASONS, LineItem, OrderChanged, ReturnLine, ReturnRequested
from plugin.platforms import MalformedDelivery
from sandboxes.shopify.schema import enum_values
from tests.conftest import fixture_bytes

ORDER = fixture_bytes("shopify/orders_create.json")
RETURN = fixture_bytes("shopify/returns_request.json")


def parse(topic: str, body: bytes | dict[str, Any]) -> list | None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return ShopifyConnector().parse(topic, raw)


def return_with_line(**line: Any) -> dict[str, Any]:
    """Return the returns/request fixture with its one line's fields changed."""
    payload = json.loads(RETURN)
    payload["return_line_items"][0] |= line
    return payload


def test_orders_create_reads_the_order_state_with_ids_as_strings_and_times_in_utc():
    (event,) = parse("orders/create", ORDER)

    assert isinstance(event, OrderChanged)
    assert event.order_id == "5830194882617"
    assert event.name == "#1042"
    assert event.customer_email == "lucia.fernandez@example.es"
    assert event.customer_locale == "es"
    assert event.currency == "EUR"
    assert event.total_price == "54.80"
    assert (event.status, event.financial_status, event.fulfillment_status) == (
        "open",
        "paid",
        "unfulfilled",
    )
    # "2026-11-16T10:12:45+01:00" in the payload is 09:12:45 UTC.
    assert event.updated_at == datetime(2026, 11, 16, 9, 12, 45, tzinfo=UTC)
    assert event.updated_at.utcoffset() == timedelta(0)
    assert event.placed_at == datetime(2026, 11, 16, 9, 12, 43, tzinfo=UTC)
    assert event.placed_at.utcoffset() == timedelta(0)
    assert event.line_items == (
        LineItem(
            line_item_id="14620193734713",
            product_id="8790331293753",
            variant_id="46871046996025",
            sku="TAZA-OLIVAR-350",
            title='Taza de cerámica "Olivar"',
            quantity=2,
            price="12.50",
        ),
        LineItem(
            line_item_id="14620193767481",
            product_id="8790331326521",
            variant_id="46871047028793",
            sku="MANTEL-LINO-AZ",
            title="Mantel de lino",
            quantity=1,
            price="23.90",
        ),
    )


@pytest.mark.parametrize("how", ["null", "absent"])
def test_an_order_without_protected_customer_data_still_parses(how):
    (full,) = parse("orders/create", ORDER)
    payload = json.loads(ORDER)
    hidden = ("email", "contact_email", "customer", "customer_locale", "shipping_address")
    for key in hidden:
        if how == "null" and key != "shipping_address":
            payload[key] = None
        else:
            payload.pop(key)

    (event,) = parse("orders/create", payload)

    assert event == replace(
        full, customer_email=None, customer_locale=None, customer_first_name=None
    )


def test_the_customer_is_named_by_their_own_first_name_first():
    payload = json.loads(ORDER)
    payload["customer"]["first_name"] = "Lucía"
    payload["billing_address"] = {"first_name": "Pagadora", "last_name": "Otra"}
    payload["shipping_address"]["first_name"] = "Portera"

    (event,) = parse("orders/create", payload)

    assert event.customer_first_name == "Lucía"


@pytest.mark.parametrize(
    ("customer", "billing", "shipping", "named"),
    [
        (None, {"first_name": "María José"}, {"first_name": "Portera"}, "María José"),
        ({"first_name": "  "}, None, {"first_name": " Lucía "}, "Lucía"),
        ({"id": 7390281105465, "first_name": None}, {"first_name": ""}, None, None),
    ],
    ids=["guest-billed", "blank-customer-shipped", "none-at-all"],
)
def test_without_the_customers_own_name_the_addresses_name_them(customer, billing, shipping, named):
    payload = json.loads(ORDER)
    payload["customer"] = customer
    payload["billing_address"] = billing
    payload["shipping_address"] = shipping

    (event,) = parse("orders/create", payload)

    assert event.customer_first_name == named


def test_unknown_extra_keys_are_tolerated():
    (expected,) = parse("orders/create", ORDER)
    payload = json.loads(ORDER)
    payload["field_added_in_2027"] = {"nested": [1, 2, 3]}
    payload["customer"]["loyalty_tier"] = "gold"
    for line in payload["line_items"]:
        line["new_line_key"] = None

    (event,) = parse("orders/create", payload)

    assert event == expected


def test_returns_request_reads_a_defective_line_in_the_customers_own_words():
    (event,) = parse("returns/request", RETURN)

    assert event == ReturnRequested(
        order_id="5830194882617",
        return_id="9120235577",
        lines=(
            ReturnLine(
                line_item_id="14620193734713",
                quantity=1,
                reason="defective",
                reason_text="El asa llegó rota / La taza tiene una grieta en el asa.",
            ),
        ),
    )


def test_the_thin_returns_payload_reads_its_reason_from_the_enum_not_the_words():
    # The customer writes "not broken, just small": the enum (size_too_small) decides.
    (event,) = parse("returns/request", fixture_bytes("shopify/returns_request_thin_size.json"))

    assert event == ReturnRequested(
        order_id="5830194882617",
        return_id="9120235601",
        lines=(
            ReturnLine(
                line_item_id="14620193767481",
                quantity=1,
                reason="size_too_small",
                reason_text="No está roto, sólo es pequeño",
            ),
        ),
    )


def test_a_return_reason_definition_handle_wins_over_the_enum():
    (event,) = parse("returns/request", fixture_bytes("shopify/returns_request_definition.json"))

    assert event.lines == (
        ReturnLine(
            line_item_id="14620193767481",
            quantity=1,
            reason="damaged_in_transit",
            reason_text="La caja venía aplastada / Arrived damaged",
        ),
    )


@pytest.mark.parametrize(
    ("enum_value", "handle", "name", "reason"),
    [
        ("other", "arrived-damaged", "Arrived damaged", "damaged_in_transit"),
        ("other", "wrong-item-sent", "Wrong item sent", "wrong_item"),
        ("other", "too-tight", "Too tight", "size_too_small"),
        ("other", "too-long", "Too long", "size_too_large"),
        ("other", "not-as-described", "Not as described", "not_as_described"),
        ("other", "changed-mind", "Changed my mind", "unwanted"),
        ("defective", "arrived-late", "Arrived late", "defective"),  # unknown handle: the enum
        ("color", "color-too-bright", "Color too bright", "colour"),  # colour, not size
        ("other", "wrong-size", "Wrong size", "other"),  # which way, unsaid
        ("size_too_large", "wrong-size", "Wrong size", "size_too_large"),  # the enum says
        ("other", "too-expensive", "Too expensive", "other"),
        ("style", "outfit-mismatch", "Outfit mismatch", "style"),
        ("other", "quality", "Quality", "not_as_described"),
    ],
)
def test_return_reason_definition_handles_map_to_canonical_reasons(
    enum_value, handle, name, reason
):
    payload = return_with_line(
        return_reason=enum_value,
        return_reason_definition={"handle": handle, "name": name},
        return_reason_note="",
        customer_note=None,
    )

    (event,) = parse("returns/request", payload)

    assert event.lines[0].reason == reason
    assert event.lines[0].reason_text == name
    assert normalize.canonical_reason(enum_value, handle) == reason


@pytest.mark.parametrize(
    ("enum_value", "reason"),
    [
        ("color", "colour"),
        ("defective", "defective"),
        ("not_as_described", "not_as_described"),
        ("other", "other"),
        ("size_too_large", "size_too_large"),
        ("size_too_small", "size_too_small"),
        ("style", "style"),
        ("unknown", "unknown"),
        ("unwanted", "unwanted"),
        ("wrong_item", "wrong_item"),
    ],
)
def test_every_return_reason_enum_value_maps_to_a_canonical_reason(enum_value, reason):
    # Notes that say no reason: only the enum speaks (an "other" with words is read).
    silent = {"return_reason_note": None, "customer_note": None}
    (event,) = parse("returns/request", return_with_line(return_reason=enum_value, **silent))

    assert event.lines[0].reason == reason
    assert reason in CANONICAL_REASONS
    # GraphQL spells the enum in capitals; the mapping does not depend on case.
    assert normalize.canonical_reason(enum_value.upper()) == reason


def test_the_reason_table_covers_exactly_shopifys_enum():
    # Shopify's ReturnReason enum, as the published schema has it
    assert set(consts.RETURN_REASONS) == enum_values("ReturnReason", consts.API_VERSION)
    assert set(consts.RETURN_REASONS.values()) <= CANONICAL_REASONS


@pytest.mark.parametrize(
    ("value", "reason"), [(None, "unknown"), ("", "unknown"), ("reason_added_in_2027", "other")]
)
def test_a_missing_return_reason_is_unknown_and_a_new_one_other(value, reason):
    silent = {"return_reason_note": None, "customer_note": None}
    (event,) = parse("returns/request", return_with_line(return_reason=value, **silent))

    assert event.lines[0].reason == reason


@pytest.mark.parametrize("topic", ["products/update", "orders/edited", "inventory_levels/update"])
def test_a_topic_without_a_parser_returns_none(topic):
    assert parse(topic, b'{"id": 1}') is None


def test_a_body_that_is_not_json_raises_malformed_delivery():
    with pytest.raises(MalformedDelivery, match="^orders/create body is not JSON"):
        parse("orders/create", b"\xff\xfe not json")
