"""Record what came back, line by line, from returns and refunds of both platforms.

Every return is kept, whatever its reason: a size or a change of mind opens no
incident, and is still what a merchant's return report is made of. Writes are
upserts on (shop, record, line), so a retried or repeated delivery changes
nothing; a record first seen without its lines ("*", quantity unknown) is
replaced once its lines are known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, delete, exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert, Update

from plugin.clock import clock_of
from plugin.events import RefundRecorded, ReturnLine, ReturnRequested, ReturnStatusChanged
from plugin.returns import REFUND, RETURN, WHOLE
from plugin.storage.models import OrderLine, ReturnedLine, Shop
from plugin.storage.upsert import conflict_insert

_KEY = ("shop_id", "source_type", "source_id", "line_key")
_PRODUCT = ("product_id", "variant_id", "sku", "title")


def record_return(session: Session, shop_id: int, event: ReturnRequested) -> int:
    """Keep every line of a return; return how many rows it has."""
    when = event.requested_at or clock_of(session).now()
    source = (RETURN, event.return_id)
    return _record(session, shop_id, event.order_id, source, event.lines, when, None)


def record_refund(session: Session, shop_id: int, event: RefundRecorded) -> int:
    """Keep the lines a refund gave back; nothing for a refund of a return or of no goods.

    A refund settling a return repeats the return's lines (the return says why);
    one that names no lines (a WooCommerce order's `refunds[]`) is kept whole, its
    quantity unknown; one of shipping or an amount only gave no goods back.
    """
    if event.return_id is not None or event.lines == ():
        return 0
    lines = event.lines or (ReturnLine(None, None, event.reason, event.reason_text),)
    when = event.refunded_at or clock_of(session).now()
    source = (REFUND, event.refund_id)
    return _record(session, shop_id, event.order_id, source, lines, when, when)


def mark_received(session: Session, shop_id: int, event: ReturnStatusChanged) -> None:
    """Note when a closed return's goods were taken back."""
    if event.status != "closed":
        return
    session.execute(
        update(ReturnedLine)
        .where(
            ReturnedLine.shop_id == shop_id,
            ReturnedLine.source_type == RETURN,
            ReturnedLine.source_id == event.return_id,
            ReturnedLine.received_at.is_(None),
        )
        .values(received_at=clock_of(session).now())
    )


def complete_from_order(session: Session, shop_id: int, order_id: str) -> None:
    """Fill the product of returned lines from their order's lines, where it was unknown."""
    session.execute(_completion(), {"of_shop": shop_id, "of_order": order_id})


@cache
def _completion() -> Update:
    """Build once the update that completes returned lines from their order's lines.

    The worker runs it for every order state that has lines.
    """
    stored = ReturnedLine.__table__.c
    line = OrderLine.__table__.c

    def from_order(column: str) -> Any:
        return (
            select(line[column])
            .where(
                line.shop_id == stored.shop_id,
                line.platform_order_id == stored.platform_order_id,
                line.line_item_id == stored.line_item_id,
            )
            .scalar_subquery()
        )

    known = and_(*(stored[column].is_not(None) for column in _PRODUCT))
    return (
        update(cast(Table, ReturnedLine.__table__))
        .where(
            # Named apart from the columns: in an UPDATE, a parameter named as a
            # column would set that column.
            stored.shop_id == bindparam("of_shop"),
            stored.platform_order_id == bindparam("of_order"),
            stored.line_item_id.is_not(None),
            ~known,
        )
        .values({column: func.coalesce(stored[column], from_order(column)) for column in _PRODUCT})
    )


def _merged(lines: Sequence[ReturnLine]) -> dict[str, ReturnLine]:
    """Join lines naming the same order line (their quantities add up; unknown stays unknown)."""
    merged: dict[str, ReturnLine] = {}
    for line in lines:
        key = line.line_item_id or WHOLE
        first = merged.get(key)
        if first is None:
            merged[key] = line
        else:
            merged[key] = replace(first, quantity=_sum(first.quantity, line.quantity))
    return merged


def _sum(one: int | None, other: int | None) -> int | None:
    return None if one is None or other is None else one + other


def _record(
    session: Session,
    shop_id: int,
    order_id: str,
    source: tuple[str, str],
    lines: Sequence[ReturnLine],
    requested_at: datetime,
    received_at: datetime | None,
) -> int:
    merged = _merged(lines)
    source_type, source_id = source
    record = {"of_shop": shop_id, "of_type": source_type, "of_source": source_id}
    if any(key != WHOLE for key in merged):
        merged.pop(WHOLE, None)
        session.execute(_DROP_WHOLE, record)
    elif session.execute(_HAS_LINES, record).scalar():
        return 0  # its lines are known already: a repeat without them adds nothing
    shop = session.get(Shop, shop_id)
    now = clock_of(session).now()
    rows = [
        {
            "shop_id": shop_id,
            "platform": shop.platform if shop else "unknown",
            "platform_order_id": order_id,
            "source_type": source_type,
            "source_id": source_id,
            "line_key": key,
            "line_item_id": line.line_item_id,
            "product_id": line.product_id,
            "variant_id": line.variant_id,
            "sku": line.sku,
            "title": line.title,
            "reason": line.reason,
            "reason_text": line.reason_text,
            "quantity": line.quantity,
            "requested_at": requested_at,
            "received_at": received_at,
            "created_at": now,
            "updated_at": now,
        }
        for key, line in merged.items()
    ]
    _upsert(session, rows)
    complete_from_order(session, shop_id, order_id)
    return len(rows)


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    session.execute(_upsert_lines(session.get_bind().dialect.name), rows)


@cache
def _upsert_lines(dialect: str) -> Insert:
    """Build once the upsert of a record's lines: the worker runs it for each return and refund."""
    statement = conflict_insert(dialect, _TABLE)
    kept_first = ("requested_at", "created_at")
    changes = {
        name: func.coalesce(statement.excluded[name], _TABLE.c[name])
        if name in (*_PRODUCT, "received_at")
        else statement.excluded[name]
        for name in _COLUMNS
        if name not in (*_KEY, *kept_first)
    }
    return statement.on_conflict_do_update(index_elements=list(_KEY), set_=changes)


_TABLE = cast(Table, ReturnedLine.__table__)
# What a record's rows hold, in the order they are written.
_COLUMNS = (
    "shop_id",
    "platform",
    "platform_order_id",
    "source_type",
    "source_id",
    "line_key",
    "line_item_id",
    "product_id",
    "variant_id",
    "sku",
    "title",
    "reason",
    "reason_text",
    "quantity",
    "requested_at",
    "received_at",
    "created_at",
    "updated_at",
)
# One record's rows (named apart from the columns, as in _completion); built once.
_OF_RECORD = (
    _TABLE.c.shop_id == bindparam("of_shop"),
    _TABLE.c.source_type == bindparam("of_type"),
    _TABLE.c.source_id == bindparam("of_source"),
)
# The row standing for a record whose lines were not known, once they are.
_DROP_WHOLE = delete(_TABLE).where(*_OF_RECORD, _TABLE.c.line_key == WHOLE)
# Whether a record's lines are known.
_HAS_LINES = select(exists().where(*_OF_RECORD, _TABLE.c.line_key != WHOLE))
