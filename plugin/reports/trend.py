"""Returns over time: units returned per reason each week or month, against units sold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from plugin.reports.buckets import bucket
from plugin.reports.period import Period
from plugin.reports.rows import TrendRow, rate
from plugin.scope import ShopScope
from plugin.storage.models import OrderLine, ReturnedLine


def return_trend(
    session: Session, scope: ShopScope, period: Period, every: str = "week"
) -> list[TrendRow]:
    """Return each shop's returned units per reason and week (or month) of `period`, in order."""
    dialect = session.get_bind().dialect.name
    returned_table, sold_table = ReturnedLine.__table__.c, OrderLine.__table__.c
    returned_bucket = bucket(returned_table.requested_at, every, dialect).label("start")
    returned: Select[Any] = scope.filter(
        select(
            returned_table.shop_id,
            returned_bucket,
            returned_table.reason,
            func.coalesce(func.sum(returned_table.quantity), 0),
        ).where(
            returned_table.requested_at >= period.since,
            returned_table.requested_at < period.until,
        ),
        returned_table.shop_id,
    ).group_by(returned_table.shop_id, returned_bucket, returned_table.reason)
    sold_bucket = bucket(sold_table.ordered_at, every, dialect).label("start")
    sold: Select[Any] = scope.filter(
        select(sold_table.shop_id, sold_bucket, func.sum(sold_table.quantity)).where(
            sold_table.ordered_at >= period.since,
            sold_table.ordered_at < period.until,
            sold_table.counted.is_(True),
        ),
        sold_table.shop_id,
    ).group_by(sold_table.shop_id, sold_bucket)
    sold_in = {(shop, str(start)): int(units) for shop, start, units in session.execute(sold)}
    rows = [
        TrendRow(
            shop=shop,
            period_start=str(start),
            reason=reason,
            returned_units=int(units),
            sold_units=sold_in.get((shop, str(start)), 0),
            return_rate=rate(int(units), sold_in.get((shop, str(start)), 0)),
        )
        for shop, start, reason, units in session.execute(returned)
    ]
    return sorted(rows, key=lambda row: (row.shop, row.period_start, row.reason))
