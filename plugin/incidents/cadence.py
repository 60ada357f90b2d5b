"""Incidents owed a progress update: found by their due time, never by scanning.

Each message queued for an active incident sets the incident's indexed
`next_due_at` to `update_every_days` after it. The scheduler asks only for the
incidents whose time has come, of shops that still have Amends installed, queues
each one's update and sets the next due time, in one transaction per batch, with
the incidents locked so that two schedulers share the work. An incident that has
earned nothing yet is decided again at its update: a parcel late by three days may
earn what it did not at one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from plugin.compensation.decisions import decide_for
from plugin.incidents.customer import queue_update
from plugin.incidents.due import due_rows
from plugin.incidents.states import ACTIVE as HANDLED
from plugin.storage.models import Incident


@dataclass(frozen=True)
class DueUpdates:
    """What one batch of due incidents came to."""

    checked: int
    queued: int


def queue_due_updates(session: Session, now: datetime, limit: int = 500) -> DueUpdates:
    """Queue the update of each active shop's incident due by `now`; at most `limit`."""
    due = due_rows(session, Incident, now, limit)
    queued = 0
    for incident in due:
        if incident.status not in HANDLED:
            incident.next_due_at = None  # over already; nothing more to say
            continue
        queued += queue_update(session, incident, now) is not None
        # Days later the facts have changed (a parcel is later still): decide again,
        # unless something was decided already.
        decide_for(session, incident, quiet=True)
    return DueUpdates(len(due), queued)
