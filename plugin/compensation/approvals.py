"""The approval queue: what waits for a person, and their approval or denial, audited.

The CLI and the admin panel call these with the scope their caller has (the
operator: every shop; the panel: the shop it authenticated), so a compensation of
another shop is "not found". Approving decides again, as the caps stand now: what
waited may come out smaller, or as nothing, but never above a cap. It then queues
the execution (a grant) or opens the choice (an offer). Denying records who and
why, and nothing executes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.actions import queue_execution
from plugin.compensation.decide import GRANT, NOTHING, OFFER, Decision
from plugin.compensation.decisions import decide_from
from plugin.compensation.gather import gather
from plugin.compensation.records import (
    DENIED,
    OFFERED,
    PENDING_APPROVAL,
    STATUSES,
    WITHDRAWN,
    compensation_json,
)
from plugin.errors import InvalidInput, NotFound
from plugin.incidents.timeline import add_timeline
from plugin.scope import ShopScope
from plugin.storage.models import CompensationRecord, Incident

MAX_REASON_LENGTH = 1000


class NotWaiting(InvalidInput):
    """A compensation that waits for no approval: it was decided already (a conflict)."""


@dataclass(frozen=True)
class Outcome:
    """What an approval or a choice came to: the rows as they are now, and in words."""

    action: str  # grant, offer, nothing, denied
    compensations: tuple[dict[str, Any], ...]
    explanation: str


def list_compensations(
    session: Session,
    scope: ShopScope,
    *,
    pending_only: bool = False,
    status: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Return the compensations of the scope, newest first; only those awaiting approval."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; statuses are: {', '.join(STATUSES)}")
    query = select(CompensationRecord).order_by(CompensationRecord.id.desc()).limit(limit)
    if scope.shop_id is not None:
        query = query.where(CompensationRecord.shop_id == scope.shop_id)
    if pending_only:
        status = PENDING_APPROVAL
    if status is not None:
        query = query.where(CompensationRecord.status == status)
    rows = session.scalars(query)
    return [compensation_json(row) for row in rows]


def approval_queue(session: Session, scope: ShopScope, limit: int = 200) -> list[dict[str, Any]]:
    """Return what waits for approval in the scope, oldest first, with its incident's order."""
    query = (
        select(CompensationRecord, Incident)
        .join(Incident, Incident.id == CompensationRecord.incident_id)
        .where(CompensationRecord.status == PENDING_APPROVAL)
        .order_by(CompensationRecord.id)
        .limit(limit)
    )
    if scope.shop_id is not None:
        query = query.where(CompensationRecord.shop_id == scope.shop_id)
    return [
        compensation_json(row)
        | {
            "order": incident.order_name or incident.platform_order_id,
            "incident_kind": incident.kind,
            "customer_email": incident.customer_email,
        }
        for row, incident in session.execute(query)
    ]


def find_compensation(
    session: Session, scope: ShopScope, compensation_id: int
) -> CompensationRecord:
    """Return one compensation of the scope; one of another shop is not found."""
    row = session.get(CompensationRecord, compensation_id)
    if row is None or not scope.covers(row.shop_id):
        raise NotFound(f"no compensation with id {compensation_id}")
    return row


def approve(
    session: Session, scope: ShopScope, compensation_id: int, actor: str = "staff"
) -> Outcome:
    """Approve what waits for approval (the whole decision `compensation_id` belongs to).

    It is decided again within the caps as they stand now; a grant is queued for
    execution, an offer opens the customer's choice, and what no longer fits is
    withdrawn with the reason.
    """
    waiting, incident = _waiting(session, scope, compensation_id)
    now = clock_of(session).now()
    gathered = gather(session, incident, now, skip_decision=waiting[0].decision)
    if isinstance(gathered, str):
        raise InvalidInput(f"compensation {compensation_id} cannot be approved now: {gathered}")
    decision = decide_from(gathered, approved=True)
    for row in waiting:
        row.approved_by, row.approved_at = actor, now
    if decision.action == NOTHING or not decision.compensations:
        _close(waiting, WITHDRAWN, decision.explanation)
    else:
        _apply(session, incident, waiting, decision)
    detail = {"keys": [row.idempotency_key for row in waiting], **decision.to_json()}
    add_timeline(session, incident.id, "compensation_approved", detail, actor=actor)
    return Outcome(
        decision.action, tuple(compensation_json(row) for row in waiting), decision.explanation
    )


def deny(
    session: Session,
    scope: ShopScope,
    compensation_id: int,
    actor: str = "staff",
    reason: str | None = None,
) -> Outcome:
    """Deny what waits for approval: it is recorded with who and why, and nothing executes."""
    reason = (reason or "").strip() or None
    if reason and len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(f"a reason holds at most {MAX_REASON_LENGTH} characters")
    waiting, incident = _waiting(session, scope, compensation_id)
    now = clock_of(session).now()
    for row in waiting:
        row.status, row.denied_by, row.denied_at = DENIED, actor, now
    detail: dict[str, Any] = {"keys": [row.idempotency_key for row in waiting]}
    if reason:
        detail["reason"] = reason
    add_timeline(session, incident.id, "compensation_denied", detail, actor=actor)
    words = f"denied by {actor}" + (f": {reason}" if reason else "")
    return Outcome("denied", tuple(compensation_json(row) for row in waiting), words)


def _waiting(
    session: Session, scope: ShopScope, compensation_id: int
) -> tuple[list[CompensationRecord], Incident]:
    """Lock the decision `compensation_id` belongs to; refuse one that waits for nobody."""
    row = find_compensation(session, scope, compensation_id)
    if row.status != PENDING_APPROVAL:
        raise NotWaiting(
            f"compensation {compensation_id} is {row.status.replace('_', ' ')}, "
            "not waiting for approval"
        )
    rows = list(
        session.scalars(
            select(CompensationRecord)
            .where(
                CompensationRecord.incident_id == row.incident_id,
                CompensationRecord.decision == row.decision,
                CompensationRecord.status == PENDING_APPROVAL,
            )
            .order_by(CompensationRecord.id)
            .with_for_update()
        )
    )
    incident = session.get(Incident, row.incident_id)
    if incident is None:  # the foreign key cascades: cannot happen while the row exists
        raise NotFound(f"no incident for compensation {compensation_id}")
    return rows, incident


def _apply(
    session: Session, incident: Incident, rows: list[CompensationRecord], decision: Decision
) -> None:
    """Make the waiting rows what the decision says now; queue a grant, open an offer."""
    fresh = list(decision.compensations)
    now = clock_of(session).now()
    for place, row in enumerate(rows):
        if place >= len(fresh):
            _close([row], WITHDRAWN, "left out: it no longer fits the caps")
            continue
        given = fresh[place]
        row.kind, row.amount, row.currency = given.kind, given.value.amount, given.value.currency
        row.percent, row.expires_in_days = given.percent, given.expires_in_days
        row.description = given.description or None
        row.rule, row.caps, row.explanation = (
            decision.rule,
            list(decision.caps),
            decision.explanation,
        )
        if decision.action == GRANT:
            queue_execution(session, incident, row)
        elif decision.action == OFFER:
            row.status = OFFERED
            row.option, row.is_default = place + 1, decision.default == place
            row.choose_by = now + timedelta(days=decision.choose_within_days or 7)
    if decision.action == OFFER:
        offered = {"choose_by": rows[0].choose_by.isoformat() if rows[0].choose_by else None}
        add_timeline(session, incident.id, "compensation_offered", offered)


def _close(rows: list[CompensationRecord], status: str, why: str) -> None:
    for row in rows:
        row.status = status
        row.explanation = f"{row.explanation}; {why}" if row.explanation else why
