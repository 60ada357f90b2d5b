"""Parcels on their way: late past the carrier's estimate, or stuck without tracking news.

Each carrier event (and each parcel an order's state lists) updates the parcel's
row: its status, estimated delivery and last movement, newest event winning. The
row then says, indexed, when the parcel becomes late; the scheduler takes only the
parcels whose time has come and opens `delayed_shipment` for those not delivered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.events import OrderChanged, ShipmentUpdated
from plugin.incidents.care import CareSettings, care_of
from plugin.incidents.detectors import open_for_order
from plugin.incidents.due import due_rows
from plugin.incidents.overdue import DueCheck
from plugin.storage.models import Parcel
from plugin.storage.upsert import insert_new

# After these the parcel is no longer on its way (a failure opens its own incident).
ARRIVED_OR_LOST = frozenset({"delivered", "failure"})


def on_shipment_updated(session: Session, shop_id: int, event: ShipmentUpdated) -> Parcel:
    """Record what the carrier said about a parcel, unless it said something newer already."""
    parcel = _parcel(session, shop_id, event.order_id, event.shipment_id)
    newest = parcel.last_event_at
    if event.happened_at is not None and newest is not None and event.happened_at < newest:
        return parcel
    parcel.status = event.status
    parcel.last_event_at = event.happened_at or clock_of(session).now()
    if event.estimated_delivery_at is not None:
        parcel.estimated_delivery_at = event.estimated_delivery_at
    if event.status == "delivered":
        parcel.delivered_at = parcel.last_event_at
    _schedule(session, shop_id, parcel)
    return parcel


def on_order_parcels(session: Session, shop_id: int, order: OrderChanged) -> None:
    """Start tracking each parcel the order lists; its shipping is its first movement."""
    for listed in order.shipments:
        if listed.shipment_id is None:
            continue
        parcel = _parcel(session, shop_id, order.order_id, listed.shipment_id)
        if parcel.last_event_at is None:
            parcel.last_event_at = listed.shipped_at or clock_of(session).now()
        if listed.status and parcel.status is None:
            parcel.status = listed.status
            if listed.status == "delivered":
                parcel.delivered_at = parcel.last_event_at
        _schedule(session, shop_id, parcel)


def late_at(parcel: Parcel, care: CareSettings) -> datetime | None:
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


def _parcel(session: Session, shop_id: int, order_id: str, shipment_id: str) -> Parcel:
    """Return the parcel's row, made on first sight (once, whoever sees it first).

    Most deliveries are about a parcel already known: it is read first, and only
    one not found yet is inserted, the unique key deciding who makes it.
    """
    key = {"shop_id": shop_id, "shipment_id": shipment_id}
    known = session.scalars(_PARCEL, key).one_or_none()
    if known is not None:
        return known
    now = clock_of(session).now()
    insert_new(
        session,
        Parcel,
        {
            "shop_id": shop_id,
            "platform_order_id": order_id,
            "shipment_id": shipment_id,
            "created_at": now,
            "updated_at": now,
        },
        unique=("shop_id", "shipment_id"),
    )
    return session.scalars(_PARCEL, key).one()


# Read afresh (the row may have been written by the insert above); built once.
_PARCEL = (
    select(Parcel)
    .where(Parcel.shop_id == bindparam("shop_id"), Parcel.shipment_id == bindparam("shipment_id"))
    .execution_options(populate_existing=True)
)


def _schedule(session: Session, shop_id: int, parcel: Parcel) -> None:
    parcel.next_due_at = late_at(parcel, care_of(session, shop_id))
