"""Return-reason report: units returned by reason, product or SKU, against units sold.

Two GROUP BYs, one per table, joined on the report's key: returned lines by when
they were asked for, order lines by when they were ordered, both in the period
(return rate = returned units / sold units in the same period). The same
statement runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from plugin.errors import InvalidInput
from plugin.reports.period import Period
from plugin.reports.rows import ReasonRow, rate
from plugin.scope import ShopScope
from plugin.storage.models import OrderLine, ReturnedLine

GROUPINGS = ("reason", "product", "sku")
# The columns each grouping adds to (shop, platform, reason).
_KEYS = {"reason": (), "product": ("product_id",), "sku": ("product_id", "sku")}


def return_reasons(
    session: Session,
    scope: ShopScope,
    period: Period,
    by: str = "reason",
    reasons: Collection[str] | None = None,
    limit: int | None = None,
) -> list[ReasonRow]:
    """Return units returned per reason (and product or SKU, `by`) in `period`, per shop.

    Rows come most returned first. `reasons` keeps only those reasons.
    """
    if by not in GROUPINGS:
        raise InvalidInput(f"cannot report by {by!r}; choose one of {', '.join(GROUPINGS)}")
    statement = report_statement(scope, period, by, reasons)
    if limit is not None:
        statement = statement.limit(limit)
    return [_row(row, by) for row in session.execute(statement)]


def top_defective(
    session: Session, scope: ShopScope, period: Period, limit: int = 10
) -> list[ReasonRow]:
    """Return the products most returned as defective in `period`, most first."""
    return return_reasons(session, scope, period, "product", ("defective",), limit)


def sold_units(
    session: Session, scope: ShopScope, period: Period, by: str = "reason"
) -> dict[tuple[int | None, str | None, str | None], int]:
    """Return units sold in `period` per (shop, product id, SKU), as far as `by` tells them."""
    keys = _KEYS[by]
    found: dict[tuple[int | None, str | None, str | None], int] = {}
    for row in session.execute(_sold(scope, period, keys)):
        values = row._mapping
        key = (values["shop_id"], values.get("product_id"), values.get("sku"))
        found[key] = int(values["sold_units"])
    return found


def report_statement(
    scope: ShopScope, period: Period, by: str, reasons: Collection[str] | None = None
) -> Select[Any]:
    """Build the report's SELECT: returned units per key, left-joined to sold units per key."""
    keys = _KEYS[by]
    returned = _returned(scope, period, keys, reasons).subquery("returned")
    sold = _sold(scope, period, keys).subquery("sold")
    joined = returned.outerjoin(
        sold,
        and_(
            sold.c.shop_id == returned.c.shop_id,
            *(func.coalesce(sold.c[k], "") == func.coalesce(returned.c[k], "") for k in keys),
        ),
    )
    product_columns = [returned.c[k] for k in keys]
    return (
        select(
            returned.c.shop_id,
            returned.c.platform,
            returned.c.reason,
            *product_columns,
            (func.coalesce(returned.c.title, sold.c.title) if keys else literal(None)).label(
                "title"
            ),
            returned.c.returned_units,
            func.coalesce(sold.c.sold_units, 0).label("sold_units"),
            returned.c.without_quantity,
        )
        .select_from(joined)
        .order_by(
            returned.c.shop_id,
            returned.c.returned_units.desc(),
            returned.c.reason,
            *product_columns,
        )
    )


def _returned(
    scope: ShopScope, period: Period, keys: tuple[str, ...], reasons: Collection[str] | None
) -> Select[Any]:
    table = ReturnedLine.__table__.c
    grouped = [table.shop_id, table.platform, table.reason, *(table[k] for k in keys)]
    query = select(
        *grouped,
        *([func.max(table.title).label("title")] if keys else []),
        func.coalesce(func.sum(table.quantity), 0).label("returned_units"),
        func.sum(case((table.quantity.is_(None), 1), else_=0)).label("without_quantity"),
    ).where(table.requested_at >= period.since, table.requested_at < period.until)
    if reasons is not None:
        query = query.where(table.reason.in_(list(reasons)))
    return scope.filter(query, table.shop_id).group_by(*grouped)


def _sold(scope: ShopScope, period: Period, keys: tuple[str, ...]) -> Select[Any]:
    table = OrderLine.__table__.c
    grouped = [table.shop_id, *(table[k] for k in keys)]
    query = select(
        *grouped,
        *([func.max(table.title).label("title")] if keys else []),
        func.sum(table.quantity).label("sold_units"),
    ).where(
        table.ordered_at >= period.since,
        table.ordered_at < period.until,
        table.counted.is_(True),
    )
    return scope.filter(query, table.shop_id).group_by(*grouped)


def _row(row: Any, by: str) -> ReasonRow:
    values = row._mapping
    returned, sold = int(values["returned_units"]), int(values["sold_units"])
    return ReasonRow(
        shop=values["shop_id"],
        platform=values["platform"],
        reason=values["reason"],
        product_id=values.get("product_id"),
        sku=values.get("sku"),
        title=values["title"],
        returned_units=returned,
        sold_units=sold,
        return_rate=rate(returned, sold),
        returns_without_quantity=int(values["without_quantity"] or 0),
    )
