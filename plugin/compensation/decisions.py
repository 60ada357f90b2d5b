"""Decide what an incident earns and keep the decision, in the transaction that calls for it.

An incident is decided when it opens, and again while it is handled for as long as
nothing came of it (a parcel three days late earns what one late by a day did
not). The compensation rows, the timeline entry with the explanation and, for a
grant, the outbox row that executes it are written together: a crash leaves all
of them or none, and a decision taken twice (a retried delivery, two workers)
stores one set, because the rows' idempotency keys are unique.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.actions import queue_execution
from plugin.compensation.decide import GRANT, NEEDS_APPROVAL, NOTHING, OFFER, Decision, decide
from plugin.compensation.gather import Gathered, gather
from plugin.compensation.outcomes import Compensation
from plugin.compensation.records import (
    GIVEN_BY_STAFF,
    OFFERED,
    PENDING_APPROVAL,
    compensation_key,
    next_numbers,
    of_incident,
)
from plugin.incidents.timeline import add_timeline
from plugin.shops import ACTIVE
from plugin.storage.models import CompensationRecord, Incident, Order, Shop
from plugin.storage.upsert import insert_new

log = logging.getLogger("amends.compensation")


def decide_for(
    session: Session,
    incident: Incident,
    *,
    quiet: bool = False,
    order: Order | None = None,
    opened: bool = False,
) -> Decision | None:
    """Decide what `incident` earns, unless Amends decided something for it already.

    Return the decision, or None when it was not taken (decided before, the shop
    uninstalled, the order not known yet). With `quiet`, a decision of nothing
    leaves no timeline entry (the scheduler asks again every few days). `order` is
    the incident's order when the caller read it in this transaction already.
    `opened` says the caller inserted the incident in this transaction: nothing can
    have been decided for it yet, and its compensations need not be read to know.
    """
    decided = not opened and _decided_before(session, incident)
    if decided or not _shop_active(session, incident):
        return None
    gathered = gather(session, incident, clock_of(session).now(), order=order)
    if isinstance(gathered, str):
        if not quiet:
            add_timeline(session, incident.id, "compensation_decided", _waiting(gathered))
        return None
    decision = decide_from(gathered)
    if decision.action == NOTHING and quiet:
        return decision
    store_decision(session, incident, decision)
    return decision


def decide_from(gathered: Gathered, *, approved: bool = False) -> Decision:
    """Run the policy over what was gathered."""
    return decide(
        gathered.policy,
        gathered.facts,
        gathered.history,
        gathered.spend_so_far,
        gathered.given,
        approved=approved,
    )


def store_decision(
    session: Session, incident: Incident, decision: Decision, actor: str = "system"
) -> list[CompensationRecord]:
    """Write the decision's compensations, its timeline entry and, for a grant, its execution."""
    rows: list[CompensationRecord] = []
    if decision.action != NOTHING:
        rows = _insert_rows(session, incident, decision, actor)
        if not rows:
            return []  # the same decision was stored by another worker
    detail = decision.to_json() | {"keys": [row.idempotency_key for row in rows]}
    add_timeline(session, incident.id, "compensation_decided", detail, actor=actor)
    if decision.action == GRANT:
        for row in rows:
            queue_execution(session, incident, row)
    elif decision.action == OFFER:
        offered = {"choose_by": rows[0].choose_by.isoformat() if rows[0].choose_by else None}
        add_timeline(session, incident.id, "compensation_offered", offered, actor=actor)
    log.info(
        "compensation.decided",
        extra={"incident": incident.id, "action": decision.action, "rule": decision.rule},
    )
    return rows


def _insert_rows(
    session: Session, incident: Incident, decision: Decision, actor: str
) -> list[CompensationRecord]:
    number, decision_number = next_numbers(session, incident.id)
    status = {GRANT: None, OFFER: OFFERED, NEEDS_APPROVAL: PENDING_APPROVAL}[decision.action]
    offer = decision.action == OFFER or decision.proposed == OFFER
    choose_by = None
    if decision.action == OFFER and decision.choose_within_days:
        choose_by = clock_of(session).now() + timedelta(days=decision.choose_within_days)
    rows = []
    for place, compensation in enumerate(decision.compensations):
        values = _values(incident, decision, compensation, number + place, decision_number)
        values["created_at"] = values["updated_at"] = clock_of(session).now()
        values |= {
            "status": status or "queued",
            "option": place + 1 if offer else None,
            "is_default": bool(offer and decision.default == place),
            "choose_by": choose_by,
            "decided_by": actor,
        }
        row_id = insert_new(session, CompensationRecord, values, unique=("idempotency_key",))
        if row_id is None:
            return []
        row = session.get(CompensationRecord, row_id)
        if row is not None:
            rows.append(row)
    return rows


def _values(
    incident: Incident, decision: Decision, compensation: Compensation, number: int, decided: int
) -> dict[str, Any]:
    return {
        "shop_id": incident.shop_id,
        "incident_id": incident.id,
        "idempotency_key": compensation_key(incident.id, number),
        "decision": decided,
        "proposed": decision.proposed,
        "kind": compensation.kind,
        "amount": compensation.value.amount,
        "currency": compensation.value.currency,
        "percent": compensation.percent,
        "expires_in_days": compensation.expires_in_days,
        "description": compensation.description or None,
        "rule": decision.rule,
        "caps": list(decision.caps),
        "explanation": decision.explanation,
        "warnings": [],
    }


def _decided_before(session: Session, incident: Incident) -> bool:
    """Tell whether Amends decided something for the incident (staff's gifts aside)."""
    return any(row.status != GIVEN_BY_STAFF for row in of_incident(session, incident.id))


def _shop_active(session: Session, incident: Incident) -> bool:
    shop = session.get(Shop, incident.shop_id)
    return shop is not None and shop.status == ACTIVE


def _waiting(reason: str) -> dict[str, Any]:
    return {"action": NOTHING, "explanation": reason, "compensations": []}
