"""The mutations the connector sends, with the userErrors Shopify answers.

Each mutation that changes an order sends the webhooks Shopify would (refunds/create,
orders/updated) as one event. `refundCreate` honours `@idempotent(key:)`: the same
key with the same input replays the first answer and creates nothing; from API
version 2026-04 a refundCreate without the directive fails with the error Shopify
gives ("The @idempotent directive is required for this mutation but was not
provided.", code BAD_REQUEST, as seen in captures of 2026-04 answers).
"""

from __future__ import annotations

import json
from typing import Any

from graphql import GraphQLError
from graphql.execution.values import get_directive_values

from sandboxes.shopify import discounts
from sandboxes.shopify.context import RequestContext
from sandboxes.shopify.formats import gid, graphql_time, money, money_v2, parse_gid
from sandboxes.shopify.refund_views import refund_view
from sandboxes.shopify.refunds import (
    RefundLine,
    RefundRequest,
    RefundTransaction,
    create_refund,
    problems,
)
from sandboxes.shopify.store import IdempotentResult, StoreCreditAccount
from sandboxes.shopify.subscriptions import Subscription, topic_of
from sandboxes.shopify.views import order_view

IDEMPOTENCY_REQUIRED_FROM = "2026-04"
_ADDRESS_SCHEMES = ("https://", "http://", "pubsub://", "arn:")


def _user_error(field: list[str] | None, message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def discount_code_basic_create(_: Any, info: Any, basicCodeDiscount: dict) -> dict:  # noqa: N803
    """Create a percentage or fixed-amount code."""
    return _discount(info.context, discounts.BASIC, "basicCodeDiscount", basicCodeDiscount)


def discount_code_free_shipping_create(_: Any, info: Any, freeShippingCodeDiscount: dict) -> dict:  # noqa: N803
    """Create a free-shipping code."""
    return _discount(
        info.context, discounts.FREE_SHIPPING, "freeShippingCodeDiscount", freeShippingCodeDiscount
    )


def _discount(context: RequestContext, kind: str, argument: str, given: dict) -> dict:
    discount, errors = discounts.create(context.shop, kind, argument, given)
    node = discounts.code_node_view(context.shop, discount) if discount else None
    return {"codeDiscountNode": node, "userErrors": errors}


def refund_create(_: Any, info: Any, input: dict) -> dict:  # noqa: A002
    """Refund (shipping, lines, money) once per idempotency key."""
    context: RequestContext = info.context
    key = _idempotency_key(info)
    if key is None and context.version >= IDEMPOTENCY_REQUIRED_FROM:
        raise GraphQLError(
            "The @idempotent directive is required for this mutation but was not provided.",
            extensions={"code": "BAD_REQUEST"},
        )
    fingerprint = json.dumps(input, sort_keys=True, default=str)
    shop = context.shop
    if key is not None and key in shop.idempotent_results:
        previous = shop.idempotent_results[key]
        if previous.fingerprint != fingerprint:
            raise GraphQLError(
                "The same idempotency key cannot be used with different operation parameters.",
                extensions={"code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH"},
            )
        return _refund_payload(context, previous.payload)
    outcome = _refund(context, input)
    if key is not None:
        shop.idempotent_results[key] = IdempotentResult(fingerprint, outcome)
    return _refund_payload(context, outcome)


def _idempotency_key(info: Any) -> str | None:
    directive = info.schema.get_directive("idempotent")
    if directive is None:
        return None
    values = get_directive_values(directive, info.field_nodes[0], info.variable_values)
    return values["key"] if values else None


def _refund(context: RequestContext, given: dict[str, Any]) -> dict[str, Any]:
    """Do the refund; return what happened as ids, so a replay shows the current state."""
    shop = context.shop
    order = shop.orders.get(parse_gid(given.get("orderId"), "Order") or -1)
    if order is None:
        return {
            "order_id": None,
            "refund_id": None,
            "errors": [_user_error(["orderId"], "Order does not exist")],
        }
    request = _refund_request(given)
    errors = problems(shop, order, request)
    if errors:
        return {"order_id": order["id"], "refund_id": None, "errors": errors}
    refund, notifications = create_refund(shop, order, request)
    context.publish(notifications)
    return {"order_id": order["id"], "refund_id": refund["id"], "errors": []}


def _refund_request(given: dict[str, Any]) -> RefundRequest:
    shipping = given.get("shipping") or {}
    return RefundRequest(
        note=given.get("note"),
        notify=bool(given.get("notify")),
        full_shipping=bool(shipping.get("fullRefund")),
        shipping_amount=money(shipping["amount"]) if shipping.get("amount") is not None else None,
        lines=[
            RefundLine(
                parse_gid(item.get("lineItemId"), "LineItem"),
                int(item.get("quantity") or 0),
                (item.get("restockType") or "NO_RESTOCK").lower(),
            )
            for item in given.get("refundLineItems") or ()
        ],
        transactions=[
            RefundTransaction(
                parse_gid(item.get("parentId"), "OrderTransaction"),
                money(item.get("amount")),
                item.get("gateway"),
                str(item.get("kind") or "REFUND").lower(),
            )
            for item in given.get("transactions") or ()
        ],
        allow_over_refunding=bool(given.get("allowOverRefunding")),
    )


def _refund_payload(context: RequestContext, outcome: dict[str, Any]) -> dict[str, Any]:
    shop = context.shop
    order = shop.orders.get(outcome["order_id"]) if outcome["order_id"] else None
    refund = None
    if outcome["refund_id"] is not None:
        refund = refund_view(shop, *shop.refund(outcome["refund_id"]))
    return {
        "refund": refund,
        "order": order_view(shop, order) if order else None,
        "userErrors": outcome["errors"],
    }


def tags_add(_: Any, info: Any, id: str, tags: list[str]) -> dict:  # noqa: A002
    """Append tags to an order (existing tags are kept, duplicates ignored)."""
    context: RequestContext = info.context
    order = context.shop.orders.get(parse_gid(id, "Order") or -1)
    if order is None:
        return {"node": None, "userErrors": [_user_error(["id"], "Order does not exist")]}
    current = [tag.strip() for tag in (order.get("tags") or "").split(",") if tag.strip()]
    known = {tag.lower() for tag in current}
    added = [tag.strip() for tag in tags if tag.strip() and tag.strip().lower() not in known]
    if added:
        order["tags"] = ", ".join([*current, *dict.fromkeys(added)])
        context.shop.touch(order)
        context.publish([("orders/updated", order)])
    return {"node": order_view(context.shop, order), "userErrors": []}


def order_update(_: Any, info: Any, input: dict) -> dict:  # noqa: A002
    """Change an order's note, tags (replacing them), e-mail, PO number or attributes."""
    context: RequestContext = info.context
    order = context.shop.orders.get(parse_gid(input.get("id"), "Order") or -1)
    if order is None:
        return {"order": None, "userErrors": [_user_error(["id"], "Order does not exist")]}
    if "note" in input:
        order["note"] = input["note"]
    if "tags" in input:
        order["tags"] = ", ".join(input["tags"] or [])
    if "email" in input:
        order["email"] = input["email"]
    if "poNumber" in input:
        order["po_number"] = input["poNumber"]
    if "customAttributes" in input:
        order["note_attributes"] = [
            {"name": item["key"], "value": item.get("value")}
            for item in input["customAttributes"] or ()
        ]
    context.shop.touch(order)
    context.publish([("orders/updated", order)])
    return {"order": order_view(context.shop, order), "userErrors": []}


def webhook_subscription_create(_: Any, info: Any, topic: str, webhookSubscription: dict) -> dict:  # noqa: N803
    """Subscribe an address to a topic for this shop (rendered in the request's version)."""
    context: RequestContext = info.context
    given = webhookSubscription
    uri = given.get("uri") or given.get("callbackUrl")
    field = ["webhookSubscription", "uri" if "uri" in given else "callbackUrl"]
    if not uri:
        return {
            "webhookSubscription": None,
            "userErrors": [_user_error(field, "Address can't be blank")],
        }
    if not uri.startswith(_ADDRESS_SCHEMES):
        return {
            "webhookSubscription": None,
            "userErrors": [_user_error(field, "Address is invalid")],
        }
    if any(s.enum == topic and s.uri == uri for s in context.hub.shop_subscriptions()):
        message = "Address for this topic has already been taken"
        return {"webhookSubscription": None, "userErrors": [_user_error(field, message)]}
    now = graphql_time(context.shop.now())
    subscription = Subscription(
        id=context.shop.next_id(),
        topics=frozenset({topic_of(topic)}),
        uri=uri,
        api_version=context.version,
        app_level=False,
        created_at=now,
        updated_at=now,
        filter=given.get("filter"),
        include_fields=tuple(given.get("includeFields") or ()),
        name=given.get("name"),
        enum=topic,
    )
    context.hub.subscribe(subscription)
    return {"webhookSubscription": subscription.view(), "userErrors": []}


def webhook_subscription_delete(_: Any, info: Any, id: str) -> dict:  # noqa: A002
    """Delete one of the shop's subscriptions."""
    context: RequestContext = info.context
    number = parse_gid(id, "WebhookSubscription")
    if number is None or not any(s.id == number for s in context.hub.shop_subscriptions()):
        message = "Webhook subscription does not exist"
        return {"deletedWebhookSubscriptionId": None, "userErrors": [_user_error(["id"], message)]}
    context.hub.unsubscribe(number)
    return {"deletedWebhookSubscriptionId": id, "userErrors": []}


def store_credit_account_credit(_: Any, info: Any, id: str, creditInput: dict) -> dict:  # noqa: A002, N803
    """Credit a customer's store credit account (created on first credit)."""
    context: RequestContext = info.context
    shop = context.shop
    amount = money(creditInput["creditAmount"]["amount"])
    currency = creditInput["creditAmount"]["currencyCode"]
    account = _credit_account(context, id, currency)
    if account is None:
        error = {"field": ["id"], "code": "OWNER_NOT_FOUND", "message": "Owner does not exist."}
        return {"storeCreditAccountTransaction": None, "userErrors": [error]}
    if amount <= 0:
        error = {
            "field": ["creditInput", "creditAmount", "amount"],
            "code": "NEGATIVE_OR_ZERO_AMOUNT",
            "message": "A positive amount must be used to credit a store credit account.",
        }
        return {"storeCreditAccountTransaction": None, "userErrors": [error]}
    if account.currency != currency:
        error = {
            "field": ["creditInput", "creditAmount", "currencyCode"],
            "code": "MISMATCHING_CURRENCY",
            "message": "The currency does not match the currency of the store credit account.",
        }
        return {"storeCreditAccountTransaction": None, "userErrors": [error]}
    account.balance += amount
    number = shop.next_id()
    account_view = {
        "id": gid("StoreCreditAccount", account.id),
        "balance": money_v2(account.balance, currency),
    }
    transaction = {
        "__typename": "StoreCreditAccountCreditTransaction",
        "id": gid("StoreCreditAccountCreditTransaction", number),
        "amount": money_v2(amount, currency),
        "remainingAmount": money_v2(amount, currency),
        "balanceAfterTransaction": money_v2(account.balance, currency),
        "createdAt": graphql_time(shop.now()),
        "expiresAt": graphql_time(creditInput.get("expiresAt")),
        "account": account_view,
    }
    account.transactions.append(transaction)
    return {"storeCreditAccountTransaction": transaction, "userErrors": []}


def _credit_account(
    context: RequestContext, owner: str, currency: str
) -> StoreCreditAccount | None:
    shop = context.shop
    account_id = parse_gid(owner, "StoreCreditAccount")
    if account_id is not None:
        return next((a for a in shop.store_credit.values() if a.id == account_id), None)
    customer_id = parse_gid(owner, "Customer")
    if customer_id is None or shop.customer(customer_id) is None:
        return None
    if customer_id not in shop.store_credit:
        shop.store_credit[customer_id] = StoreCreditAccount(
            shop.next_id(), customer_id, currency, money(0)
        )
    return shop.store_credit[customer_id]


MUTATIONS = {
    "discountCodeBasicCreate": discount_code_basic_create,
    "discountCodeFreeShippingCreate": discount_code_free_shipping_create,
    "refundCreate": refund_create,
    "tagsAdd": tags_add,
    "orderUpdate": order_update,
    "webhookSubscriptionCreate": webhook_subscription_create,
    "webhookSubscriptionDelete": webhook_subscription_delete,
    "storeCreditAccountCredit": store_credit_account_credit,
}
