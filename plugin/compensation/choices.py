"""The customer's choice between the options an incident was offered, and its default.

`choose` executes exactly one option: the first choice locks the offer's rows and
queues the chosen one; the others are marked not chosen, and any later choice is
refused. When the customer does not choose in time, the scheduler applies the
policy's default through the same path (`apply_due_defaults`), finding due offers
by their indexed `choose_by`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.actions import queue_execution
from plugin.compensation.records import NOT_CHOSEN, OFFERED, WITHDRAWN, compensation_json
from plugin.compensation.room import why_it_no_longer_fits
from plugin.errors import InvalidInput, NotFound
from plugin.incidents.timeline import add_timeline
from plugin.scope import ShopScope
from plugin.shops import ACTIVE
from plugin.storage.models import CompensationRecord, Incident, Shop


@dataclass(frozen=True)
class Choice:
    """The option chosen, as the contract shows it, and who chose."""

    compensation: dict
    chosen_by: str


def offered_options(session: Session, scope: ShopScope, incident_id: int) -> list[dict]:
    """Return the options the incident's customer may choose from now, in order."""
    incident = _incident(session, scope, incident_id)
    return [compensation_json(row) for row in _offer(session, incident.id, lock=False)]


def choose(
    session: Session, scope: ShopScope, incident_id: int, option: int, actor: str = "customer"
) -> Choice:
    """Choose option number `option` (from 1) of the incident's offer, and queue it alone.

    Refused when the incident has no open offer (none was made, or a choice was
    already made, or the default applied) or `option` is not one of it. An option
    that no longer fits the caps (staff refunded the shipping meanwhile) is refused
    and the others stay open.
    """
    incident = _incident(session, scope, incident_id)
    rows = _offer(session, incident.id, lock=True)
    if not rows:
        raise InvalidInput(f"incident {incident_id} has no choice open: it was made already")
    chosen = next((row for row in rows if row.option == option), None)
    if chosen is None:
        numbers = ", ".join(str(row.option) for row in rows)
        raise InvalidInput(f"option {option!r} is not offered; choose one of {numbers}")
    why = why_it_no_longer_fits(session, incident, chosen)
    if why is not None:
        raise InvalidInput(f"option {option} is no longer possible: {why}")
    _settle(session, incident, rows, chosen, actor)
    return Choice(compensation_json(chosen), actor)


@dataclass(frozen=True)
class DueOffers:
    """What one batch of offers past their time came to."""

    checked: int
    applied: int


def apply_due_defaults(session: Session, now: datetime, limit: int = 500) -> DueOffers:
    """Apply the default option of each offer not chosen by `now`, of installed shops."""
    due = session.scalars(
        select(CompensationRecord)
        .join(Shop, Shop.id == CompensationRecord.shop_id)
        .where(
            CompensationRecord.choose_by <= now,
            CompensationRecord.status == OFFERED,
            Shop.status == ACTIVE,
        )
        .order_by(CompensationRecord.choose_by, CompensationRecord.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=CompensationRecord)
    ).all()
    applied = 0
    for incident_id in dict.fromkeys(row.incident_id for row in due):
        incident = session.get(Incident, incident_id)
        rows = _offer(session, incident_id, lock=True)
        if incident is None or not rows:
            continue
        default = next((row for row in rows if row.is_default), rows[0])
        why = why_it_no_longer_fits(session, incident, default)
        if why is not None:
            _withdraw(session, incident, rows, why)
            continue
        _settle(session, incident, rows, default, "system")
        applied += 1
    return DueOffers(len(due), applied)


def _settle(
    session: Session,
    incident: Incident,
    rows: list[CompensationRecord],
    chosen: CompensationRecord,
    actor: str,
) -> None:
    now = clock_of(session).now()
    for row in rows:
        row.choose_by = None
        if row is not chosen:
            row.status = NOT_CHOSEN
    chosen.chosen_by, chosen.chosen_at = actor, now
    queue_execution(session, incident, chosen)
    detail = {
        "key": chosen.idempotency_key,
        "option": chosen.option,
        "kind": chosen.kind,
        "by_default": actor == "system",
    }
    add_timeline(session, incident.id, "compensation_chosen", detail, actor=actor)


def _withdraw(
    session: Session, incident: Incident, rows: list[CompensationRecord], why: str
) -> None:
    """Close an offer whose default no longer fits the caps, saying which one."""
    for row in rows:
        row.status, row.choose_by = WITHDRAWN, None
        row.explanation = f"{row.explanation}; withdrawn: {why}"
    detail = {"keys": [row.idempotency_key for row in rows], "reason": why}
    add_timeline(session, incident.id, "compensation_failed", detail)


def _incident(session: Session, scope: ShopScope, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None or not scope.covers(incident.shop_id):
        raise NotFound(f"no incident with id {incident_id}")
    return incident


def _offer(session: Session, incident_id: int, *, lock: bool) -> list[CompensationRecord]:
    """Return the incident's open offer (its latest decision still offered), locked if asked."""
    query = (
        select(CompensationRecord)
        .where(CompensationRecord.incident_id == incident_id, CompensationRecord.status == OFFERED)
        .order_by(CompensationRecord.decision.desc(), CompensationRecord.option)
    )
    rows = list(session.scalars(query.with_for_update() if lock else query))
    latest = rows[0].decision if rows else None
    return [row for row in rows if row.decision == latest]
