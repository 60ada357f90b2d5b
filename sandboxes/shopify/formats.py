"""How Shopify spells ids, money and time, in webhooks (REST) and in GraphQL.

REST payloads carry numeric ids plus `admin_graphql_api_id`, money as two-decimal
strings ("4.90") in `*_set` bags with `shop_money`/`presentment_money`, and times with
an offset. GraphQL carries global ids, `Decimal` amounts as Ruby prints them ("4.9",
"25.0") in MoneyBags with `shopMoney`, and UTC times ending in "Z".
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")


def gid(kind: str, number: int | str) -> str:
    """Return the global id of a resource, e.g. gid://shopify/Order/5001."""
    return f"gid://shopify/{kind}/{number}"


def parse_gid(value: Any, kind: str | None = None) -> int | None:
    """Return the numeric id inside a global id (of `kind`, if given); None if it is not one."""
    if not isinstance(value, str) or not value.startswith("gid://shopify/"):
        return None
    parts = value[len("gid://shopify/") :].split("?")[0].split("/")
    if len(parts) != 2 or (kind is not None and parts[0] != kind) or not parts[1].isdigit():
        return None
    return int(parts[1])


def gid_kind(value: Any) -> str | None:
    """Return the resource type named in a global id, or None."""
    if parse_gid(value) is None:
        return None
    return value[len("gid://shopify/") :].split("/")[0]


def money(value: Any) -> Decimal:
    """Read an amount as Shopify sends it (string, number or None) as a Decimal."""
    if value in (None, ""):
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {value!r}") from error


def rest_amount(amount: Decimal) -> str:
    """Spell an amount as REST payloads do: "4.90"."""
    return str(amount.quantize(CENT))


def graphql_amount(amount: Decimal) -> str:
    """Spell an amount as GraphQL `Decimal` does: "4.9", "25.0"."""
    text = format(amount.quantize(CENT).normalize(), "f")
    return text if "." in text else f"{text}.0"


def rest_money_set(amount: Decimal, currency: str) -> dict[str, Any]:
    """Return a REST `*_set` money bag."""
    money_value = {"amount": rest_amount(amount), "currency_code": currency}
    return {"shop_money": money_value, "presentment_money": dict(money_value)}


def money_v2(amount: Decimal, currency: str) -> dict[str, Any]:
    """Return a GraphQL MoneyV2."""
    return {"amount": graphql_amount(amount), "currencyCode": currency}


def money_bag(amount: Decimal, currency: str) -> dict[str, Any]:
    """Return a GraphQL MoneyBag (shop and presentment money are the same here)."""
    return {"shopMoney": money_v2(amount, currency), "presentmentMoney": money_v2(amount, currency)}


def set_amount(money_set: Any) -> Decimal:
    """Return the shop-money amount of a REST `*_set` bag (0 when absent)."""
    shop_money = (money_set or {}).get("shop_money") or {}
    return money(shop_money.get("amount"))


def parse_time(value: Any) -> datetime | None:
    """Read an ISO-8601 time (with Z or an offset, or a bare date); None if unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rest_time(moment: datetime) -> str:
    """Spell a time as REST payloads do, with an offset: 2026-11-22T10:00:00+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def graphql_time(value: Any) -> str | None:
    """Spell a time as GraphQL `DateTime` does: 2026-11-22T10:00:00Z."""
    moment = parse_time(value)
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def triggered_at(moment: datetime) -> str:
    """Spell a time as the X-Shopify-Triggered-At header does: milliseconds and Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )
