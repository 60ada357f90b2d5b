"""When an incident's service targets fall due: the indexed `sla_due_at` the SLA job reads.

A shop promises (its care settings) that the customer hears from it within
`acknowledge_within_hours` of an incident opening, and that the incident is resolved
within `resolve_within_days`. An incident that opens is due for its first check when
the acknowledgement should have gone; one that is reopened, when it should be
resolved again; one that is resolved or closed owes nothing more (see
plugin.incidents.sla for the checks themselves).

Read inside the transaction that opens or moves the incident: a malformed setting
never stops that. The incident is then due at once, and the check reports it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.errors import InvalidInput
from plugin.incidents.care import CareSettings, care_of
from plugin.storage.models import Incident

ACKNOWLEDGEMENT = "acknowledgement"  # the customer was not told in time that the shop is on it
RESOLUTION = "resolution"  # the incident was not resolved in time
BREACHES = (ACKNOWLEDGEMENT, RESOLUTION)


def deadlines(
    incident: Incident, care: CareSettings, resolving_since: datetime
) -> dict[str, datetime]:
    """Return when each target falls due, by breach; resolution counts from `resolving_since`."""
    resolve_days = care.resolve_within_days(incident.kind)
    return {
        ACKNOWLEDGEMENT: incident.created_at + timedelta(hours=care.acknowledge_within_hours),
        RESOLUTION: resolving_since + timedelta(days=resolve_days),
    }


def watch(session: Session, incident: Incident) -> None:
    """Make a new incident due when its acknowledgement should have reached the customer."""
    care = _care(session, incident)
    hours = care.acknowledge_within_hours if care else 0
    incident.sla_due_at = incident.created_at + timedelta(hours=hours)


def watch_again(session: Session, incident: Incident) -> None:
    """Make a reopened incident due when it should be resolved again, counted from now."""
    now = clock_of(session).now()
    care = _care(session, incident)
    days = care.resolve_within_days(incident.kind) if care else 0
    incident.sla_due_at = now + timedelta(days=days)


def stop_watching(incident: Incident) -> None:
    """Owe nothing more: the incident is resolved or closed."""
    incident.sla_due_at = None


def _care(session: Session, incident: Incident) -> CareSettings | None:
    try:
        return care_of(session, incident.shop_id)
    except InvalidInput:
        return None
