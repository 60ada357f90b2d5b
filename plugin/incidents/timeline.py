"""An incident's timeline: what happened to it, when, and who did it, in order."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.incidents import ACTORS, TIMELINE_TYPES
from plugin.storage.models import TimelineEntry


def add_timeline(
    session: Session, incident_id: int, type_: str, detail: dict[str, Any], actor: str = "system"
) -> TimelineEntry:
    """Append one entry to an incident's timeline; refuse a type or actor not in the sets.

    The entry is written with the session's next flush, which a query of the
    timeline makes first: entries added together are inserted together, in the
    order they were added (their ids keep it), rather than one flush each.
    """
    if type_ not in TIMELINE_TYPES:
        raise ValueError(f"unknown timeline entry type {type_!r}; add it to TIMELINE_TYPES")
    if actor.partition(":")[0] not in ACTORS:
        raise ValueError(f"unknown actor {actor!r}; actors are {', '.join(sorted(ACTORS))}")
    entry = TimelineEntry(
        incident_id=incident_id, at=clock_of(session).now(), type=type_, actor=actor, detail=detail
    )
    session.add(entry)
    return entry
