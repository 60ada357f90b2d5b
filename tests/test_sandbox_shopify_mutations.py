"""Mutations on the sandbox: discount codes once per code, refunds once per key, as on Shopify."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.test_sandbox_shopify_harness import (
    OPERATIONS,
    Sandbox,
    money,
    run,
    running_sandbox,
    stock,
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


@pytest.fixture
def store(sandbox: Sandbox) -> Sandbox:
    return stock(sandbox)


def test_a_one_of_context_with_two_keys_is_refused(sandbox: Sandbox):
    document, variables = OPERATIONS["AmendsDiscountCodeCreate"]
    both = variables["input"] | {
        "context": {"all": "ALL", "customers": {"add": ["gid://shopify/Customer/7001"]}}
    }

    answer = sandbox.graphql(document, {"input": both})

    assert answer["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"
    assert answer["errors"][0]["extensions"]["problems"][0]["path"] == ["context"]


def test_a_duplicate_discount_code_is_taken_and_creates_nothing(store: Sandbox):
    document, variables = OPERATIONS["AmendsDiscountCodeCreate"]
    first = run(store, "AmendsDiscountCodeCreate")
    again = store.graphql(
        document, {"input": variables["input"] | {"code": "amends-inc42-7q3k", "title": "Other"}}
    )

    assert again["data"]["discountCodeBasicCreate"] == {
        "codeDiscountNode": None,
        "userErrors": [
            {
                "field": ["basicCodeDiscount", "code"],
                "code": "TAKEN",
                "message": "Code must be unique. Please try a different code.",
            }
        ],
    }
    listed = store.graphql(
        "{ discountNodes(first: 10) { nodes { id "
        "discount { ... on DiscountCodeBasic { title } } } } }"
    )
    assert listed["data"]["discountNodes"]["nodes"] == [
        {
            "id": first["data"]["discountCodeBasicCreate"]["codeDiscountNode"]["id"],
            "discount": {"title": "Amends INC-42 apology 10%"},
        }
    ]


def test_a_discount_keeps_its_customer_usage_limit_and_end(store: Sandbox):
    run(store, "AmendsDiscountCodeCreate")

    answer = store.graphql(
        """query ($code: String!) { codeDiscountNodeByCode(code: $code) { codeDiscount {
             ... on DiscountCodeBasic {
               usageLimit appliesOncePerCustomer endsAt
               context { ... on DiscountCustomers { customers { id } } }
               customerGets {
                 value { ... on DiscountPercentage { percentage } }
                 items { ... on AllDiscountItems { allItems } }
               }
               combinesWith { orderDiscounts shippingDiscounts }
             } } } }""",
        {"code": "AMENDS-INC42-7Q3K"},
    )

    assert answer["data"]["codeDiscountNodeByCode"]["codeDiscount"] == {
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
        "endsAt": "2027-02-20T23:59:59Z",
        "context": {"customers": [{"id": "gid://shopify/Customer/7001"}]},
        "customerGets": {"value": {"percentage": 0.1}, "items": {"allItems": True}},
        "combinesWith": {"orderDiscounts": False, "shippingDiscounts": True},
    }


def test_discounts_are_found_by_a_search_on_their_code(store: Sandbox):
    run(store, "AmendsDiscountCodeCreate")
    run(store, "AmendsFreeShippingCodeCreate")
    query = """query ($q: String) {
      discountNodes(first: 5, query: $q) { nodes { discount { __typename } } } }"""

    found = store.graphql(query, {"q": "code:AMENDS-INC43-SHIP"})
    everything = store.graphql(query, {"q": None})

    assert found["data"]["discountNodes"]["nodes"] == [
        {"discount": {"__typename": "DiscountCodeFreeShipping"}}
    ]
    assert len(everything["data"]["discountNodes"]["nodes"]) == 2


def test_a_refund_with_notify_is_recorded_as_told_to_the_customer(store: Sandbox):
    given = OPERATIONS["AmendsShippingRefund"][1]["input"] | {"notify": True}

    refund_id = run(store, "AmendsShippingRefund", input=given)["data"]["refundCreate"]["refund"][
        "id"
    ]

    shown = store.control("GET", "/orders/5001").json()
    assert shown["customer_notified_of_refunds"] == [int(refund_id.rsplit("/", 1)[1])]


def test_a_discount_without_title_or_start_is_refused_field_by_field(sandbox: Sandbox):
    document, variables = OPERATIONS["AmendsDiscountCodeCreate"]
    given = {k: v for k, v in variables["input"].items() if k not in ("title", "startsAt")}

    answer = sandbox.graphql(document, {"input": given})

    assert [
        (e["field"], e["code"]) for e in answer["data"]["discountCodeBasicCreate"]["userErrors"]
    ] == [
        (["basicCodeDiscount", "title"], "BLANK"),
        (["basicCodeDiscount", "startsAt"], "BLANK"),
    ]


def refunds_of(sandbox: Sandbox) -> list[dict[str, Any]]:
    return sandbox.control("GET", "/orders/5001").json()["order"]["refunds"]


def test_the_same_idempotency_key_twice_makes_one_refund(store: Sandbox):
    first = run(store, "AmendsShippingRefund")
    second = run(store, "AmendsShippingRefund")

    assert second["data"]["refundCreate"] == first["data"]["refundCreate"]
    assert len(refunds_of(store)) == 1
    assert (
        money(
            store.graphql(*OPERATIONS["AmendsSuggestShippingRefund"])["data"]["order"][
                "totalRefundedShippingSet"
            ]
        )
        == "4.9"
    )


def test_the_same_key_with_other_arguments_is_refused(store: Sandbox):
    run(store, "AmendsShippingRefund")
    changed = OPERATIONS["AmendsShippingRefund"][1]["input"] | {"note": "something else"}

    answer = run(store, "AmendsShippingRefund", input=changed)

    assert answer["data"] == {"refundCreate": None}
    assert answer["errors"][0]["extensions"] == {"code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"}
    assert len(refunds_of(store)) == 1


def test_a_refund_without_the_idempotent_directive_fails_from_2026_04(store: Sandbox):
    answer = run(store, "AmendsShippingRefundLegacy", "2026-10")

    assert answer["data"] == {"refundCreate": None}
    assert (
        answer["errors"][0]["message"]
        == "The @idempotent directive is required for this mutation but was not provided."
    )
    assert answer["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    assert answer["errors"][0]["path"] == ["refundCreate"]
    assert refunds_of(store) == []


def test_the_idempotent_directive_is_unknown_to_2025_10(store: Sandbox):
    answer = run(store, "AmendsShippingRefund", "2025-10")

    assert [(e["message"], e["extensions"]) for e in answer["errors"]] == [
        (
            "Directive @idempotent is not defined",
            {"code": "undefinedDirective", "directiveName": "idempotent"},
        )
    ]
    assert refunds_of(store) == []


def test_an_over_refund_is_a_user_error_and_creates_nothing(store: Sandbox):
    given = OPERATIONS["AmendsShippingRefund"][1]["input"]
    transaction = given["transactions"][0] | {"amount": "80.00"}

    answer = run(store, "AmendsShippingRefund", input=given | {"transactions": [transaction]})

    assert answer["data"]["refundCreate"]["refund"] is None
    assert answer["data"]["refundCreate"]["userErrors"] == [
        {
            "field": None,
            "message": "Refund amount $80.00 is greater than net payment received $53.80",
        }
    ]
    assert refunds_of(store) == []


def test_shipping_already_refunded_cannot_be_refunded_again(store: Sandbox):
    run(store, "AmendsShippingRefund")
    given = OPERATIONS["AmendsShippingRefund"][1]["input"] | {"shipping": {"amount": "4.90"}}

    answer = run(store, "AmendsShippingRefund", idempotencyKey="another-key", input=given)

    assert answer["data"]["refundCreate"]["userErrors"][0]["field"] == ["shipping", "amount"]
    assert len(refunds_of(store)) == 1


def test_a_refund_needs_a_parent_transaction_of_the_order(store: Sandbox):
    given = OPERATIONS["AmendsShippingRefund"][1]["input"]
    transaction = given["transactions"][0] | {"parentId": "gid://shopify/OrderTransaction/1"}

    answer = run(store, "AmendsShippingRefund", input=given | {"transactions": [transaction]})

    assert answer["data"]["refundCreate"]["userErrors"] == [
        {
            "field": ["transactions"],
            "message": "Transactions require a parent_id associated with the order",
        }
    ]


def test_a_free_shipping_code_clashing_with_a_basic_one_is_taken_on_its_own_field(store: Sandbox):
    run(store, "AmendsDiscountCodeCreate")

    answer = run(
        store,
        "AmendsFreeShippingCodeCreate",
        input=OPERATIONS["AmendsFreeShippingCodeCreate"][1]["input"]
        | {"code": "AMENDS-INC42-7Q3K"},
    )

    assert answer["data"]["discountCodeFreeShippingCreate"]["userErrors"][0]["field"] == [
        "freeShippingCodeDiscount",
        "code",
    ]
    assert answer["data"]["discountCodeFreeShippingCreate"]["userErrors"][0]["code"] == "TAKEN"
