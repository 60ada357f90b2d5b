"""Route canonical events to the domain code that handles them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from plugin import compliance
from plugin.compensation.staff import attach_staff_refund
from plugin.events import (
    Backfilled,
    CustomerDataRequested,
    CustomerRedactionRequested,
    Event,
    OrderChanged,
    OrderTrashed,
    RefundRecorded,
    ReturnRequested,
    ReturnStatusChanged,
    ShipmentUpdated,
    ShopRedactionRequested,
    ShopUninstalled,
)
from plugin.incidents.detectors import (
    detect_item_problems,
    detect_parcel_problems,
    detect_refund_problems,
    detect_shipment_problems,
)
from plugin.incidents.lifecycle import ORDER_HAS_ACTIVE, add_timeline, fill_from_order
from plugin.incidents.overdue import shipping_check
from plugin.incidents.parcels import on_order_parcels, on_shipment_updated
from plugin.incidents.resolution import (
    resolve_delivered,
    resolve_refunded,
    resolve_return_closed,
    resolve_shipped,
)
from plugin.incidents.sources import incidents_of_source
from plugin.orders.lines import record_order_lines, uncount_order
from plugin.orders.snapshot import record_order_state, record_order_trashed
from plugin.returns.record import mark_received, record_refund, record_return

Handler = Callable[[Session, int, Any], object]


def on_order_changed(session: Session, shop_id: int, event: OrderChanged) -> None:
    """Keep the order snapshot current, complete incidents waiting for it, check its parcels.

    Only an order with active incidents, as the statement storing it reads, has any
    to complete or for its new state to resolve (an incident the state's own parcels
    open is not: none of them is delivered).
    """
    due = {"next_due_at": shipping_check(session, shop_id, event)}
    stored = record_order_state(session, shop_id, event, also=due, returning=(ORDER_HAS_ACTIVE,))
    if stored is not None:
        record_order_lines(session, shop_id, event)
        active = stored.has_active_incidents and fill_from_order(session, shop_id, event)
        detect_parcel_problems(session, shop_id, event)
        on_order_parcels(session, shop_id, event)
        if active:
            resolve_shipped(session, shop_id, event)


def on_return_status_changed(session: Session, shop_id: int, event: ReturnStatusChanged) -> None:
    """Note on the incidents linked to a return that the return moved on."""
    for incident in incidents_of_source(session, shop_id, ("return", event.return_id)):
        add_timeline(
            session,
            incident.id,
            f"return_{event.status}",
            {"return_id": event.return_id, "reason": event.reason},
            actor="platform",
        )


def on_order_trashed(session: Session, shop_id: int, event: OrderTrashed) -> None:
    """Mark the order trashed, and its lines no longer sold."""
    if record_order_trashed(session, shop_id, event):
        uncount_order(session, shop_id, event.order_id)


def on_backfilled(session: Session, shop_id: int, backfilled: Backfilled) -> None:
    """Keep a past order, return or refund for the reports, and act on none of it."""
    event = backfilled.event
    if isinstance(event, OrderChanged):
        if record_order_state(session, shop_id, event):
            record_order_lines(session, shop_id, event)
    elif isinstance(event, ReturnRequested):
        record_return(session, shop_id, event)
    else:
        record_refund(session, shop_id, event)


HANDLERS: dict[type, tuple[Handler, ...]] = {
    OrderChanged: (on_order_changed,),
    OrderTrashed: (on_order_trashed,),
    ReturnRequested: (record_return, detect_item_problems),
    RefundRecorded: (record_refund, detect_refund_problems, attach_staff_refund, resolve_refunded),
    ShipmentUpdated: (detect_shipment_problems, on_shipment_updated, resolve_delivered),
    ReturnStatusChanged: (on_return_status_changed, resolve_return_closed, mark_received),
    Backfilled: (on_backfilled,),
    ShopUninstalled: (compliance.on_shop_uninstalled,),
    CustomerRedactionRequested: (compliance.on_customer_redaction,),
    ShopRedactionRequested: (compliance.on_shop_redaction,),
    CustomerDataRequested: (compliance.on_customer_data_request,),
}


def handle_event(session: Session, shop_id: int, event: Event) -> None:
    """Run every handler registered for the event's type, in order."""
    try:
        handlers = HANDLERS[type(event)]
    except KeyError:
        raise TypeError(f"no handler registered for {type(event).__name__}") from None
    for handler in handlers:
        handler(session, shop_id, event)
