"""What links an incident to the platform records behind it: returns, refunds, shipments.

Links live in their own indexed table, so "which incidents did return 77 open" is
one lookup, and a record found again (a retry, a later webhook) is linked once.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.storage.models import Incident, IncidentSource
from plugin.storage.upsert import insert_new

# (source type, the platform's id of it): ("return", "77"), ("refund", "901")...
Source = tuple[str, str]
SOURCE_TYPES = frozenset({"return", "refund", "fulfillment", "shipment", "order"})


def link_sources(session: Session, incident: Incident, sources: Iterable[Source]) -> list[Source]:
    """Link `sources` to `incident`; return the ones that were not linked before."""
    now = clock_of(session).now()
    linked = []
    for source_type, source_id in sources:
        if source_type not in SOURCE_TYPES:
            raise ValueError(f"unknown source type {source_type!r}")
        new = insert_new(
            session,
            IncidentSource,
            {
                "incident_id": incident.id,
                "shop_id": incident.shop_id,
                "source_type": source_type,
                "source_id": source_id,
                "created_at": now,
            },
            unique=("incident_id", "source_type", "source_id"),
        )
        if new is not None:
            linked.append((source_type, source_id))
    return linked


def incidents_of_source(session: Session, shop_id: int, source: Source) -> list[Incident]:
    """Return the shop's incidents linked to `source`, oldest first."""
    source_type, source_id = source
    values = {"shop_id": shop_id, "source_type": source_type, "source_id": source_id}
    return list(session.scalars(_OF_SOURCE, values))


# Built once: the worker asks for every return, refund and shipped order.
_OF_SOURCE = (
    select(Incident)
    .join(IncidentSource, IncidentSource.incident_id == Incident.id)
    .where(
        IncidentSource.shop_id == bindparam("shop_id"),
        IncidentSource.source_type == bindparam("source_type"),
        IncidentSource.source_id == bindparam("source_id"),
    )
    .order_by(Incident.id)
)
