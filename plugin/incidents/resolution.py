"""Incidents that resolve themselves when their cause clears.

A late parcel that arrives, an order that finally ships, a defective item the shop
refunded, a return the shop closed: the incident moves to resolved through the
lifecycle (so the customer is told, with thanks), with the platform as its actor
and the reason in words on the timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.events import OrderChanged, RefundRecorded, ReturnStatusChanged, ShipmentUpdated
from plugin.incidents.sources import Source, incidents_of_source
from plugin.incidents.states import ACTIVE, IN_PROGRESS, RESOLVED, move
from plugin.storage.models import Incident

SHIPPING_KINDS = ("delayed_shipment", "delivery_exception")
ITEM_KINDS = ("defective_item", "wrong_item", "not_as_described")
SHIPPED = frozenset({"fulfilled"})


def resolve_delivered(session: Session, shop_id: int, event: ShipmentUpdated) -> list[Incident]:
    """Resolve the order's shipping incidents when the carrier says it delivered."""
    if event.status != "delivered":
        return []
    return _resolve(
        session,
        _active(session, shop_id, event.order_id, SHIPPING_KINDS),
        "the carrier delivered the parcel",
    )


def resolve_shipped(session: Session, shop_id: int, order: OrderChanged) -> list[Incident]:
    """Resolve what the order's new state clears: all delivered, or shipped after a delay."""
    parcels = order.shipments
    if parcels and all(parcel.status == "delivered" for parcel in parcels):
        incidents = _active(session, shop_id, order.order_id, SHIPPING_KINDS)
        return _resolve(session, incidents, "every parcel of the order was delivered")
    if order.fulfillment_status in SHIPPED or parcels:
        waiting = _linked_active(session, shop_id, ("order", order.order_id), ("delayed_shipment",))
        if parcels and all(parcel.carrier_updates for parcel in parcels):
            return _follow(session, waiting)
        return _resolve(session, waiting, "the order has shipped")
    return []


def _follow(session: Session, incidents: list[Incident]) -> list[Incident]:
    """Keep a late order's incident open while its tracked parcels travel.

    The customer waits for the parcel, not for the shipping: thanking them now would
    close the case while it is still on its way. The carrier's news of delivery
    resolves it (resolve_delivered); until then the customer keeps hearing from the
    shop at the usual cadence.
    """
    for incident in incidents:
        if incident.status != IN_PROGRESS:
            move(
                session,
                incident,
                IN_PROGRESS,
                actor="platform",
                reason="the order has shipped; followed until it is delivered",
            )
    return []


def resolve_refunded(session: Session, shop_id: int, event: RefundRecorded) -> list[Incident]:
    """Resolve the order's item incidents when the shop refunded items (not only shipping)."""
    if _items_refunded(event) <= 0:
        return []
    opened_by_it = {
        i.id for i in incidents_of_source(session, shop_id, ("refund", event.refund_id))
    }
    incidents = [
        incident
        for incident in _active(session, shop_id, event.order_id, ITEM_KINDS)
        if incident.id not in opened_by_it
    ]
    return _resolve(session, incidents, "the shop refunded the items")


def resolve_return_closed(
    session: Session, shop_id: int, event: ReturnStatusChanged
) -> list[Incident]:
    """Resolve the incidents a return opened once the shop closed the return."""
    if event.status != "closed":
        return []
    linked = _linked_active(session, shop_id, ("return", event.return_id), ITEM_KINDS)
    return _resolve(session, linked, "the return was completed")


def _items_refunded(event: RefundRecorded) -> Decimal:
    try:
        return Decimal(event.amount or 0) - Decimal(event.shipping_amount or 0)
    except InvalidOperation:
        return Decimal(0)


def _active(session: Session, shop_id: int, order_id: str, kinds: Iterable[str]) -> list[Incident]:
    query = select(Incident).where(
        Incident.shop_id == shop_id,
        Incident.platform_order_id == order_id,
        Incident.kind.in_(tuple(kinds)),
        Incident.status.in_(ACTIVE),
    )
    return list(session.scalars(query.order_by(Incident.id)))


def _linked_active(
    session: Session, shop_id: int, source: Source, kinds: Iterable[str]
) -> list[Incident]:
    wanted = set(kinds)
    return [
        incident
        for incident in incidents_of_source(session, shop_id, source)
        if incident.kind in wanted and incident.status in ACTIVE
    ]


def _resolve(session: Session, incidents: list[Incident], reason: str) -> list[Incident]:
    for incident in incidents:
        move(session, incident, RESOLVED, actor="platform", reason=reason)
    return incidents
