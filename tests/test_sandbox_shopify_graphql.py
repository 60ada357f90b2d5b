"""The sandbox answers the connector's GraphQL as Shopify does, through ShopifyAPI's client."""

from __future__ import annotations

import urllib.error
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from tests.test_sandbox_shopify_harness import (
    OPERATIONS,
    SHOP,
    Sandbox,
    money,
    run,
    running_sandbox,
    stock,
)

ORDER = "gid://shopify/Order/5001"
SALE = "gid://shopify/OrderTransaction/9001"


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


@pytest.fixture
def store(sandbox: Sandbox) -> Sandbox:
    return stock(sandbox)


# What each reference operation must answer, given the `store` fixture; the operations
# named in PREPARE run first.
PREPARE = {
    "AmendsDiscountByCode": ["AmendsDiscountCodeCreate"],
    "AmendsOrderRefunds": ["AmendsShippingRefund"],
    "AmendsWebhookSubscriptions": ["AmendsWebhookSubscriptionCreate"],
}
VERSION = {"AmendsShippingRefundLegacy": "2025-10"}
CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "AmendsDiscountCodeCreate": lambda d: (
        d["discountCodeBasicCreate"]["codeDiscountNode"]["codeDiscount"]
        == {
            "title": "Amends INC-42 apology 10%",
            "status": "ACTIVE",
            "startsAt": "2026-11-22T10:00:00Z",
            "endsAt": "2027-02-20T23:59:59Z",
            "usageLimit": 1,
            "appliesOncePerCustomer": True,
            "codes": {"nodes": [{"code": "AMENDS-INC42-7Q3K"}]},
        }
    ),
    "AmendsFreeShippingCodeCreate": lambda d: (
        d["discountCodeFreeShippingCreate"]["codeDiscountNode"]["codeDiscount"]
        == {
            "title": "Amends INC-43 free shipping",
            "status": "ACTIVE",
            "endsAt": "2027-02-20T23:59:59Z",
            "codes": {"nodes": [{"code": "AMENDS-INC43-SHIP"}]},
        }
    ),
    "AmendsSuggestShippingRefund": lambda d: (
        d["order"]["suggestedRefund"]
        == {
            "shipping": {
                "amountSet": {"shopMoney": {"amount": "4.9", "currencyCode": "EUR"}},
                "maximumRefundableSet": {"shopMoney": {"amount": "4.9", "currencyCode": "EUR"}},
            },
            "suggestedTransactions": [
                {
                    "parentTransaction": {"id": SALE, "kind": "SALE", "status": "SUCCESS"},
                    "gateway": "shopify_payments",
                    "amountSet": {"shopMoney": {"amount": "4.9", "currencyCode": "EUR"}},
                }
            ],
        }
        and money(d["order"]["totalRefundedShippingSet"]) == "0.0"
    ),
    "AmendsShippingRefund": lambda d: (
        money(d["refundCreate"]["refund"]["totalRefundedSet"]) == "4.9"
        and [
            money(n["subtotalAmountSet"])
            for n in d["refundCreate"]["refund"]["refundShippingLines"]["nodes"]
        ]
        == ["4.9"]
        and [
            (n["kind"], n["status"], n["gateway"])
            for n in d["refundCreate"]["refund"]["transactions"]["nodes"]
        ]
        == [("REFUND", "SUCCESS", "shopify_payments")]
    ),
    "AmendsShippingRefundLegacy": lambda d: (
        money(d["refundCreate"]["refund"]["totalRefundedSet"]) == "4.9"
    ),
    "AmendsOrderTagsAdd": lambda d: d["tagsAdd"]["node"] == {"id": ORDER},
    "AmendsOrderNote": lambda d: d["order"]["note"] == "Dejar en conserjería",
    "AmendsOrderRefunds": lambda d: (
        [refund["note"] for refund in d["order"]["refunds"]]
        == [OPERATIONS["AmendsShippingRefund"][1]["input"]["note"]]
    ),
    "AmendsOrderNoteUpdate": lambda d: (
        d["orderUpdate"]["order"]
        == {"id": ORDER, "note": "existing note\n[Amends] INC-42: shipping refunded 4.90 EUR"}
    ),
    "AmendsOrder": lambda d: (
        d["order"]["customer"]
        == {
            "id": "gid://shopify/Customer/7001",
            "locale": "es",
            "defaultEmailAddress": {"emailAddress": "lucia.fernandez@example.es"},
        }
        and d["order"]["displayFulfillmentStatus"] == "FULFILLED"
        and d["order"]["fulfillments"][0]["displayStatus"] == "DELAYED"
        and d["order"]["fulfillments"][0]["estimatedDeliveryAt"] == "2026-11-30T12:00:00Z"
        and d["order"]["fulfillments"][0]["trackingInfo"]
        == [{"company": "UPS", "number": "1Z999", "url": "https://ups.example/1Z999"}]
        and [e["status"] for e in d["order"]["fulfillments"][0]["events"]["nodes"]] == ["DELAYED"]
        and d["order"]["shippingAddress"] == {"countryCodeV2": "ES"}
    ),
    "AmendsReturn": lambda d: (
        d["return"]["status"] == "REQUESTED"
        and d["return"]["order"] == {"id": ORDER, "name": "#1042"}
        and d["return"]["returnLineItems"]["nodes"][0]["returnReason"] == "DEFECTIVE"
        and d["return"]["returnLineItems"]["nodes"][0]["returnReasonDefinition"]["handle"]
        == "arrived-damaged"
        and d["return"]["returnLineItems"]["nodes"][0]["fulfillmentLineItem"]["lineItem"]["sku"]
        == "TAZA-OLIVAR-350"
    ),
    "AmendsOrdersCreatedSince": lambda d: (
        [n["id"] for n in d["orders"]["nodes"]] == [ORDER]
        and d["orders"]["pageInfo"]["hasNextPage"] is False
        and d["orders"]["nodes"][0]["returns"]["nodes"][0]["returnLineItems"]["nodes"][0][
            "returnReasonDefinition"
        ]["handle"]
        == "arrived-damaged"
    ),
    "AmendsOrdersUpdatedSince": lambda d: (
        [n["id"] for n in d["orders"]["nodes"]] == [ORDER]
        and d["orders"]["pageInfo"]["hasNextPage"] is False
    ),
    "AmendsDiscountByCode": lambda d: (
        d["codeDiscountNodeByCode"]["codeDiscount"]
        == {
            "__typename": "DiscountCodeBasic",
            "title": "Amends INC-42 apology 10%",
            "status": "ACTIVE",
            "endsAt": "2027-02-20T23:59:59Z",
            "usageLimit": 1,
            "asyncUsageCount": 0,
        }
    ),
    "AmendsWebhookSubscriptions": lambda d: (
        [
            (n["topic"], n["uri"], n["includeFields"], n["apiVersion"])
            for n in d["webhookSubscriptions"]["nodes"]
        ]
        == [
            (
                "ORDERS_UPDATED",
                "https://app.example.com/webhooks/shopify",
                ["id", "updated_at"],
                {"handle": "2026-10"},
            )
        ]
    ),
    "AmendsWebhookSubscriptionCreate": lambda d: (
        d["webhookSubscriptionCreate"]["webhookSubscription"]["topic"] == "ORDERS_UPDATED"
    ),
    "AmendsStoreCredit": lambda d: (
        d["storeCreditAccountCredit"]["storeCreditAccountTransaction"]["amount"]
        == {"amount": "5.0", "currencyCode": "EUR"}
        and money(
            {
                "shopMoney": d["storeCreditAccountCredit"]["storeCreditAccountTransaction"][
                    "account"
                ]["balance"]
            }
        )
        == "5.0"
    ),
}


def user_errors(data: dict[str, Any]) -> list[Any]:
    return [
        error
        for payload in data.values()
        if isinstance(payload, dict)
        for error in payload.get("userErrors", [])
    ]


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_every_reference_operation_works_with_its_example_variables(store: Sandbox, name: str):
    for earlier in PREPARE.get(name, []):
        assert "errors" not in run(store, earlier)

    answer = run(store, name, VERSION.get(name, "2026-10"))

    assert "errors" not in answer, answer
    assert user_errors(answer["data"]) == []
    assert CHECKS[name](answer["data"]), answer["data"]
    assert set(answer["extensions"]["cost"]) == {
        "requestedQueryCost",
        "actualQueryCost",
        "throttleStatus",
    }


def test_every_reference_operation_has_a_check():
    assert set(CHECKS) == set(OPERATIONS)


def test_a_wrong_field_is_a_validation_error_worded_as_shopify_words_it(sandbox: Sandbox):
    answer = sandbox.graphql("query Probe {\n  shop { nonsenseField }\n}")

    assert "data" not in answer
    assert answer["errors"] == [
        {
            "message": "Field 'nonsenseField' doesn't exist on type 'Shop'",
            "locations": [{"line": 2, "column": 10}],
            "path": ["query Probe", "shop", "nonsenseField"],
            "extensions": {
                "code": "undefinedField",
                "typeName": "Shop",
                "fieldName": "nonsenseField",
            },
        }
    ]
    assert answer["extensions"]["cost"]["requestedQueryCost"] == 0


def test_selecting_code_on_a_plain_user_error_is_refused(store: Sandbox):
    document = """mutation ($id: ID!, $tags: [String!]!) {
      tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field code message } } }"""
    answer = store.graphql(document, OPERATIONS["AmendsOrderTagsAdd"][1])

    assert [e["extensions"] for e in answer["errors"]] == [
        {"code": "undefinedField", "typeName": "UserError", "fieldName": "code"}
    ]
    assert (
        store.graphql('{ order(id: "gid://shopify/Order/5001") { tags } }')["data"]["order"]["tags"]
        == []
    )


def test_an_unknown_input_field_inside_variables_is_refused_and_nothing_is_created(
    sandbox: Sandbox,
):
    document, variables = OPERATIONS["AmendsDiscountCodeCreate"]
    wrong = variables["input"] | {"customerSelectionX": {"all": True}}

    answer = sandbox.graphql(document, {"input": wrong}, "AmendsDiscountCodeCreate")

    (error,) = answer["errors"]
    assert error["message"] == (
        "Variable $input of type DiscountCodeBasicInput! was provided invalid value for "
        "customerSelectionX (Field is not defined on DiscountCodeBasicInput)"
    )
    assert error["extensions"]["code"] == "INVALID_VARIABLE"
    assert error["extensions"]["problems"] == [
        {
            "path": ["customerSelectionX"],
            "explanation": "Field is not defined on DiscountCodeBasicInput",
        }
    ]
    assert (
        sandbox.graphql(*OPERATIONS["AmendsDiscountByCode"])["data"]["codeDiscountNodeByCode"]
        is None
    )


def test_a_missing_required_variable_and_a_bad_enum_value_are_refused(sandbox: Sandbox):
    document, variables = OPERATIONS["AmendsWebhookSubscriptionCreate"]

    answer = sandbox.graphql(document, {"topic": "ORDERS_EXPLODED", "sub": variables["sub"]})
    missing = sandbox.graphql(OPERATIONS["AmendsOrder"][0], {})

    assert answer["errors"][0]["message"].startswith(
        "Variable $topic of type WebhookSubscriptionTopic! was provided invalid value"
    )
    assert answer["errors"][0]["extensions"]["problems"][0]["explanation"].startswith(
        'Expected "ORDERS_EXPLODED" to be one of: '
    )
    assert missing["errors"][0]["message"] == "Variable $id of type ID! was provided invalid value"
    assert missing["errors"][0]["extensions"]["problems"] == [
        {"path": [], "explanation": "Expected value to not be null"}
    ]


def test_return_reason_definitions_do_not_exist_on_2025_10(store: Sandbox):
    answer = run(store, "AmendsReturn", "2025-10")

    assert [e["extensions"]["fieldName"] for e in answer["errors"]] == ["returnReasonDefinition"]


def test_tags_add_appends_and_order_update_overwrites_the_note(store: Sandbox):
    run(store, "AmendsOrderTagsAdd")
    run(store, "AmendsOrderTagsAdd", tags=["amends", "vip"])
    run(store, "AmendsOrderNoteUpdate")

    order = store.graphql(*OPERATIONS["AmendsOrder"])["data"]["order"]

    assert order["tags"] == ["amends", "amends-incident-42", "vip"]
    assert order["note"] == "existing note\n[Amends] INC-42: shipping refunded 4.90 EUR"


def test_orders_page_by_cursor_in_update_order_and_filter_by_update_time(sandbox: Sandbox):
    for number in (1, 2, 3):
        sandbox.place_order(
            id=6000 + number, name=f"#20{number}", updated_at=f"2026-11-2{number}T08:00:00Z"
        )
    query = OPERATIONS["AmendsOrdersUpdatedSince"][0]

    first = sandbox.graphql(
        query, {"first": 1, "after": None, "query": "updated_at:>'2026-11-21T12:00:00Z'"}
    )
    second = sandbox.graphql(
        query,
        {
            "first": 1,
            "after": first["data"]["orders"]["pageInfo"]["endCursor"],
            "query": "updated_at:>'2026-11-21T12:00:00Z'",
        },
    )

    assert [n["name"] for n in first["data"]["orders"]["nodes"]] == ["#202"]
    assert first["data"]["orders"]["pageInfo"]["hasNextPage"] is True
    assert [n["name"] for n in second["data"]["orders"]["nodes"]] == ["#203"]
    assert second["data"]["orders"]["pageInfo"]["hasNextPage"] is False


def test_a_connection_without_first_or_last_is_an_error(sandbox: Sandbox):
    answer = sandbox.graphql("{ orders { nodes { id } } }")

    assert answer["errors"][0]["message"] == "you must provide one of first or last"
    assert answer["data"] is None


def test_subscriptions_are_created_listed_and_deleted(sandbox: Sandbox):
    created = run(sandbox, "AmendsWebhookSubscriptionCreate")["data"]["webhookSubscriptionCreate"]
    duplicate = run(sandbox, "AmendsWebhookSubscriptionCreate")["data"]["webhookSubscriptionCreate"]
    subscription_id = created["webhookSubscription"]["id"]

    deleted = sandbox.graphql(
        "mutation ($id: ID!) { webhookSubscriptionDelete(id: $id) { "
        "deletedWebhookSubscriptionId userErrors { field message } } }",
        {"id": subscription_id},
    )

    assert duplicate["userErrors"] == [
        {
            "field": ["webhookSubscription", "uri"],
            "message": "Address for this topic has already been taken",
        }
    ]
    assert deleted["data"]["webhookSubscriptionDelete"] == {
        "deletedWebhookSubscriptionId": subscription_id,
        "userErrors": [],
    }
    assert run(sandbox, "AmendsWebhookSubscriptions")["data"]["webhookSubscriptions"]["nodes"] == []


def test_a_missing_or_wrong_token_is_401_with_shopifys_message(sandbox: Sandbox):
    url = f"{sandbox.base}/admin/api/2026-10/graphql.json"
    missing = requests.post(url, json={"query": "{ shop { name } }"}, timeout=10)
    wrong = requests.post(
        url,
        json={"query": "{ shop { name } }"},
        headers={"X-Shopify-Access-Token": "nope"},
        timeout=10,
    )

    with pytest.raises(urllib.error.HTTPError) as raised:
        sandbox.graphql("{ shop { name } }", token="shpat_wrong")
    raised.value.close()

    expected = {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
    assert (missing.status_code, missing.json()) == (401, expected)
    assert (wrong.status_code, wrong.json()) == (401, expected)
    assert raised.value.code == 401


def test_an_unserved_version_is_404_and_a_retired_one_falls_forward(sandbox: Sandbox):
    headers = {"X-Shopify-Access-Token": "shpat_sandbox_test_token"}
    unknown = requests.post(
        f"{sandbox.base}/admin/api/2099-01/graphql.json",
        json={"query": "{ shop { name } }"},
        headers=headers,
        timeout=10,
    )
    retired = requests.post(
        f"{sandbox.base}/admin/api/2024-01/graphql.json",
        json={"query": "{ shop { name } }"},
        headers=headers,
        timeout=10,
    )

    assert (unknown.status_code, unknown.json()) == (404, {"errors": "Not Found"})
    assert retired.status_code == 200
    assert retired.headers["X-Shopify-API-Version"] == "2025-10"
    assert retired.json()["data"] == {"shop": {"name": "Amends Demo"}}


def test_the_shop_is_the_configured_one(sandbox: Sandbox):
    answer = sandbox.graphql("{ shop { myshopifyDomain currencyCode plan { shopifyPlus } } }")

    assert answer["data"]["shop"] == {
        "myshopifyDomain": SHOP,
        "currencyCode": "EUR",
        "plan": {"shopifyPlus": False},
    }


def test_fulfillment_events_come_newest_first_when_reversed(store: Sandbox):
    store.advance(60)
    store.post("/orders/5001/fulfillment_events", {"status": "in_transit"})
    store.advance(60)
    store.post("/orders/5001/fulfillment_events", {"status": "delivered"})

    order = store.graphql(*OPERATIONS["AmendsOrder"])["data"]["order"]

    (fulfillment,) = order["fulfillments"]
    assert [e["status"] for e in fulfillment["events"]["nodes"]] == [
        "DELIVERED",
        "IN_TRANSIT",
        "DELAYED",
    ]
    assert fulfillment["displayStatus"] == "DELIVERED"
    assert fulfillment["inTransitAt"] == "2026-11-23T09:01:00Z"
    assert fulfillment["deliveredAt"] == "2026-11-23T09:02:00Z"
