"""Detectors: read a canonical event, open the incidents it calls for."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.orm import Session

from plugin.events import OrderChanged, RefundRecorded, ReturnRequested, ShipmentUpdated
from plugin.incidents.lifecycle import add_timeline, open_incident, open_incident_of
from plugin.incidents.sources import Source, link_sources
from plugin.orders.snapshot import find_order
from plugin.storage.models import Incident

# Return reasons that are the shop's fault, and the incident each one opens.
FAULT_REASONS = {
    "defective": "defective_item",
    "damaged_in_transit": "defective_item",
    "wrong_item": "wrong_item",
    "not_as_described": "not_as_described",
}


def detect_item_problems(session: Session, shop_id: int, event: ReturnRequested) -> list[Incident]:
    """Open one incident per fault kind found among the returned lines."""
    lines_by_kind = defaultdict(list)
    for line in event.lines:
        if line.reason in FAULT_REASONS:
            lines_by_kind[FAULT_REASONS[line.reason]].append(line)
    opened = []
    for kind, lines in lines_by_kind.items():
        detail = {
            "source": "return_requested",
            "return_id": event.return_id,
            "lines": [
                {
                    "line_item_id": line.line_item_id,
                    "quantity": line.quantity,
                    "reason": line.reason,
                    "reason_text": line.reason_text,
                }
                for line in lines
            ],
        }
        source = ("return", event.return_id)
        opened += open_for_order(session, shop_id, event.order_id, kind, detail, source)
    return opened


def detect_refund_problems(session: Session, shop_id: int, event: RefundRecorded) -> list[Incident]:
    """Open an incident when the store refunded because of a fault of the shop's."""
    kind = FAULT_REASONS.get(event.reason)
    if kind is None:
        return []
    detail = {
        "source": "refund_recorded",
        "refund_id": event.refund_id,
        "amount": event.amount,
        "reason": event.reason,
        "reason_text": event.reason_text,
    }
    source = ("refund", event.refund_id)
    return open_for_order(session, shop_id, event.order_id, kind, detail, source)


# Carrier statuses that are the shop's problem to handle, and the incident each opens.
SHIPMENT_PROBLEMS = {
    "delayed": "delayed_shipment",
    "failure": "delivery_exception",  # also Shopify's returning_to_sender
    "attempted_delivery": "delivery_exception",
}


def detect_shipment_problems(
    session: Session, shop_id: int, event: ShipmentUpdated
) -> list[Incident]:
    """Open an incident when the carrier reports a delay or a failed delivery."""
    kind = SHIPMENT_PROBLEMS.get(event.status)
    if kind is None:
        return []
    detail = {
        "source": "shipment_updated",
        "shipment_id": event.shipment_id,
        "status": event.status,
        "message": event.message,
        "happened_at": event.happened_at.isoformat() if event.happened_at else None,
        "estimated_delivery_at": event.estimated_delivery_at.isoformat()
        if event.estimated_delivery_at
        else None,
    }
    source = ("shipment", event.shipment_id)
    return open_for_order(session, shop_id, event.order_id, kind, detail, source)


def detect_parcel_problems(session: Session, shop_id: int, order: OrderChanged) -> list[Incident]:
    """Open an incident for each parcel the order's own state shows in trouble.

    Shopify's `orders/updated` carries each fulfillment's `shipment_status`, and a
    shop may never send the matching fulfillment event; both paths link the same
    parcel, so they open one incident between them.
    """
    opened = []
    for parcel in order.shipments:
        kind = SHIPMENT_PROBLEMS.get(parcel.status or "")
        if kind is None or parcel.shipment_id is None:
            continue
        detail = {
            "source": "order_changed",
            "shipment_id": parcel.shipment_id,
            "status": parcel.status,
            "tracking_number": parcel.tracking_number,
            "carrier": parcel.carrier,
        }
        source = ("shipment", parcel.shipment_id)
        opened += open_for_order(session, shop_id, order.order_id, kind, detail, source)
    return opened


def open_for_order(
    session: Session, shop_id: int, order_id: str, kind: str, detail: dict, source: Source
) -> list[Incident]:
    """Open the incident with what is known of the order, linked to `source`.

    When one of `kind` is open for the order already, the signal attaches to it
    instead (once: a retried delivery finds the source linked) and [] is returned.
    """
    order = find_order(session, shop_id, order_id)
    incident = open_incident(session, shop_id, order_id, kind, detail, order=order)
    if incident is not None:
        link_sources(session, incident, [source])
        return [incident]
    existing = open_incident_of(session, shop_id, order_id, kind)
    if existing is not None and link_sources(session, existing, [source]):
        add_timeline(session, existing.id, "signal_attached", detail, actor="platform")
    return []
