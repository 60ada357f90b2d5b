"""Discount codes: created once per code, looked up by code, listed with search.

Codes are unique per shop, case-insensitively; a clash is a userError with code
TAKEN on the `code` field and nothing is created (platforms/shopify.md §3.1 leaves
TAKEN vs DUPLICATE open; TAKEN is what the reference operations expect). The schema
marks every input field nullable, so "required" fields are checked here, as Shopify
checks them server-side.
"""

from __future__ import annotations

from typing import Any

from sandboxes.shopify import search
from sandboxes.shopify.formats import (
    gid,
    graphql_time,
    money,
    money_v2,
    parse_gid,
    parse_time,
)
from sandboxes.shopify.store import SandboxShop
from sandboxes.shopify.views import customer_view

BASIC = "DiscountCodeBasic"
FREE_SHIPPING = "DiscountCodeFreeShipping"


def _error(argument: str, name: str, code: str, message: str) -> dict[str, Any]:
    return {"field": [argument, name], "code": code, "message": message, "extraInfo": None}


def create(
    shop: SandboxShop, kind: str, argument: str, given: dict[str, Any]
) -> tuple[dict | None, list]:
    """Create a code discount of `kind` from its input; return (discount, userErrors)."""
    errors = _problems(shop, kind, argument, given)
    if errors:
        return None, errors
    now = graphql_time(shop.now())
    number = shop.next_id()
    discount = {
        "id": number,
        "kind": kind,
        "code_id": shop.next_id(),
        "input": given,
        "created_at": now,
        "updated_at": now,
    }
    shop.discounts[number] = discount
    return discount, []


def _problems(shop: SandboxShop, kind: str, argument: str, given: dict[str, Any]) -> list[dict]:
    errors = []
    for name, label in (("title", "Title"), ("code", "Code"), ("startsAt", "Starts at")):
        if given.get(name) in (None, ""):
            errors.append(_error(argument, name, "BLANK", f"{label} can't be blank"))
    if kind == BASIC and not given.get("customerGets"):
        errors.append(_error(argument, "customerGets", "BLANK", "Customer gets can't be blank"))
    percentage = ((given.get("customerGets") or {}).get("value") or {}).get("percentage")
    if percentage is not None and not 0 <= percentage <= 1:
        errors.append(
            _error(
                argument, "customerGets", "VALUE_OUTSIDE_RANGE", "Value must be between 0.0 and 1.0"
            )
        )
    starts, ends = parse_time(given.get("startsAt")), parse_time(given.get("endsAt"))
    if starts and ends and ends <= starts:
        errors.append(
            _error(
                argument,
                "endsAt",
                "END_DATE_BEFORE_START_DATE",
                "Ends at needs to be after starts_at",
            )
        )
    if given.get("usageLimit") is not None and given["usageLimit"] < 1:
        errors.append(
            _error(argument, "usageLimit", "GREATER_THAN", "Usage limit must be greater than 0")
        )
    if given.get("code") and by_code(shop, given["code"]) is not None:
        errors.append(
            _error(argument, "code", "TAKEN", "Code must be unique. Please try a different code.")
        )
    return errors


def by_code(shop: SandboxShop, code: str) -> dict[str, Any] | None:
    """Return the discount redeemed with `code` (case-insensitive), or None."""
    wanted = code.strip().lower()
    return next((d for d in shop.discounts.values() if d["input"]["code"].lower() == wanted), None)


def status(shop: SandboxShop, discount: dict[str, Any]) -> str:
    """Return ACTIVE, SCHEDULED or EXPIRED at the sandbox's now."""
    now = shop.now()
    starts, ends = (
        parse_time(discount["input"].get("startsAt")),
        parse_time(discount["input"].get("endsAt")),
    )
    if starts and now < starts:
        return "SCHEDULED"
    if ends and now >= ends:
        return "EXPIRED"
    return "ACTIVE"


def code_node_view(shop: SandboxShop, discount: dict[str, Any]) -> dict[str, Any]:
    """Return the DiscountCodeNode of a discount."""
    return {
        "__typename": "DiscountCodeNode",
        "id": gid("DiscountCodeNode", discount["id"]),
        "codeDiscount": discount_view(shop, discount),
    }


def discount_node_view(shop: SandboxShop, discount: dict[str, Any]) -> dict[str, Any]:
    """Return the DiscountNode of a discount (the same id as its DiscountCodeNode)."""
    return {
        "__typename": "DiscountNode",
        "id": gid("DiscountCodeNode", discount["id"]),
        "discount": discount_view(shop, discount),
    }


def discount_view(shop: SandboxShop, discount: dict[str, Any]) -> dict[str, Any]:
    """Return the DiscountCodeBasic or DiscountCodeFreeShipping object."""
    given = discount["input"]
    combines = given.get("combinesWith") or {}
    view = {
        "__typename": discount["kind"],
        "title": given["title"],
        "status": status(shop, discount),
        "summary": _summary(discount),
        "shortSummary": _summary(discount),
        "startsAt": graphql_time(given.get("startsAt")),
        "endsAt": graphql_time(given.get("endsAt")),
        "usageLimit": given.get("usageLimit"),
        "appliesOncePerCustomer": bool(given.get("appliesOncePerCustomer")),
        "asyncUsageCount": 0,
        "recurringCycleLimit": given.get("recurringCycleLimit"),
        "tags": list(given.get("tags") or []),
        "createdAt": discount["created_at"],
        "updatedAt": discount["updated_at"],
        "hasTimelineComment": False,
        "shareableUrls": [],
        "totalSales": None,
        "minimumRequirement": None,
        "codes": [
            {
                "id": gid("DiscountRedeemCode", discount["code_id"]),
                "code": given["code"],
                "asyncUsageCount": 0,
            }
        ],
        "codesCount": {"count": 1, "precision": "EXACT"},
        "combinesWith": {
            key: bool(combines.get(key))
            for key in (
                "orderDiscounts",
                "productDiscounts",
                "shippingDiscounts",
                "productDiscountsWithTagsOnSameCartLine",
            )
        },
        "context": _context_view(shop, given),
        "discountClasses": ["SHIPPING"] if discount["kind"] == FREE_SHIPPING else ["ORDER"],
    }
    if discount["kind"] == BASIC:
        view["customerGets"] = _customer_gets_view(shop, given.get("customerGets") or {})
    else:
        view.update(_free_shipping_view(shop, given))
    return view


def _context_view(shop: SandboxShop, given: dict[str, Any]) -> dict[str, Any]:
    context = given.get("context") or given.get("customerSelection") or {}
    if (context.get("customers") or {}).get("add"):
        return {
            "__typename": "DiscountCustomers",
            "customers": [_customer(shop, value) for value in context["customers"]["add"]],
        }
    if (context.get("customerSegments") or {}).get("add"):
        segments = [{"id": value, "name": value} for value in context["customerSegments"]["add"]]
        return {"__typename": "DiscountCustomerSegments", "segments": segments}
    return {"__typename": "DiscountBuyerSelectionAll", "all": "ALL"}


def _customer(shop: SandboxShop, value: str) -> dict[str, Any]:
    number = parse_gid(value, "Customer")
    known = shop.customer(number) if number else None
    if known:
        return customer_view(shop, known, known.get("_locale"))
    return {"__typename": "Customer", "id": value, "legacyResourceId": str(number or "")}


def _customer_gets_view(shop: SandboxShop, gets: dict[str, Any]) -> dict[str, Any]:
    value = gets.get("value") or {}
    if value.get("discountAmount"):
        amount = value["discountAmount"]
        value_view = {
            "__typename": "DiscountAmount",
            "amount": money_v2(money(amount.get("amount")), shop.currency),
            "appliesOnEachItem": bool(amount.get("appliesOnEachItem")),
        }
    else:
        value_view = {
            "__typename": "DiscountPercentage",
            "percentage": value.get("percentage") or 0.0,
        }
    items = gets.get("items") or {"all": True}
    if items.get("all"):
        items_view = {"__typename": "AllDiscountItems", "allItems": True}
    elif items.get("collections"):
        items_view = {"__typename": "DiscountCollections", "collections": []}
    else:
        items_view = {"__typename": "DiscountProducts", "products": [], "productVariants": []}
    return {
        "value": value_view,
        "items": items_view,
        "appliesOnOneTimePurchase": gets.get("appliesOnOneTimePurchase", True) is not False,
        "appliesOnSubscription": bool(gets.get("appliesOnSubscription")),
    }


def _free_shipping_view(shop: SandboxShop, given: dict[str, Any]) -> dict[str, Any]:
    destination = given.get("destination") or {"all": True}
    countries = destination.get("countries")
    if countries:
        selection = {
            "__typename": "DiscountCountries",
            "countries": list(countries.get("add") or []),
            "includeRestOfWorld": bool(countries.get("includeRestOfWorld")),
        }
    else:
        selection = {"__typename": "DiscountCountryAll", "allCountries": True}
    cap = given.get("maximumShippingPrice")
    return {
        "destinationSelection": selection,
        "maximumShippingPrice": money_v2(money(cap), shop.currency) if cap is not None else None,
        "appliesOnOneTimePurchase": given.get("appliesOnOneTimePurchase", True) is not False,
        "appliesOnSubscription": bool(given.get("appliesOnSubscription")),
    }


def _summary(discount: dict[str, Any]) -> str:
    given = discount["input"]
    if discount["kind"] == FREE_SHIPPING:
        head = "Free shipping on all products"
    else:
        value = (given.get("customerGets") or {}).get("value") or {}
        if value.get("discountAmount"):
            head = f"{value['discountAmount'].get('amount')} off entire order"
        else:
            head = f"{round((value.get('percentage') or 0) * 100, 2):g}% off entire order"
    parts = [head]
    if given.get("appliesOncePerCustomer"):
        parts.append("One use per customer")
    return " • ".join(parts)


def listed(shop: SandboxShop, query: str | None, sort_key: str | None) -> list[tuple[tuple, dict]]:
    """Return (sort key, discount) for the discounts matching a search, in sort order."""
    terms = search.parse_query(query)
    chosen = [
        discount
        for discount in shop.discounts.values()
        if search.matches(terms, _search_fields(shop, discount).get, _words_of(discount))
    ]
    keys = {
        "TITLE": lambda d: d["input"]["title"],
        "CREATED_AT": lambda d: d["created_at"],
        "UPDATED_AT": lambda d: d["updated_at"],
        "STARTS_AT": lambda d: graphql_time(d["input"].get("startsAt")) or "",
        "ENDS_AT": lambda d: graphql_time(d["input"].get("endsAt")) or "",
    }
    value = keys.get(sort_key or "ID", lambda d: d["id"])
    return sorted((((value(d), d["id"]), d) for d in chosen), key=lambda entry: entry[0])


def _search_fields(shop: SandboxShop, discount: dict[str, Any]) -> dict[str, Any]:
    given = discount["input"]
    kind = "free_shipping" if discount["kind"] == FREE_SHIPPING else "basic"
    return {
        "code": given["code"],
        "title": given["title"],
        "status": status(shop, discount).lower(),
        "discount_type": kind,
        "type": kind,
        "starts_at": given.get("startsAt"),
        "ends_at": given.get("endsAt"),
        "created_at": discount["created_at"],
        "id": discount["id"],
    }


def _words_of(discount: dict[str, Any]):  # noqa: ANN202
    text = f"{discount['input']['title']} {discount['input']['code']}".lower()
    return lambda word: word.lower() in text
