"""Keep each order's lines in their own table, so sold units are a SQL sum.

The lines are written from the newest order state only (the caller has stored it
and knows it was newer), and a line the order no longer has is dropped. A field
a later state leaves out (the reconcile query reads no prices) keeps what an
earlier state said. Returns that arrived before their order are completed here,
once the order says which product each returned line was.

Most states of an order (paid, shipped, delivered) bring the lines the previous
one did. Those are read first and nothing is written when the state would leave
them as they are: one query instead of three statements. Nothing is then left to
complete either, as a return recorded after the lines completes itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from plugin.clock import clock_of
from plugin.events import OrderChanged
from plugin.returns.record import complete_from_order
from plugin.storage.models import OrderLine, Shop
from plugin.storage.upsert import conflict_insert

# Order statuses that are no sale: their lines are kept, and not counted as sold.
NOT_SOLD = frozenset({"cancelled", "trash", "failed", "checkout-draft"})
_KEY = ("shop_id", "platform_order_id", "line_item_id")
_KEPT_WHEN_MISSING = ("product_id", "variant_id", "sku", "title", "price", "currency")
_COLUMNS = (
    "shop_id",
    "platform",
    "platform_order_id",
    "line_item_id",
    "product_id",
    "variant_id",
    "sku",
    "title",
    "quantity",
    "price",
    "currency",
    "ordered_at",
    "counted",
    "created_at",
    "updated_at",
)


def record_order_lines(session: Session, shop_id: int, event: OrderChanged) -> int:
    """Write the order's lines as `event` shows them; return how many it has."""
    if not event.line_items:
        return 0  # a state without lines says nothing about them
    shop = session.get(Shop, shop_id)
    platform = shop.platform if shop else "unknown"
    now = clock_of(session).now()
    rows = [
        {
            "shop_id": shop_id,
            "platform": platform,
            "platform_order_id": event.order_id,
            "line_item_id": line.line_item_id,
            "product_id": line.product_id,
            "variant_id": line.variant_id,
            "sku": line.sku,
            "title": line.title,
            "quantity": line.quantity,
            "price": line.price,
            "currency": event.currency,
            "ordered_at": event.placed_at or event.updated_at or now,
            "counted": (event.status or "") not in NOT_SOLD,
            "created_at": now,
            "updated_at": now,
        }
        for line in event.line_items
    ]
    stored = session.execute(_STORED, {"shop_id": shop_id, "order_id": event.order_id}).all()
    if _unchanged(stored, rows):
        return len(rows)
    dialect = session.get_bind().dialect.name
    session.execute(_upsert_lines(dialect), rows)
    kept = [line.line_item_id for line in event.line_items]
    session.execute(_DROP_OTHERS, {"shop_id": shop_id, "order_id": event.order_id, "kept": kept})
    complete_from_order(session, shop_id, event.order_id)
    return len(rows)


def _unchanged(stored: Sequence[Any], rows: list[dict[str, Any]]) -> bool:
    """Tell whether writing `rows` would leave the `stored` lines as they are.

    A stored line keeps a field the new one leaves out (the upsert's coalesce);
    its times of writing are not compared.
    """
    held = {line.line_item_id: line._mapping for line in stored}
    if set(held) != {row["line_item_id"] for row in rows}:
        return False
    return all(_same(held[row["line_item_id"]], row) for row in rows)


def _same(line: Mapping[str, Any], row: dict[str, Any]) -> bool:
    for name in _COMPARED:
        new = row[name]
        if new != line[name] and not (new is None and name in _KEPT_WHEN_MISSING):
            return False
    return True


@cache
def _upsert_lines(dialect: str) -> Insert:
    """Build once the upsert of an order's lines: the worker runs it for every order state."""
    statement = conflict_insert(dialect, _TABLE)
    changes = {
        name: func.coalesce(statement.excluded[name], _TABLE.c[name])
        if name in _KEPT_WHEN_MISSING
        else statement.excluded[name]
        for name in _COLUMNS
        if name not in (*_KEY, "created_at")
    }
    return statement.on_conflict_do_update(index_elements=list(_KEY), set_=changes)


_TABLE = cast(Table, OrderLine.__table__)
# What a write of the lines sets, but for the key and the times of writing.
_COMPARED = tuple(name for name in _COLUMNS if name not in (*_KEY, "created_at", "updated_at"))
# An order's lines as stored; built once, the worker reads them for every order state.
_STORED = select(_TABLE.c.line_item_id, *(_TABLE.c[name] for name in _COMPARED)).where(
    _TABLE.c.shop_id == bindparam("shop_id"), _TABLE.c.platform_order_id == bindparam("order_id")
)
# The lines an order no longer has: those not among the ones it was just given.
_DROP_OTHERS = delete(_TABLE).where(
    _TABLE.c.shop_id == bindparam("shop_id"),
    _TABLE.c.platform_order_id == bindparam("order_id"),
    _TABLE.c.line_item_id.not_in(bindparam("kept", expanding=True)),
)


def uncount_order(session: Session, shop_id: int, order_id: str) -> None:
    """Stop counting an order's lines as sold (it went to the trash)."""
    session.execute(
        update(OrderLine)
        .where(OrderLine.shop_id == shop_id, OrderLine.platform_order_id == order_id)
        .values(counted=False, updated_at=clock_of(session).now())
    )
