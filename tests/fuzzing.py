"""Hypothesis strategies for hostile deliveries: bodies, header sets, payloads near the real ones.

The seeds are the recorded payloads in tests/fixtures: a body drawn here is mostly
one of them with parts dropped, replaced or retyped, so that parsers are reached
deep inside, beside plain garbage (any bytes, any JSON, JSON no parser reads).
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from tests.conftest import FIXTURES, fixture_bytes

# Printable Latin-1: what an HTTP/1.1 server passes through as a header value.
header_text = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"),
    max_size=80,
)

# Values a platform might send where another belongs, and the JSON corner cases.
awkward_values = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        -1,
        2**63,
        -(2**64),
        10**30,
        1e308,
        0.5,
        "",
        " ",
        "0",
        "NaN",
        "1e400",
        "null",
        "2026-11-23T09:00:00Z",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+14:00",
        "not a time",
        "gid://shopify/Order/",
        "\ud800",
        "x" * 300,
        [],
        {},
        [None],
        {"id": None},
    ]
)

json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | awkward_values
)
json_values = st.recursive(
    json_leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Return the path to every value inside `value` (keys and list positions)."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replace(value: Any, path: tuple, new: Any, drop: bool = False) -> Any:
    """Return `value` with what is at `path` replaced by `new` (or dropped)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    if drop and not rest:
        del copy[head]
    else:
        copy[head] = _replace(copy[head], rest, new, drop)
    return copy


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """Draw `value` with a few of its parts dropped, replaced or retyped, or added to."""
    for _ in range(draw(st.integers(0, 4))):
        path = draw(st.sampled_from(_paths(value)))
        fate = draw(st.sampled_from(["drop", "awkward", "any", "add"]))
        if fate == "drop" and path:
            value = _replace(value, path, None, drop=True)
        elif fate == "add":
            extra = draw(st.dictionaries(st.text(max_size=12), json_values, min_size=1, max_size=2))
            target = _at(value, path)
            if isinstance(target, dict):
                value = _replace(value, path, target | extra)
        else:
            new = draw(awkward_values if fate == "awkward" else json_values)
            value = _replace(value, path, new)
    return value


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def encoded(payload: Any, draw: st.DrawFn) -> bytes:
    """Encode a payload as a platform might: compact or not, escaped or UTF-8."""
    ascii_only = draw(st.booleans())
    text = json.dumps(payload, ensure_ascii=ascii_only, allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


# Bodies no JSON reader accepts whole, or accepts only after a fight.
hostile_bodies = st.one_of(
    st.binary(max_size=300),
    st.just(b""),
    st.just(b"[" * 5000 + b"]" * 5000),  # deeper than any JSON reader recurses
    st.just(b'{"a":' * 3000 + b"1" + b"}" * 3000),
    st.just(b'{"id": NaN, "total": Infinity}'),
    st.just(b'{"id": 1e999999}'),
    st.just(b'{"id": 123456789012345678901234567890}'),
    st.just(b'{"id": "\\ud800"}'),
    # An order whose text holds half a surrogate pair, as JSON may escape it.
    st.just(b'{"id": 12, "date_modified_gmt": "2026-11-23T09:00:00", "customer_note": "\\udc00"}'),
    st.just(b'{"id": "' + b"9" * 200 + b'", "date_modified_gmt": "' + b"x" * 200 + b'"}'),
    st.just(b"\xef\xbb\xbf{}"),  # a byte-order mark
    st.just(b'{"id": 1, "id": 2}'),
    st.just('{"note": "caf\u00e9"}'.encode("latin-1")),  # not UTF-8
    st.just(b"webhook_id=1"),
    json_values.map(lambda value: json.dumps(value).encode()),
)


def seed(name: str) -> Any:
    """Return a recorded payload, parsed."""
    return json.loads(fixture_bytes(name))


def woo_seed(number: str) -> Any:
    """Return an observed WooCommerce delivery's payload, parsed."""
    (path,) = (FIXTURES / "woocommerce").glob(f"{number}-*.body.bin")
    return json.loads(path.read_bytes())


# Each topic with the recorded payload its bodies are drawn near.
SHOPIFY_SEEDS = {
    "orders/create": seed("shopify/orders_create.json"),
    "orders/updated": seed("shopify/orders_create.json"),
    "orders/cancelled": seed("shopify/orders_create.json")
    | {"cancelled_at": "2026-11-17T10:00:00Z"},
    "orders/fulfilled": seed("shopify/sandbox/order_5001.json"),
    "returns/request": seed("shopify/returns_request.json"),
    "returns/approve": seed("shopify/returns_decline.json"),
    "returns/decline": seed("shopify/returns_decline.json"),
    "refunds/create": seed("shopify/refunds_create.json"),
    "fulfillments/update": {"id": 4571, "order_id": 5830194880001, "shipment_status": "delayed"},
    "fulfillment_events/create": seed("shopify/fulfillment_events_create.json"),
    "customers/redact": seed("shopify/customers_redact.json"),
    "customers/data_request": seed("shopify/customers_redact.json")
    | {"data_request": {"id": 9999}, "orders_requested": [5830194880001]},
    "app/uninstalled": seed("shopify/app_uninstalled.json"),
    "shop/redact": {"shop_id": 954889, "shop_domain": "amends-demo.myshopify.com"},
    "amends/order_reconciled": {
        "id": "gid://shopify/Order/5001",
        "name": "#1001",
        "updatedAt": "2026-11-23T09:00:00Z",
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "FULFILLED",
        "email": "lucia@example.es",
        "currencyCode": "EUR",
        "totalPriceSet": {"shopMoney": {"amount": "40.0"}},
        "lineItems": {"nodes": [{"id": "gid://shopify/LineItem/1", "quantity": 2}]},
        "fulfillments": [
            {
                "id": "gid://shopify/Fulfillment/7",
                "status": "SUCCESS",
                "displayStatus": "IN_TRANSIT",
                "trackingInfo": [{"number": "PQ1", "company": "Correos", "url": None}],
            }
        ],
    },
}
WOOCOMMERCE_SEEDS = {
    "order.created": woo_seed("005"),
    "order.updated": woo_seed("005") | {"status": "return-requested"},
    "order.restored": woo_seed("005"),
    "order.deleted": woo_seed("017"),
    "action.woocommerce_order_refunded": woo_seed("010"),
}


@st.composite
def payload_for(draw: st.DrawFn, seeds: dict[str, Any]) -> tuple[str, bytes]:
    """Draw a topic and a body near its recorded payload (or, now and then, anything)."""
    topic = draw(st.sampled_from(sorted(seeds)))
    if draw(st.integers(0, 9)) == 9:
        return topic, draw(hostile_bodies)
    return topic, encoded(draw(mutated(seeds[topic])), draw)
