"""Every payload parser, fed bodies near the real ones and plain garbage.

Whatever the body, a connector's `parse` gives canonical events (or None for a topic
it does not read), or raises MalformedDelivery with a reason: never another
exception, which the worker would take for a passing failure and retry. The events
it gives hold the types they declare, so nothing odd reaches the domain.
"""

from __future__ import annotations

import dataclasses
import typing
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.reasons import reason_of
from connectors.shopify import ShopifyConnector
from connectors.woocommerce import WooCommerceConnector
from plugin import events
from plugin.events.shape import shape_problem
from plugin.platforms import MalformedDelivery
from tests.fuzzing import SHOPIFY_SEEDS, WOOCOMMERCE_SEEDS, payload_for

CANONICAL = typing.get_args(events.Event)
SHOPIFY = ShopifyConnector()
WOOCOMMERCE = WooCommerceConnector()
outcomes: Counter = Counter()


def parse_or_refuse(connector, topic: str, body: bytes) -> None:  # noqa: ANN001
    """Parse; check the answer is canonical, or the refusal a MalformedDelivery with a reason."""
    try:
        parsed = connector.parse(topic, body)
    except MalformedDelivery as error:
        refusal = str(error)
    else:
        refusal = None
    if refusal is not None:
        assert refusal.startswith(topic), refusal  # says which delivery and why
        outcomes[connector.platform, "malformed"] += 1
        return
    if parsed is None:
        outcomes[connector.platform, "no parser"] += 1
        return
    assert isinstance(parsed, list)
    for event in parsed:
        assert isinstance(event, CANONICAL), event
        assert dataclasses.is_dataclass(event)
        assert shape_problem(event) is None, shape_problem(event)
    outcomes[connector.platform, "events"] += 1


@pytest.mark.slow
@settings(max_examples=3000)
@given(payload_for(SHOPIFY_SEEDS))
def test_shopify_parsers_give_events_or_say_the_delivery_is_malformed(delivery):
    parse_or_refuse(SHOPIFY, *delivery)


@pytest.mark.slow
@settings(max_examples=1500)
@given(payload_for(WOOCOMMERCE_SEEDS))
def test_woocommerce_parsers_give_events_or_say_the_delivery_is_malformed(delivery):
    parse_or_refuse(WOOCOMMERCE, *delivery)


@settings(max_examples=500)
@given(st.text(max_size=400) | st.none())
def test_the_reason_reader_names_a_canonical_reason_for_any_words(words):
    assert reason_of(words) in events.CANONICAL_REASONS


def test_the_bodies_drawn_reach_the_parsers_and_their_refusals():
    """The runs above read most bodies into events: the fuzzing is not all rejected garbage."""
    for connector, seeds in ((SHOPIFY, SHOPIFY_SEEDS), (WOOCOMMERCE, WOOCOMMERCE_SEEDS)):
        outcomes.clear()

        @settings(max_examples=200)
        @given(payload_for(seeds))
        def check(drawn):  # noqa: ANN001, ANN202
            parse_or_refuse(connector, *drawn)  # noqa: B023 - run within the iteration

        check()
        platform = connector.platform
        assert outcomes[platform, "events"] > outcomes[platform, "malformed"] > 0, outcomes
