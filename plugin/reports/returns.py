"""Return-reason report: units returned by reason, product or SKU, against units sold.

Two GROUP BYs, one per table, joined on the report's key: returned lines by when
they were asked for, order lines by when they were ordered, both in the period
(return rate = returned units / sold units in the same period). The same
statement runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, literal_column, select
from sqlalchemy.orm import Session

from plugin.errors import InvalidInput
from plugin.reports.period import Period
from plugin.reports.rows import ReasonRow
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
    return [_row(row) for row in session.execute(statement).all()]


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
    """Build the report's SELECT: returned units per key, left-joined to sold units per key.

    Its columns are always shop, platform, reason, product id, SKU, title, returned
    units, sold units, lines without quantity (None where `by` does not group).
    The join is on plain columns (a NULL product is keyed ""), so SQLite can build
    an index for it as PostgreSQL hashes it.
    """
    keys = _KEYS[by]
    returned = _returned(scope, period, keys, reasons).subquery("returned")
    sold = _sold(scope, period, keys).subquery("sold")
    joined = returned.outerjoin(
        sold,
        and_(
            sold.c.shop_id == returned.c.shop_id,
            *(sold.c[f"{k}_key"] == returned.c[f"{k}_key"] for k in keys),
        ),
    )
    nothing = literal(None)
    return (
        select(
            returned.c.shop_id,
            returned.c.platform,
            returned.c.reason,
            returned.c.product_id if "product_id" in keys else nothing,
            returned.c.sku if "sku" in keys else nothing,
            func.coalesce(returned.c.title, sold.c.title) if keys else nothing,
            returned.c.returned_units,
            func.coalesce(sold.c.sold_units, literal_column("0")),
            returned.c.without_quantity,
        )
        .select_from(joined)
        .order_by(
            returned.c.shop_id,
            returned.c.returned_units.desc(),
            returned.c.reason,
            *(returned.c[k] for k in keys),
        )
    )


def _key_columns(table: Any, keys: tuple[str, ...]) -> list[Any]:
    # constants written into the SQL, not bound: SQLite plans the join on them
    return [func.coalesce(table[k], literal_column("''")).label(f"{k}_key") for k in keys]


def _returned(
    scope: ShopScope, period: Period, keys: tuple[str, ...], reasons: Collection[str] | None
) -> Select[Any]:
    table = ReturnedLine.__table__.c
    grouped = [table.shop_id, table.platform, table.reason, *(table[k] for k in keys)]
    query = select(
        *grouped,
        *_key_columns(table, keys),
        *([func.max(table.title).label("title")] if keys else []),
        func.coalesce(func.sum(table.quantity), literal_column("0")).label("returned_units"),
        func.sum(
            case((table.quantity.is_(None), literal_column("1")), else_=literal_column("0"))
        ).label("without_quantity"),
    ).where(table.requested_at >= period.since, table.requested_at < period.until)
    if reasons is not None:
        query = query.where(table.reason.in_(list(reasons)))
    return scope.filter(query, table.shop_id).group_by(*grouped)


def _sold(scope: ShopScope, period: Period, keys: tuple[str, ...]) -> Select[Any]:
    table = OrderLine.__table__.c
    grouped = [table.shop_id, *(table[k] for k in keys)]
    query = select(
        *grouped,
        *_key_columns(table, keys),
        *([func.max(table.title).label("title")] if keys else []),
        func.sum(table.quantity).label("sold_units"),
    ).where(
        table.ordered_at >= period.since,
        table.ordered_at < period.until,
        table.counted.is_(True),
    )
    return scope.filter(query, table.shop_id).group_by(*grouped)


def _row(row: Any) -> ReasonRow:
    shop, platform, reason, product_id, sku, title, returned, sold, without = row
    returned, sold = int(returned), int(sold)
    share = round(returned / sold, 4) if sold else None  # rows.rate, inline: rows are many
    return ReasonRow(
        shop, platform, reason, product_id, sku, title, returned, sold, share, int(without or 0)
    )
