"""Refunds of shipping that staff made in the store, attached to the incident they answer.

A refund seen in a webhook (Shopify's `refunds/create` with shipping lines) that
refunds shipping is what staff already gave: it is kept as a compensation
`given_by_staff`, counts against every cap, and is never repeated, so a shipping
refund Amends had decided but not yet sent is withdrawn. The refund's platform
id is in the row's key: the same refund seen twice is kept once. Amends' own
refunds never come here (their echo carries its tag and is dropped at intake).
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.records import (
    GIVEN_BY_STAFF,
    OFFERED,
    PENDING_APPROVAL,
    WITHDRAWN,
    next_numbers,
    staff_refund_key,
)
from plugin.events import RefundRecorded
from plugin.incidents.states import ACTIVE
from plugin.incidents.timeline import add_timeline
from plugin.orders.snapshot import find_order
from plugin.storage.models import CompensationRecord, Incident
from plugin.storage.upsert import insert_new

log = logging.getLogger("amends.compensation")

# The incidents a shipping refund answers first: those about the parcel.
SHIPPING_FIRST = ("delayed_shipment", "delivery_exception")


def attach_staff_refund(
    session: Session, shop_id: int, event: RefundRecorded
) -> CompensationRecord | None:
    """Keep a shipping refund staff made as given to the order's incident; None if not kept."""
    amount = _shipping(event)
    incident = _answered_by(session, shop_id, event.order_id)
    if amount is None or incident is None:
        return None
    order = find_order(session, shop_id, event.order_id)
    if order is None or not order.currency:
        log.info("compensation.staff-refund-unpriced", extra={"refund": event.refund_id})
        return None
    _, decision = next_numbers(session, incident.id)
    now = clock_of(session).now()
    values = {
        "shop_id": shop_id,
        "incident_id": incident.id,
        "idempotency_key": staff_refund_key(incident.id, event.refund_id),
        "decision": decision,
        "kind": "shipping_refund",
        "amount": amount,
        "currency": order.currency,
        "status": GIVEN_BY_STAFF,
        "source_ref": event.refund_id,
        "platform_ref": event.refund_id,
        "decided_by": "staff",
        "explanation": f"staff refunded {amount} {order.currency} of shipping in the store",
        "caps": [],
        "warnings": [],
        "created_at": now,
        "updated_at": now,
    }
    row_id = insert_new(session, CompensationRecord, values, unique=("idempotency_key",))
    if row_id is None:
        return None  # seen before
    detail = {
        "refund_id": event.refund_id,
        "shipping": f"{amount:f}",
        "currency": order.currency,
        "withdrawn": _withdraw_waiting_refunds(session, incident),
    }
    add_timeline(session, incident.id, "refund_recorded", detail, actor="staff")
    return session.get(CompensationRecord, row_id)


def _shipping(event: RefundRecorded) -> Decimal | None:
    try:
        amount = Decimal(event.shipping_amount or 0)
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def _answered_by(session: Session, shop_id: int, order_id: str) -> Incident | None:
    """Return the order's incident a shipping refund answers: a parcel's first, newest first."""
    incidents = session.scalars(
        select(Incident)
        .where(
            Incident.shop_id == shop_id,
            Incident.platform_order_id == order_id,
            Incident.status.in_(ACTIVE),
        )
        .order_by(Incident.id.desc())
    ).all()
    first = [incident for incident in incidents if incident.kind in SHIPPING_FIRST]
    found = first or list(incidents)
    return found[0] if found else None


def _withdraw_waiting_refunds(session: Session, incident: Incident) -> list[str]:
    """Withdraw the incident's shipping refunds still waiting: staff gave it already."""
    waiting = session.scalars(
        select(CompensationRecord).where(
            CompensationRecord.incident_id == incident.id,
            CompensationRecord.kind == "shipping_refund",
            CompensationRecord.status.in_((PENDING_APPROVAL, OFFERED)),
        )
    ).all()
    for row in waiting:
        row.status, row.choose_by = WITHDRAWN, None
        row.explanation += "; withdrawn: staff refunded the shipping in the store"
    return [row.idempotency_key for row in waiting]
