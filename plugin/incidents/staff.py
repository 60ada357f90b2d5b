"""What staff do to an incident by hand: open one, note, resolve, reopen.

The CLI and the admin panel both call these; each lands on the timeline with the
staff actor, and each refusal says what to do instead.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.errors import InvalidInput, NotFound
from plugin.incidents import KINDS
from plugin.incidents.lifecycle import add_timeline, open_incident, open_key
from plugin.incidents.states import IN_PROGRESS, RESOLVED, move
from plugin.orders.snapshot import find_order
from plugin.scope import ShopScope
from plugin.storage.models import Incident, Shop

STAFF = "staff"
MAX_NOTE_LENGTH = 4000


def find_incident(session: Session, scope: ShopScope, incident_id: int) -> Incident:
    """Return the incident within `scope`, refusing one of another shop as if it did not exist."""
    incident = session.get(Incident, incident_id)
    if incident is None or not scope.covers(incident.shop_id):
        raise NotFound(f"no incident with id {incident_id}")
    return incident


def open_by_hand(
    session: Session, shop_id: int, order_id: str, kind: str, actor: str = STAFF
) -> Incident:
    """Open an incident for an order; refuse when one of that kind is open for it."""
    if session.get(Shop, shop_id) is None:
        raise NotFound(f"no shop with id {shop_id}")
    if kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; kinds are: {', '.join(sorted(KINDS))}")
    order = find_order(session, shop_id, order_id)
    incident = open_incident(
        session, shop_id, order_id, kind, {"source": "staff"}, order=order, actor=actor
    )
    if incident is None:
        holder = session.scalar(
            select(Incident.id).where(
                Incident.shop_id == shop_id, Incident.open_key == open_key(kind, order_id)
            )
        )
        raise InvalidInput(
            f"order {order_id} already has an open {kind} incident ({holder}); work on that one"
        )
    return incident


def note(session: Session, incident: Incident, text: str, actor: str = STAFF) -> None:
    """Add a staff note to the incident's timeline."""
    text = text.strip()
    if not text:
        raise InvalidInput("a note needs some text")
    if len(text) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"a note holds at most {MAX_NOTE_LENGTH} characters")
    add_timeline(session, incident.id, "note_added", {"text": text}, actor=actor)


def resolve(session: Session, incident: Incident, actor: str = STAFF) -> Incident:
    """Mark the incident resolved."""
    return move(session, incident, RESOLVED, actor=actor)


def reopen(session: Session, incident: Incident, actor: str = STAFF) -> Incident:
    """Take a resolved or closed incident up again."""
    return move(session, incident, IN_PROGRESS, actor=actor, reason="reopened by staff")
