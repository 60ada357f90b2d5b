"""Period over period: each row of a report beside the same row of the period before."""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.reports.period import Period
from plugin.reports.returns import return_reasons, sold_units
from plugin.reports.rows import ComparedRow, ReasonRow, rate
from plugin.scope import ShopScope


def _key(row: ReasonRow) -> tuple:
    return (row.shop, row.reason, row.product_id, row.sku)


def period_over_period(
    session: Session, scope: ShopScope, period: Period, by: str = "reason"
) -> list[ComparedRow]:
    """Return the report of `period` with, on each row, the period before's figures.

    A row of the period before with no returns now is left out: what is asked is
    how this period's returns moved.
    """
    previous = period.previous()
    before = {_key(row): row for row in return_reasons(session, scope, previous, by)}
    sold_before = sold_units(session, scope, previous, by)
    compared = []
    for row in return_reasons(session, scope, period, by):
        earlier = before.get(_key(row))
        returned = earlier.returned_units if earlier else 0
        sold = sold_before.get((row.shop, row.product_id, row.sku), 0)
        compared.append(ComparedRow(row, returned, sold, rate(returned, sold)))
    return compared
