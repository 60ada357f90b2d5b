"""The incident lifecycle: which moves are allowed, and the one function that makes them.

open -> acknowledged -> in_progress -> (awaiting_customer) -> resolved -> closed, and
reopen. An incident may skip ahead (a carrier's "delivered" resolves an incident
nobody has acknowledged yet) but never goes back except by reopening. Every move
lands on the timeline with its time and actor, so the customer's and the merchant's
view of what happened are the same record.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.errors import InvalidInput
from plugin.incidents import STATUSES, customer, targets
from plugin.incidents.lifecycle import add_timeline, open_key
from plugin.storage.models import Incident

OPEN = "open"
ACKNOWLEDGED = "acknowledged"
IN_PROGRESS = "in_progress"
AWAITING_CUSTOMER = "awaiting_customer"
RESOLVED = "resolved"
CLOSED = "closed"

# An incident in one of these is still being handled: it holds its order's open key.
ACTIVE = frozenset({OPEN, ACKNOWLEDGED, IN_PROGRESS, AWAITING_CUSTOMER})
FINISHED = frozenset({RESOLVED, CLOSED})

MOVES: dict[str, frozenset[str]] = {
    OPEN: frozenset({ACKNOWLEDGED, IN_PROGRESS, AWAITING_CUSTOMER, RESOLVED}),
    ACKNOWLEDGED: frozenset({IN_PROGRESS, AWAITING_CUSTOMER, RESOLVED}),
    IN_PROGRESS: frozenset({AWAITING_CUSTOMER, RESOLVED}),
    AWAITING_CUSTOMER: frozenset({IN_PROGRESS, RESOLVED}),
    RESOLVED: frozenset({CLOSED, IN_PROGRESS}),  # to in_progress: reopened
    CLOSED: frozenset({IN_PROGRESS}),  # reopened
}
if set(MOVES) != STATUSES:  # checked at load: a status without moves would strand incidents
    raise RuntimeError("every incident status needs its moves in MOVES")


class InvalidTransition(InvalidInput):
    """A move the lifecycle does not allow from the incident's current status."""


def move(
    session: Session,
    incident: Incident,
    to: str,
    *,
    actor: str,
    reason: str | None = None,
) -> Incident:
    """Move `incident` to status `to`, or refuse with what it can move to instead.

    Reopening takes the order's open key back, so it is refused while another
    incident of the same kind is open for the order. What the customer hears
    follows the move: a resolution is told, a reopened incident is kept informed
    again, a finished one no more; so do the shop's service targets.
    """
    allowed = MOVES.get(incident.status, frozenset())
    if to not in allowed:
        raise InvalidTransition(_refusal(incident, to, allowed))
    before = incident.status
    if before in FINISHED and to in ACTIVE:
        _take_open_key(session, incident)
    elif to in FINISHED:
        incident.open_key = None
    incident.status = to
    detail: dict[str, Any] = {"from": before, "to": to}
    if reason:
        detail["reason"] = reason
    add_timeline(
        session,
        incident.id,
        "reopened" if before in FINISHED else "status_changed",
        detail,
        actor=actor,
    )
    _tell_customer(session, incident, before, to)
    if to in FINISHED:
        targets.stop_watching(incident)
    elif before in FINISHED:
        targets.watch_again(session, incident)
    return incident


def _tell_customer(session: Session, incident: Incident, before: str, to: str) -> None:
    if to == RESOLVED:
        customer.on_resolved(session, incident)
    elif to in FINISHED:
        customer.on_closed(session, incident)
    elif before in FINISHED:
        customer.on_reopened(session, incident)


def _take_open_key(session: Session, incident: Incident) -> None:
    key = open_key(incident.kind, incident.platform_order_id)
    holder = session.scalar(
        select(Incident.id).where(Incident.shop_id == incident.shop_id, Incident.open_key == key)
    )
    if holder is not None:
        raise InvalidTransition(
            f"incident {incident.id} cannot be reopened: incident {holder} is already open "
            f"for the same order and kind; work on that one instead"
        )
    incident.open_key = key


def _refusal(incident: Incident, to: str, allowed: frozenset[str]) -> str:
    if to not in STATUSES:
        return f"unknown status {to!r}; statuses are: {', '.join(sorted(STATUSES))}"
    if to == incident.status:
        return f"incident {incident.id} is already {to}"
    options = " or ".join(sorted(allowed)) or "nothing"
    return f"incident {incident.id} is {incident.status}; it can move to {options}, not to {to}"
