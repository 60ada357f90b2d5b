"""Orders that should have shipped by now: found by their due time, not by scanning.

When an order's state is stored, the time by which it must ship (payment plus the
shop's handling time, in business days) is written on it, indexed. The scheduler
then asks only for orders whose time has come, checks each against what is known
of it then, and opens `delayed_shipment` for those still waiting. The first
delivery of an order is enough: no later webhook has to arrive for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import as_utc
from plugin.events import OrderChanged
from plugin.incidents.care import CareSettings, care_of
from plugin.incidents.detectors import open_for_order
from plugin.incidents.due import due_rows
from plugin.storage.models import Incident, Order, Parcel

# Order statuses after which nothing is waiting to ship.
FINISHED_STATUSES = frozenset({"cancelled", "refunded", "failed", "trash", "completed"})
SHIPPED = frozenset({"fulfilled", "restocked"})


def awaiting_shipment(order: Order) -> bool:
    """Tell whether the order is paid and still waiting for its items to ship."""
    parcels = bool((order.shipments or {}).get("parcels"))
    return _awaiting(order.paid_at, order.status, order.fulfillment_status, parcels)


def _awaiting(
    paid_at: datetime | None, status: str | None, fulfillment: str | None, parcels: bool
) -> bool:
    return (
        paid_at is not None
        and status not in FINISHED_STATUSES
        and fulfillment not in SHIPPED
        and not parcels
    )


def ship_by(order: Order, care: CareSettings) -> datetime | None:
    """Return when the order must have shipped, or None when it is not waiting to."""
    if not awaiting_shipment(order) or order.paid_at is None:
        return None
    return care.calendar.end_of_business_days(order.paid_at, care.handling_days)


def shipping_check(session: Session, shop_id: int, state: OrderChanged) -> datetime | None:
    """Return when to check that the order in `state` shipped, for when that state is stored.

    The time is written with the state itself (plugin.orders.snapshot) rather than
    on the row read back after it: it is what `ship_by` makes of that row, which
    holds what the state says.
    """
    paid_at = as_utc(state.paid_at)
    if paid_at is None or not _awaiting(
        paid_at, state.status, state.fulfillment_status, bool(state.shipments)
    ):
        return None
    care = care_of(session, shop_id)
    return care.calendar.end_of_business_days(paid_at, care.handling_days)


def _has_parcels(session: Session, order: Order) -> bool:
    """Tell whether a carrier reported a parcel of the order (its state may lag behind)."""
    query = select(Parcel.id).where(
        Parcel.shop_id == order.shop_id, Parcel.platform_order_id == order.platform_order_id
    )
    return session.scalar(query.limit(1)) is not None


@dataclass(frozen=True)
class DueCheck:
    """What one batch of due orders came to."""

    checked: int
    opened: list[Incident]


def check_due_orders(session: Session, now: datetime, limit: int = 500) -> DueCheck:
    """Open `delayed_shipment` for each active shop's order due by `now` and still unshipped.

    At most `limit` orders are taken, locked so that two schedulers share the work.
    """
    due = due_rows(session, Order, now, limit)
    opened = []
    for order in due:
        was_due, order.next_due_at = order.next_due_at, None
        if not awaiting_shipment(order) or was_due is None or _has_parcels(session, order):
            continue
        detail = {
            "source": "handling_time",
            "paid_at": order.paid_at.isoformat() if order.paid_at else None,
            "ship_by": was_due.isoformat(),
            "fulfillment_status": order.fulfillment_status,
        }
        source = ("order", order.platform_order_id)
        opened += open_for_order(
            session, order.shop_id, order.platform_order_id, "delayed_shipment", detail, source
        )
    return DueCheck(len(due), opened)
