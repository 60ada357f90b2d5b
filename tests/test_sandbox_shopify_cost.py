"""Calculated query cost and the leaky bucket, as Shopify meters its Admin GraphQL API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from graphql import parse

from connectors.shopify.client import ShopifyClient
from plugin.errors import PlatformRateLimited
from sandboxes.shopify.cost import requested_cost
from sandboxes.shopify.schema import schema_for
from tests.test_sandbox_shopify_harness import SHOP, TOKEN, Sandbox, running_sandbox

TAGS_ADD = """mutation ($id: ID!) {
  tagsAdd(id: $id, tags: ["amends"]) { userErrors { field message } } }"""
ORDER = {"id": "gid://shopify/Order/5001"}


def price(query: str, variables: dict | None = None) -> int:
    document = parse(query)
    return requested_cost(schema_for("2026-10"), document, document.definitions[0], variables or {})


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ shop { name } }", 1),
        ("{ shop { name plan { shopifyPlus } } }", 2),
        ("{ orders(first: 10) { nodes { id name } } }", 12),
        (
            "{ orders(first: 10) { edges { cursor node { id customer { id } } } "
            "pageInfo { hasNextPage } } }",
            22,
        ),
        (
            '{ order(id: "gid://shopify/Order/1") { '
            "fulfillments(first: 3) { id trackingInfo(first: 2) { number } } } }",
            10,
        ),
        (
            '{ codeDiscountNodeByCode(code: "X") { codeDiscount { '
            "... on DiscountCodeBasic { codes(first: 5) { nodes { code } } } "
            "... on DiscountCodeFreeShipping { title } } } }",
            9,
        ),
        (
            'mutation { a: tagsAdd(id: "gid://shopify/Order/1", tags: ["x"]) { node { id } } '
            'b: tagsAdd(id: "gid://shopify/Order/1", tags: ["y"]) { node { id } } }',
            20,
        ),
    ],
)
def test_the_requested_cost_follows_shopifys_rules(query: str, cost: int):
    assert price(query) == cost


def test_a_connection_is_sized_by_its_first_argument_from_variables():
    assert price("query ($n: Int!) { orders(first: $n) { nodes { id } } }", {"n": 50}) == 52


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(bucket_size=15.0, restore_rate=1.0) as running:
        running.place_order()
        yield running


def tags(sandbox: Sandbox) -> str:
    return sandbox.control("GET", "/orders/5001").json()["order"]["tags"]


def test_a_request_over_the_bucket_is_throttled_and_runs_nothing_until_points_flow_back(
    sandbox: Sandbox,
):
    first = sandbox.graphql(TAGS_ADD, ORDER)
    throttled = sandbox.graphql(TAGS_ADD, {"id": "gid://shopify/Order/5001"})
    tags_while_throttled = tags(sandbox)
    sandbox.advance(5)
    restored = sandbox.graphql(TAGS_ADD.replace('"amends"', '"later"'), ORDER)

    assert first["extensions"]["cost"] == {
        "requestedQueryCost": 10,
        "actualQueryCost": 10,
        "throttleStatus": {"maximumAvailable": 15.0, "currentlyAvailable": 5.0, "restoreRate": 1.0},
    }
    assert throttled == {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {
                    "code": "THROTTLED",
                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                },
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": 10,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 15.0,
                    "currentlyAvailable": 5.0,
                    "restoreRate": 1.0,
                },
            }
        },
    }
    assert tags_while_throttled == "amends"
    assert restored["data"] == {"tagsAdd": {"userErrors": []}}
    assert tags(sandbox) == "amends, later"


def test_a_query_over_the_single_query_limit_is_refused_without_charge():
    with running_sandbox(max_query_cost=50) as sandbox:
        answer = sandbox.graphql("{ orders(first: 100) { nodes { id } } }")

    assert answer["errors"] == [
        {
            "message": "Query cost is 102, which exceeds the single query max cost limit (50).",
            "extensions": {
                "code": "MAX_COST_EXCEEDED",
                "cost": 102,
                "maxCost": 50,
                "documentation": "https://shopify.dev/api/usage/rate-limits",
            },
        }
    ]
    assert "data" not in answer
    assert answer["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 2000.0


def test_only_the_actual_cost_stays_charged():
    with running_sandbox() as sandbox:
        sandbox.place_order()
        answer = sandbox.graphql("{ orders(first: 100) { nodes { id } } }")

    assert answer["extensions"]["cost"] == {
        "requestedQueryCost": 102,
        "actualQueryCost": 3,
        "throttleStatus": {
            "maximumAvailable": 2000.0,
            "currentlyAvailable": 1997.0,
            "restoreRate": 100.0,
        },
    }


def test_points_flow_back_at_the_restore_rate_up_to_the_maximum(sandbox: Sandbox):
    sandbox.graphql(TAGS_ADD, ORDER)
    sandbox.advance(2)
    partly = sandbox.graphql("{ shop { name } }")
    sandbox.advance(60)
    full = sandbox.graphql("{ shop { name } }")

    assert partly["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 6.0
    assert full["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 14.0


def test_the_connectors_client_waits_for_the_bucket_on_the_sandbox_clock(sandbox: Sandbox):
    waits: list[float] = []

    def wait(seconds: float) -> None:
        waits.append(seconds)
        sandbox.advance(seconds)

    client = ShopifyClient(
        SHOP, TOKEN, api_url=sandbox.base, sleep=wait, clock=lambda: 0.0, attempts=3
    )
    client.execute(TAGS_ADD, ORDER)
    client.execute(TAGS_ADD.replace('"amends"', '"again"'), ORDER)

    assert waits == [pytest.approx(5.0, abs=0.01)]
    assert tags(sandbox) == "amends, again"


def test_the_connectors_client_reports_throttling_it_cannot_wait_out():
    with running_sandbox(bucket_size=15.0, restore_rate=1.0) as sandbox:
        sandbox.place_order()
        client = ShopifyClient(
            SHOP, TOKEN, api_url=sandbox.base, sleep=lambda _: None, clock=lambda: 0.0, attempts=2
        )
        client.execute(TAGS_ADD, ORDER)

        with pytest.raises(PlatformRateLimited):
            client.execute(TAGS_ADD, ORDER)
