"""Record order states so that an older delivery never overwrites a newer one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Row, bindparam, select, update
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.events import LineItem, OrderChanged, OrderTrashed, Shipment
from plugin.orders.locks import lock_order
from plugin.platforms import ChangedOrder
from plugin.storage.models import FIRST_NAME_LENGTH, Order
from plugin.storage.upsert import upsert_newer


def record_order_state(
    session: Session,
    shop_id: int,
    event: OrderChanged,
    also: Mapping[str, Any] | None = None,
    returning: tuple[ColumnElement[Any], ...] = (),
) -> Row[Any] | None:
    """Store `event` as the order's state unless a newer one is stored; None when not.

    `also` holds columns written with the state, and only with it (the time the
    scheduler checks that the order shipped, which follows from the state). The
    row returned holds the order's id, then what the `returning` expressions on the
    stored order read in the same statement.
    """
    lock_order(session, shop_id, event.order_id)  # then complete what a return opened
    now = clock_of(session).now()
    values = {
        "shop_id": shop_id,
        "platform_order_id": event.order_id,
        "name": event.name,
        "status": event.status,
        "financial_status": event.financial_status,
        "fulfillment_status": event.fulfillment_status,
        "customer_email": event.customer_email,
        "customer_locale": event.customer_locale,
        "customer_first_name": (event.customer_first_name or "")[:FIRST_NAME_LENGTH] or None,
        "currency": event.currency,
        "total_price": event.total_price,
        "placed_at": event.placed_at,
        "paid_at": event.paid_at,
        "platform_updated_at": event.updated_at,
        "line_items": {"lines": [_flat(line) for line in event.line_items]},
        "shipping_total": event.shipping_total,
        "shipments": {"parcels": [_shipment(parcel) for parcel in event.shipments]},
        "created_at": now,
        "updated_at": now,
        **(also or {}),
    }
    key = ("shop_id", "platform_order_id")
    version = "platform_updated_at"
    return upsert_newer(session, Order, values, key, version=version, returning=returning)


# The status of an order in the store's trash: what a trashed order's own state says too.
TRASH = "trash"


def record_order_trashed(session: Session, shop_id: int, event: OrderTrashed) -> bool:
    """Mark the stored order as trashed, keeping its version; tell whether one was stored.

    A deletion carries no modification time, so it is ordered by arrival. The
    trash came after every state stored so far, so the stored version stays as
    the lower bound it is: a state older than it never brings the order back,
    while one at least as new does. That is right because WooCommerce builds each
    payload when it sends it and sends `order.restored` after the `order.deleted`
    it follows: a state that arrives after a deletion shows the order after its
    trash. An order never stored is left alone; the reconcile lists trashed
    orders with their own modification time, the moment of the trash.
    """
    statement = (
        update(Order)
        .where(Order.shop_id == shop_id, Order.platform_order_id == event.order_id)
        .values(status=TRASH, updated_at=clock_of(session).now())
    )
    return cast(CursorResult[Any], session.execute(statement)).rowcount > 0


def find_order(session: Session, shop_id: int, order_id: str) -> Order | None:
    """Return the stored state of one order of one shop."""
    return session.scalar(_ORDER, {"shop_id": shop_id, "order_id": order_id})


# Built once: the worker looks orders up for most deliveries.
_ORDER = select(Order).where(
    Order.shop_id == bindparam("shop_id"), Order.platform_order_id == bindparam("order_id")
)


def _shipment(parcel: Shipment) -> dict[str, str | None]:
    shipped_at = parcel.shipped_at.isoformat() if parcel.shipped_at else None
    return _flat(parcel) | {"shipped_at": shipped_at}


def _flat(value: LineItem | Shipment) -> dict[str, Any]:
    """Return a line's or parcel's fields by name, as `asdict` would.

    Their fields are plain values, so the deep copy `asdict` makes of each would
    only cost time: the worker stores every line and parcel of each order state.
    """
    return {name: getattr(value, name) for name in _names(value)}


def _names(value: LineItem | Shipment) -> tuple[str, ...]:
    return _LINE_FIELDS if isinstance(value, LineItem) else _SHIPMENT_FIELDS


_LINE_FIELDS = tuple(field.name for field in fields(LineItem))
_SHIPMENT_FIELDS = tuple(field.name for field in fields(Shipment))


def unseen_states(
    session: Session, shop_id: int, changed: Sequence[ChangedOrder]
) -> list[ChangedOrder]:
    """Leave out the fetched order states the stored orders already hold.

    For a platform whose webhook deliveries are not keyed by state, the stored order
    tells what a webhook brought: a state no newer than it, with the same statuses
    when of the same second, is no news.
    """
    ids = [order.order_id for order in changed]
    held = {
        order.platform_order_id: order
        for order in session.scalars(
            select(Order).where(Order.shop_id == shop_id, Order.platform_order_id.in_(ids))
        )
    }
    return [order for order in changed if not _holds(held.get(order.order_id), order)]


def _holds(stored: Order | None, fetched: ChangedOrder) -> bool:
    if stored is None or stored.platform_updated_at is None or fetched.updated_at is None:
        return False
    if stored.platform_updated_at != fetched.updated_at:
        return stored.platform_updated_at > fetched.updated_at
    state = fetched.state
    return state is not None and (
        stored.status,
        stored.financial_status,
        stored.fulfillment_status,
    ) == (state.status, state.financial_status, state.fulfillment_status)
