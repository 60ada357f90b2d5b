"""Incidents as the operator contract shows them (`incidents list|show --json`, the admin API)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from plugin.compensation.records import compensation_json, of_incident
from plugin.errors import NotFound
from plugin.outbox import EMAIL
from plugin.outbox.store import entries_of
from plugin.scope import ShopScope
from plugin.storage.models import Incident, OutboxEntry


def incident_json(incident: Incident) -> dict[str, Any]:
    """Return the contract's fields of one incident."""
    return {
        "id": incident.id,
        "shop": incident.shop_id,
        "platform": incident.shop.platform,
        "order_id": incident.platform_order_id,
        "order_name": incident.order_name,
        "kind": incident.kind,
        "status": incident.status,
        "customer_email": incident.customer_email,
        "locale": incident.locale,
        "created_at": incident.created_at.isoformat(),
        "updated_at": incident.updated_at.isoformat(),
    }


def list_incidents(
    session: Session,
    scope: ShopScope,
    *,
    status: str | None = None,
    kind: str | None = None,
) -> list[dict[str, Any]]:
    """Return the incidents within `scope`, newest first, filtered by status and kind."""
    query = select(Incident).options(joinedload(Incident.shop)).order_by(Incident.id.desc())
    query = scope.filter(query, Incident.shop_id)
    if status:
        query = query.where(Incident.status == status)
    if kind:
        query = query.where(Incident.kind == kind)
    return [incident_json(incident) for incident in session.scalars(query)]


def show_incident(session: Session, scope: ShopScope, incident_id: int) -> dict[str, Any]:
    """Return one incident within `scope` with its timeline, messages and compensations.

    An incident of a shop outside the scope is not found, exactly as a missing one.
    """
    incident = session.get(Incident, incident_id)
    if incident is None or not scope.covers(incident.shop_id):
        raise NotFound(f"no incident with id {incident_id}")
    return incident_json(incident) | {
        "timeline": [
            {
                "at": entry.at.isoformat(),
                "type": entry.type,
                "actor": entry.actor,
                "detail": entry.detail,
            }
            for entry in incident.timeline
        ],
        "messages": [
            message_json(entry) for entry in entries_of(session, incident.id) if entry.kind == EMAIL
        ],
        "compensations": [compensation_json(row) for row in of_incident(session, incident.id)],
    }


def message_json(entry: OutboxEntry) -> dict[str, Any]:
    """Return what the contract shows of one message to the customer (never its address)."""
    return {
        "channel": entry.kind,
        "stage": entry.payload.get("stage"),
        "locale": entry.payload.get("locale"),
        "status": entry.status,
        "idempotency_key": entry.idempotency_key,
        "queued_at": entry.created_at.isoformat(),
        "sent_at": entry.sent_at.isoformat() if entry.sent_at else None,
    }
