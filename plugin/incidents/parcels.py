"""Parcels on their way: late past the carrier's estimate, or stuck without tracking news.

Each carrier event (and each parcel an order's state lists) updates the parcel's
row: its status, estimated delivery and last movement, newest event winning. The
row then says, indexed, when the parcel becomes late; the scheduler takes only the
parcels whose time has come and opens `delayed_shipment` for those not delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Protocol, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningInsert

from plugin.clock import clock_of
from plugin.events import OrderChanged, ShipmentUpdated
from plugin.incidents.care import CareSettings, care_of
from plugin.incidents.detectors import open_for_order
from plugin.incidents.due import due_rows
from plugin.incidents.overdue import DueCheck
from plugin.storage.models import Parcel
from plugin.storage.upsert import conflict_insert

# After these the parcel is no longer on its way (a failure opens its own incident).
ARRIVED_OR_LOST = frozenset({"delivered", "failure"})


def on_shipment_updated(session: Session, shop_id: int, event: ShipmentUpdated) -> None:
    """Record what the carrier said about a parcel, unless it said something newer already."""
    stored = _parcel(session, shop_id, event.order_id, event.shipment_id)
    newest = stored.last_event_at
    if event.happened_at is not None and newest is not None and event.happened_at < newest:
        return
    parcel = replace(stored)
    parcel.status = event.status
    parcel.last_event_at = event.happened_at or clock_of(session).now()
    if event.estimated_delivery_at is not None:
        parcel.estimated_delivery_at = event.estimated_delivery_at
    if event.status == "delivered":
        parcel.delivered_at = parcel.last_event_at
    _save(session, shop_id, parcel, stored)


def on_order_parcels(session: Session, shop_id: int, order: OrderChanged) -> None:
    """Start tracking each parcel the order lists; its shipping is its first movement."""
    for listed in order.shipments:
        if listed.shipment_id is None:
            continue
        stored = _parcel(session, shop_id, order.order_id, listed.shipment_id)
        parcel = replace(stored)
        if parcel.last_event_at is None:
            parcel.last_event_at = listed.shipped_at or clock_of(session).now()
        if listed.status and parcel.status is None:
            parcel.status = listed.status
            if listed.status == "delivered":
                parcel.delivered_at = parcel.last_event_at
        _save(session, shop_id, parcel, stored)


class Moving(Protocol):
    """What a parcel's lateness follows from: its row, or the worker's copy of it."""

    status: str | None
    estimated_delivery_at: datetime | None
    last_event_at: datetime | None
    delivered_at: datetime | None


def late_at(parcel: Moving, care: CareSettings) -> datetime | None:
    """Return when the parcel becomes late, or None when it is not on its way any more."""
    if parcel.status in ARRIVED_OR_LOST or parcel.delivered_at is not None:
        return None
    times = []
    if parcel.estimated_delivery_at is not None:
        times.append(parcel.estimated_delivery_at + timedelta(days=care.delivery_grace_days))
    if parcel.last_event_at is not None:
        times.append(parcel.last_event_at + timedelta(days=care.stale_tracking_days))
    return min(times, default=None)


def check_due_parcels(session: Session, now: datetime, limit: int = 500) -> DueCheck:
    """Open `delayed_shipment` for each active shop's parcel late by `now` and not delivered."""
    due = due_rows(session, Parcel, now, limit)
    opened = []
    for parcel in due:
        parcel.next_due_at = None
        if parcel.status in ARRIVED_OR_LOST:
            continue
        detail = {
            "source": _why_late(parcel, now),
            "shipment_id": parcel.shipment_id,
            "status": parcel.status,
            "estimated_delivery_at": _iso(parcel.estimated_delivery_at),
            "last_event_at": _iso(parcel.last_event_at),
        }
        source = ("shipment", parcel.shipment_id)
        opened += open_for_order(
            session, parcel.shop_id, parcel.platform_order_id, "delayed_shipment", detail, source
        )
    return DueCheck(len(due), opened)


def _why_late(parcel: Parcel, now: datetime) -> str:
    estimate = parcel.estimated_delivery_at
    return "past_estimated_delivery" if estimate is not None and estimate < now else "no_tracking"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass
class _Tracked:
    """The columns of a parcel's row the worker reads and writes, without the ORM's upkeep.

    Each carrier event and order state reads one parcel and writes it back at once;
    nothing else in the transaction holds it as an object.
    """

    id: int
    status: str | None
    estimated_delivery_at: datetime | None
    last_event_at: datetime | None
    delivered_at: datetime | None
    next_due_at: datetime | None


def _parcel(session: Session, shop_id: int, order_id: str, shipment_id: str) -> _Tracked:
    """Return the parcel's row, made on first sight (once, whoever sees it first).

    Most deliveries are about a parcel already known: it is read first, and only
    one not found yet is inserted, the unique key deciding who makes it; the row
    inserted is returned by the insert itself.
    """
    key = {"of_shop": shop_id, "of_shipment": shipment_id}
    known = session.execute(_PARCEL, key).one_or_none()
    if known is None:
        now = clock_of(session).now()
        made = {
            "shop_id": shop_id,
            "platform_order_id": order_id,
            "shipment_id": shipment_id,
            "created_at": now,
            "updated_at": now,
        }
        dialect = session.get_bind().dialect.name
        known = session.execute(_insert(dialect), made).one_or_none()
        known = known or session.execute(_PARCEL, key).one()
    return _Tracked(*known)


def _save(session: Session, shop_id: int, parcel: _Tracked, stored: _Tracked) -> None:
    """Set when the parcel becomes late, and write what changed since it was `stored`."""
    parcel.next_due_at = late_at(parcel, care_of(session, shop_id))
    if parcel != stored:
        values = {f"new_{name}": getattr(parcel, name) for name in _MOVED}
        now = clock_of(session).now()
        session.execute(_UPDATE, {"of_parcel": parcel.id, "new_updated_at": now, **values})


_TABLE = cast(Table, Parcel.__table__)
_READ = tuple(_TABLE.c[field.name] for field in fields(_Tracked))
# A parcel by its key, and the write of what moved; built once.
# Parameters are named apart from the columns: in an UPDATE, one named as a column
# would set it.
_PARCEL = select(*_READ).where(
    _TABLE.c.shop_id == bindparam("of_shop"), _TABLE.c.shipment_id == bindparam("of_shipment")
)
_MOVED = tuple(field.name for field in fields(_Tracked) if field.name != "id")
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("of_parcel"))
    .values({name: bindparam(f"new_{name}") for name in (*_MOVED, "updated_at")})
)


@cache
def _insert(dialect: str) -> ReturningInsert[Any]:
    """Build once the insert of a parcel not known yet, returning its row (none if it was)."""
    statement = conflict_insert(dialect, _TABLE).on_conflict_do_nothing(
        index_elements=["shop_id", "shipment_id"]
    )
    return statement.returning(*_READ)
