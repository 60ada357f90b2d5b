"""Both webhook endpoints and the worker behind them, under generated hostile deliveries.

Each delivery drawn here is a real one (a recorded payload, its platform's headers,
signed with the shop's secret) with things changed: headers dropped, retyped or
respelled, the signature forged, the shop unknown, the body anything from bytes to
JSON nested past any reader. Whatever arrives, the endpoint answers 2xx, or 4xx
with a reason, never 500; an inbox row exists only for a delivery it accepted, and
only one signed with the shop's secret is ever accepted. A delivery that is signed
but malformed reaches the worker, which parks it with its reason and goes on.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from connectors.signing import sign
from plugin.inbox import DONE, FAILED, IGNORED
from plugin.inbox.processing import process_due
from plugin.storage.models import InboxDelivery
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET, WOO_SECRET, shopify_headers, woo_headers
from tests.fuzzing import (
    SHOPIFY_SEEDS,
    WOOCOMMERCE_SEEDS,
    header_text,
    hostile_bodies,
    payload_for,
)
from tests.helpers import inbox_count

# SQLite is the default store and the fast one: the bulk of the examples run there;
# PostgreSQL, whose columns are typed and bounded, gets fewer of the same.
EXAMPLES = {"sqlite": 2500, "postgresql": 400}
WORKER_EXAMPLES = {"sqlite": 250, "postgresql": 100}


def run(examples: int, strategy: st.SearchStrategy, check: Callable[[Any], None]) -> None:
    """Check `examples` drawn deliveries, with the profile's settings (derandomized in CI)."""
    settings(max_examples=examples)(given(strategy)(check))()


# --- header sets ----------------------------------------------------------------------


@st.composite
def header_set(draw: st.DrawFn, valid: dict[str, str]) -> dict[str, str]:
    """Draw the valid headers with some dropped, retyped, respelled, or joined by others."""
    headers = {}
    for name, value in valid.items():
        fate = draw(st.integers(0, 11))
        if fate == 9:
            continue  # dropped
        if fate == 10:
            value = draw(header_text)
        if fate == 11:
            name = draw(st.sampled_from([name.lower(), name.upper(), name.removeprefix("X-")]))
        headers[name] = value
    names = st.sampled_from([*valid, "X-Other"])
    extra = draw(st.dictionaries(names, header_text, max_size=2))
    return headers | extra


SIGNATURES = ("valid", "valid", "valid", "other secret", "garbage", "absent")


@st.composite
def signed(draw: st.DrawFn, body: bytes, secret: str) -> str | None:
    """Draw how the body is signed: with the shop's secret, another, garbage, or not at all."""
    kind = draw(st.sampled_from(SIGNATURES))
    if kind == "valid":
        return sign(body, secret)
    if kind == "other secret":
        return sign(body, draw(st.text(min_size=1, max_size=40)))
    if kind == "garbage":
        return draw(header_text)
    return None


def body_of(draw: st.DrawFn, seeds: dict[str, Any]) -> tuple[str, bytes]:
    topic, body = draw(payload_for(seeds))
    if draw(st.integers(0, 4)) == 4:
        topic = draw(st.sampled_from(["products/update", "order.bogus", ""]) | header_text)
    return topic, body


@st.composite
def shopify_deliveries(draw: st.DrawFn) -> tuple[dict[str, str], bytes]:
    topic, body = body_of(draw, SHOPIFY_SEEDS)
    domain = draw(
        st.sampled_from([SHOPIFY_DOMAIN, SHOPIFY_DOMAIN.upper(), "other.myshopify.com"])
        | header_text
    )
    valid = shopify_headers(body, topic, webhook_id=str(uuid.uuid4()), domain=domain)
    headers = draw(header_set(valid))
    for name in [name for name in headers if "hmac" in name.lower()]:
        del headers[name]
    signature = draw(signed(body, SHOPIFY_SECRET))
    if signature is not None:
        headers[draw(st.sampled_from(["X-Shopify-Hmac-Sha256", "shopify-hmac-sha256"]))] = signature
    return headers, body


@st.composite
def woocommerce_deliveries(draw: st.DrawFn, shop_id: int) -> tuple[str, dict[str, str], bytes]:
    topic, body = body_of(draw, WOOCOMMERCE_SEEDS)
    valid = woo_headers(body, topic if "." in topic else f"{topic}.x")
    headers = draw(header_set(valid))
    headers.pop("X-WC-Webhook-Signature", None)
    signature = draw(signed(body, WOO_SECRET))
    if signature is not None:
        headers["X-WC-Webhook-Signature"] = signature
    path_id = draw(
        st.sampled_from([str(shop_id), str(shop_id + 1), "0", str(2**63), str(10**30), "-1"])
        | st.integers(min_value=0).map(str)
        | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=8)
    )
    return path_id, headers, body


# --- what every answer must be ---------------------------------------------------------


def signature_of(headers: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name, value in headers.items():
        if name.lower() in names and value.strip():
            return value.strip()
    return None


def check_answer(response, before: int, runtime, body: bytes, signed_by_secret: bool) -> str:  # noqa: ANN001
    """Assert the answer is 2xx or 4xx with a reason, and the inbox grew only if it accepted."""
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    after = inbox_count(runtime)
    if response.status_code >= 400:
        assert response.json["message"], response.json
        assert after == before, "a refused delivery left a row"
        return f"refused {response.status_code}"
    status = (response.json or {}).get("status", "ping") if response.data else "ping"
    if status == "accepted":
        assert signed_by_secret, "a delivery not signed with the shop's secret was stored"
        assert after == before + 1
        with runtime.database.reading() as session:
            stored = session.scalars(select(InboxDelivery).order_by(InboxDelivery.id.desc()))
            assert stored.first().body == body
    else:
        assert after == before, f"a delivery answered {status!r} left a row"
    return status


@pytest.fixture
def examples(runtime) -> int:
    return EXAMPLES[runtime.database.dialect]


@pytest.mark.slow
def test_the_shopify_endpoint_never_answers_500_and_writes_only_what_it_accepts(
    shopify_shop, client, runtime, examples
):
    outcomes: Counter = Counter()

    def check(delivery: tuple[dict[str, str], bytes]) -> None:
        headers, body = delivery
        before = inbox_count(runtime)
        response = client.post("/webhooks/shopify", data=body, headers=headers)
        signature = signature_of(headers, ("x-shopify-hmac-sha256", "shopify-hmac-sha256"))
        signed_by_secret = signature == sign(body, SHOPIFY_SECRET)
        outcomes[check_answer(response, before, runtime, body, signed_by_secret)] += 1

    run(examples, shopify_deliveries(), check)

    # The drawing reached every step of the pipeline, the store included.
    assert outcomes["accepted"] > examples / 20, outcomes
    assert {"refused 400", "refused 401", "refused 404", "ignored"} <= set(outcomes), outcomes


@pytest.mark.slow
def test_the_woocommerce_endpoint_never_answers_500_and_writes_only_what_it_accepts(
    woo_shop, client, runtime, examples
):
    outcomes: Counter = Counter()

    def check(delivery: tuple[str, dict[str, str], bytes]) -> None:
        path_id, headers, body = delivery
        before = inbox_count(runtime)
        response = client.post(f"/webhooks/woocommerce/{path_id}", data=body, headers=headers)
        signature = signature_of(headers, ("x-wc-webhook-signature",))
        signed_by_secret = path_id == str(woo_shop) and signature == sign(body, WOO_SECRET)
        outcomes[check_answer(response, before, runtime, body, signed_by_secret)] += 1

    run(examples, woocommerce_deliveries(woo_shop), check)

    assert outcomes["accepted"] > examples / 20, outcomes
    assert {"refused 400", "refused 401", "refused 404", "ignored"} <= set(outcomes), outcomes


# --- signed, malformed, and processed -------------------------------------------------


def parked_or_processed(runtime) -> Counter:  # noqa: ANN001
    """Assert every delivery was processed once or parked at once with its reason; count them."""
    states: Counter = Counter()
    with runtime.database.reading() as session:
        for row in session.scalars(select(InboxDelivery)):
            assert row.status in (DONE, IGNORED, FAILED), (row.id, row.status, row.last_error)
            assert row.attempts == 1, (row.id, row.attempts, row.last_error)
            if row.status == FAILED:
                # Unreadable, or (PostgreSQL) a value too long for its column.
                reasons = (f"MalformedDelivery: {row.topic}", "DataError: ")
                assert row.last_error.startswith(reasons), row.last_error
            states[row.status] += 1
    return states


def signed_malformed(post: Callable[[bytes, str], Any], seeds: dict[str, Any]):  # noqa: ANN201
    @st.composite
    def strategy(draw: st.DrawFn) -> tuple[str, bytes]:
        topic, body = draw(payload_for(seeds))
        if draw(st.integers(0, 9)) == 9:
            body = draw(hostile_bodies)
        return topic, body

    return strategy()


@pytest.fixture
def worker_examples(runtime) -> int:
    return WORKER_EXAMPLES[runtime.database.dialect]


def drain_after_each(runtime, post, seeds, examples: int) -> Counter:  # noqa: ANN001
    def check(delivery: tuple[str, bytes]) -> None:
        topic, body = delivery
        response = post(topic, body)
        assert response.status_code < 500, response.get_data()[:300]
        process_due(runtime.database, runtime.parse, runtime.retry_policy)

    run(examples, signed_malformed(post, seeds), check)
    return parked_or_processed(runtime)


def test_the_worker_parks_each_signed_but_malformed_shopify_delivery_and_goes_on(
    shopify_shop, client, runtime, worker_examples
):
    # The shop stays installed throughout: these two would end its deliveries.
    seeds = {t: p for t, p in SHOPIFY_SEEDS.items() if t not in ("app/uninstalled", "shop/redact")}

    def post(topic: str, body: bytes):  # noqa: ANN202
        headers = shopify_headers(body, topic, webhook_id=str(uuid.uuid4()))
        return client.post("/webhooks/shopify", data=body, headers=headers)

    states = drain_after_each(runtime, post, seeds, worker_examples)

    assert states[DONE] > states[FAILED] > 0, states


def test_the_worker_parks_each_signed_but_malformed_woocommerce_delivery_and_goes_on(
    woo_shop, client, runtime, worker_examples
):
    def post(topic: str, body: bytes):  # noqa: ANN202
        headers = woo_headers(body, topic)
        return client.post(f"/webhooks/woocommerce/{woo_shop}", data=body, headers=headers)

    states = drain_after_each(runtime, post, WOOCOMMERCE_SEEDS, worker_examples)

    assert states[DONE] > states[FAILED] > 0, states
