"""Field resolution: the query roots the connector reads, and paging of plain lists.

graphql-core calls `resolve_field` for every field. A handler registered for
(parent type, field) answers it; anything else is read from the view dict (a
callable value is called with the field's arguments, as graphql-core's default
resolver does). A Python list answering a connection field becomes a connection
paged by `first`/`after`/`last`/`before`/`reverse`; a list field with `first` is cut.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLList,
    default_field_resolver,
    get_named_type,
    get_nullable_type,
)

from sandboxes.shopify import discounts, search
from sandboxes.shopify.context import RequestContext
from sandboxes.shopify.formats import gid_kind, graphql_time, money, parse_gid
from sandboxes.shopify.mutations import MUTATIONS
from sandboxes.shopify.refund_views import refund_view, return_view, suggested_refund_view
from sandboxes.shopify.store import NotFound
from sandboxes.shopify.views import fulfillment_view, order_view, transaction_view

Handler = Callable[..., Any]


def resolve_field(source: Any, info: Any, **args: Any) -> Any:
    """Answer one field."""
    handler = HANDLERS.get((info.parent_type.name, info.field_name))
    if handler is not None:
        value = handler(source, info, **args)
    else:
        value = default_field_resolver(source, info, **args)
    if isinstance(value, list):
        return _shape(value, info.return_type, args)
    return value


def _shape(items: list, return_type: Any, args: dict[str, Any]) -> Any:
    named = get_named_type(return_type)
    if named.name.endswith("Connection") and "pageInfo" in getattr(named, "fields", {}):
        return search.connection(search.positional(items), args)
    if isinstance(get_nullable_type(return_type), GraphQLList):
        if args.get("reverse"):
            items = list(reversed(items))
        if args.get("first") is not None:
            items = items[: args["first"]]
        if args.get("last") is not None:
            items = items[-args["last"] :] if args["last"] else []
    return items


def _context(info: Any) -> RequestContext:
    return info.context


def _id(value: str, kind: str) -> int:
    number = parse_gid(value, kind)
    if number is None and parse_gid(value) is None:
        raise GraphQLError(
            f"Invalid global id '{value}'", extensions={"code": "argumentLiteralsIncompatible"}
        )
    return number if number is not None else -1


# Query roots ------------------------------------------------------------------------


def _shop(_: Any, info: Any) -> dict[str, Any]:
    shop = _context(info).shop
    config = shop.config
    return {
        "__typename": "Shop",
        "id": f"gid://shopify/Shop/{config.shop_id}",
        "name": config.shop_name,
        "email": config.shop_email,
        "contactEmail": config.shop_email,
        "myshopifyDomain": shop.domain,
        "url": f"https://{shop.domain}",
        "primaryDomain": {"host": shop.domain, "url": f"https://{shop.domain}", "sslEnabled": True},
        "currencyCode": shop.currency,
        "enabledPresentmentCurrencies": [shop.currency],
        "ianaTimezone": "Etc/UTC",
        "timezoneAbbreviation": "UTC",
        "timezoneOffset": "+0000",
        "timezoneOffsetMinutes": 0,
        "taxesIncluded": True,
        "taxShipping": False,
        "createdAt": graphql_time(shop.created_at),
        "updatedAt": graphql_time(shop.created_at),
        "plan": {
            "displayName": "Basic",
            "publicDisplayName": "Basic",
            "partnerDevelopment": True,
            "shopifyPlus": False,
        },
    }


def _order(_: Any, info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002
    shop = _context(info).shop
    order = shop.orders.get(_id(id, "Order"))
    return order_view(shop, order) if order else None


def _orders(_: Any, info: Any, **args: Any) -> dict[str, Any]:
    shop = _context(info).shop
    terms = search.parse_query(args.get("query"))
    chosen = [
        order
        for order in shop.orders.values()
        if search.matches(terms, _order_fields(order).get, _order_words(order))
    ]
    sort = _ORDER_SORT.get(args.get("sortKey") or "ID", _ORDER_SORT["ID"])
    entries = sorted((((sort(o), o["id"]), o) for o in chosen), key=lambda entry: entry[0])
    page = search.connection(entries, args)
    return _render_page(page, lambda order: order_view(shop, order))


def _render_page(page: dict[str, Any], render: Callable[[Any], dict]) -> dict[str, Any]:
    nodes = [render(node) for node in page["nodes"]]
    edges = [
        {"cursor": edge["cursor"], "node": node}
        for edge, node in zip(page["edges"], nodes, strict=True)
    ]
    return {**page, "nodes": nodes, "edges": edges}


_ORDER_SORT: dict[str, Callable[[dict], Any]] = {
    "ID": lambda o: o["id"],
    "RELEVANCE": lambda o: o["id"],
    "CREATED_AT": lambda o: graphql_time(o["created_at"]),
    "UPDATED_AT": lambda o: graphql_time(o["updated_at"]),
    "PROCESSED_AT": lambda o: graphql_time(o.get("processed_at") or o["created_at"]),
    "ORDER_NUMBER": lambda o: int(o.get("order_number") or 0),
    "TOTAL_PRICE": lambda o: float(money(o.get("total_price"))),
    "FINANCIAL_STATUS": lambda o: o.get("financial_status") or "",
    "FULFILLMENT_STATUS": lambda o: o.get("fulfillment_status") or "",
}


def _order_fields(order: dict[str, Any]) -> dict[str, Any]:
    tags = [tag.strip() for tag in (order.get("tags") or "").split(",") if tag.strip()]
    state = (
        "cancelled"
        if order.get("cancelled_at")
        else ("closed" if order.get("closed_at") else "open")
    )
    return {
        "updated_at": order["updated_at"],
        "created_at": order["created_at"],
        "processed_at": order.get("processed_at"),
        "name": order["name"],
        "email": order.get("email"),
        "financial_status": order.get("financial_status"),
        "fulfillment_status": order.get("fulfillment_status") or "unfulfilled",
        "tag": tags,
        "id": order["id"],
        "status": state,
        "test": bool(order.get("test")),
        "customer_id": (order.get("customer") or {}).get("id"),
    }


def _order_words(order: dict[str, Any]) -> Callable[[str], bool]:
    text = f"{order['name']} {order.get('email') or ''}".lower()
    return lambda word: word.lower().lstrip("#") in text


def _return(_: Any, info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002
    shop = _context(info).shop
    payload = shop.returns.get(_id(id, "Return"))
    return return_view(shop, payload) if payload else None


def _code_discount_by_code(_: Any, info: Any, code: str) -> dict[str, Any] | None:
    shop = _context(info).shop
    discount = discounts.by_code(shop, code)
    return discounts.code_node_view(shop, discount) if discount else None


def _discount_nodes(_: Any, info: Any, **args: Any) -> dict[str, Any]:
    shop = _context(info).shop
    page = search.connection(discounts.listed(shop, args.get("query"), args.get("sortKey")), args)
    return _render_page(page, lambda discount: discounts.discount_node_view(shop, discount))


def _discount_node(_: Any, info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002
    shop = _context(info).shop
    number = parse_gid(id, "DiscountCodeNode") or parse_gid(id, "DiscountNode")
    discount = shop.discounts.get(number or -1)
    return discounts.discount_node_view(shop, discount) if discount else None


def _webhook_subscriptions(_: Any, info: Any, **args: Any) -> dict[str, Any]:
    hub = _context(info).hub
    topics = set(args.get("topics") or ())
    uri = args.get("uri") or args.get("callbackUrl")
    chosen = [
        s
        for s in hub.shop_subscriptions()
        if (not topics or s.enum in topics) and (not uri or s.uri == uri)
    ]
    page = search.connection([((s.id, s.id), s) for s in chosen], args)
    return _render_page(page, lambda subscription: subscription.view())


def _node(_: Any, info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002
    return node_view(_context(info), id)


def _nodes(_: Any, info: Any, ids: list[str]) -> list[dict[str, Any] | None]:
    return [node_view(_context(info), value) for value in ids]


def node_view(context: RequestContext, value: str) -> dict[str, Any] | None:
    """Return the object a global id names, or None."""
    shop, kind, number = context.shop, gid_kind(value), parse_gid(value)
    try:
        if kind == "Order":
            return order_view(shop, shop.order(number))
        if kind == "Refund":
            return refund_view(shop, *shop.refund(number))
        if kind == "Fulfillment":
            return fulfillment_view(shop, *shop.fulfillment(number))
        if kind == "Return":
            return return_view(shop, shop.return_(number))
    except NotFound:
        return None
    if kind == "OrderTransaction":
        for order_id in shop.transactions:
            found = shop.transaction(order_id, number)
            if found:
                return transaction_view(shop, shop.order(order_id), found)
    if kind == "DiscountCodeNode" and number in shop.discounts:
        return discounts.code_node_view(shop, shop.discounts[number])
    if kind == "WebhookSubscription":
        found = next((s for s in context.hub.shop_subscriptions() if s.id == number), None)
        return found.view() if found else None
    return None


# Fields pointing back at the raw order a view came from -----------------------------


def _back_to_order(source: dict[str, Any], info: Any) -> dict[str, Any]:
    return order_view(_context(info).shop, source["_order"])


def _order_refunds(source: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    shop, order = _context(info).shop, source["_order"]
    return [refund_view(shop, order, refund) for refund in order.get("refunds") or ()]


def _order_returns(source: dict[str, Any], info: Any, **_: Any) -> list[dict[str, Any]]:
    shop, order = _context(info).shop, source["_order"]
    return [
        return_view(shop, shop.returns[number])
        for number, record in shop.return_records.items()
        if record.order_id == order["id"]
    ]


def _suggested_refund(source: dict[str, Any], info: Any, **args: Any) -> dict[str, Any]:
    return suggested_refund_view(_context(info).shop, source["_order"], **args)


HANDLERS: dict[tuple[str, str], Handler] = {
    ("QueryRoot", "shop"): _shop,
    ("QueryRoot", "order"): _order,
    ("QueryRoot", "orders"): _orders,
    ("QueryRoot", "return"): _return,
    ("QueryRoot", "codeDiscountNodeByCode"): _code_discount_by_code,
    ("QueryRoot", "discountNodes"): _discount_nodes,
    ("QueryRoot", "discountNode"): _discount_node,
    ("QueryRoot", "webhookSubscriptions"): _webhook_subscriptions,
    ("QueryRoot", "node"): _node,
    ("QueryRoot", "nodes"): _nodes,
    ("Order", "refunds"): _order_refunds,
    ("Order", "returns"): _order_returns,
    ("Order", "suggestedRefund"): _suggested_refund,
    ("Refund", "order"): _back_to_order,
    ("Fulfillment", "order"): _back_to_order,
    ("OrderTransaction", "order"): _back_to_order,
    ("Return", "order"): _back_to_order,
    **{("Mutation", name): handler for name, handler in MUTATIONS.items()},
}
