"""The compensations an incident has: their statuses, keys, amounts and how they are shown.

pending_approval -> (approved) queued | denied | withdrawn
offered -> (chosen, or the default in time) queued | not_chosen
queued -> issued | failed
given_by_staff: seen in the store, never executed by Amends.

What counts against the caps: what went out or is on its way (queued, issued,
given_by_staff), and what may still go out (pending_approval, offered: the
dearest option of each decision), so that two decisions never share one room.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from plugin.compensation.money import Money
from plugin.storage.models import CompensationRecord

PENDING_APPROVAL = "pending_approval"
OFFERED = "offered"
QUEUED = "queued"
ISSUED = "issued"
FAILED = "failed"
DENIED = "denied"
WITHDRAWN = "withdrawn"  # approved when the caps left nothing, or staff gave it first
NOT_CHOSEN = "not_chosen"
GIVEN_BY_STAFF = "given_by_staff"
STATUSES = (
    PENDING_APPROVAL,
    OFFERED,
    QUEUED,
    ISSUED,
    FAILED,
    DENIED,
    WITHDRAWN,
    NOT_CHOSEN,
    GIVEN_BY_STAFF,
)
SPENT = frozenset({QUEUED, ISSUED, GIVEN_BY_STAFF})
RESERVED = frozenset({PENDING_APPROVAL, OFFERED})
COUNTED = SPENT | RESERVED
# Kinds Amends executes on the store; a gift is a note for staff to fulfil.
COUPON_KINDS = frozenset({"percent_coupon", "fixed_coupon", "free_shipping"})


def compensation_key(incident_id: int, number: int) -> str:
    """Name the n-th compensation of an incident: `incident:12:compensation:3`."""
    return f"incident:{incident_id}:compensation:{number}"


def staff_refund_key(incident_id: int, refund_id: str) -> str:
    """Name a refund staff made in the store, attached to an incident."""
    return f"incident:{incident_id}:staff-refund:{refund_id}"


def of_incident(session: Session, incident_id: int) -> list[CompensationRecord]:
    """Return an incident's compensations, in the order they were decided."""
    return list(session.scalars(_OF_INCIDENT, {"incident_id": incident_id}))


# Built once: every decision reads them.
_OF_INCIDENT = (
    select(CompensationRecord)
    .where(CompensationRecord.incident_id == bindparam("incident_id"))
    .order_by(CompensationRecord.id)
)


def next_numbers(session: Session, incident_id: int) -> tuple[int, int]:
    """Return the incident's next compensation number and next decision number."""
    count, decision = session.execute(
        select(func.count(), func.max(CompensationRecord.decision)).where(
            CompensationRecord.incident_id == incident_id
        )
    ).one()
    return (count or 0) + 1, (decision or 0) + 1


class CountedRow(Protocol):
    """What the caps read of a compensation: a stored one, or only those of its columns."""

    incident_id: int
    decision: int
    status: str
    amount: Decimal
    currency: str
    chosen_at: datetime | None
    approved_at: datetime | None
    created_at: datetime


Counted = TypeVar("Counted", bound=CountedRow)


def counted_at(row: CountedRow) -> datetime:
    """Return when a compensation counts as given: when it was approved or chosen, or decided."""
    return row.chosen_at or row.approved_at or row.created_at


def value_of(row: CountedRow) -> Money:
    """Return what a compensation counts as, as Money."""
    return Money(row.amount, row.currency)


def counted(rows: list[Counted], skip_decision: tuple[int, int] | None = None) -> list[Counted]:
    """Return the rows that count against the caps.

    Each spent one counts, and of each decision still waiting (for approval or a
    choice) its dearest option. `skip_decision` (incident id, decision number)
    leaves out the decision being taken again.
    """
    spent = [row for row in rows if row.status in SPENT]
    waiting: dict[tuple[int, int], Counted] = {}
    for row in rows:
        if row.status not in RESERVED or (row.incident_id, row.decision) == skip_decision:
            continue
        key = (row.incident_id, row.decision)
        if key not in waiting or row.amount > waiting[key].amount:
            waiting[key] = row
    return spent + list(waiting.values())


def compensation_json(row: CompensationRecord) -> dict[str, Any]:
    """Return a compensation as the operator contract and the panel show it."""
    return {
        "id": row.id,
        "shop": row.shop_id,
        "incident": row.incident_id,
        "kind": row.kind,
        "amount": f"{row.amount:f}",
        "currency": row.currency,
        "percent": None if row.percent is None else f"{row.percent:f}",
        "status": row.status,
        "idempotency_key": row.idempotency_key,
        "platform_ref": row.platform_ref,
        "code": row.code,
        "expires_on": row.expires_on.isoformat() if row.expires_on else None,
        "description": row.description,
        "decision": row.decision,
        "option": row.option,
        "default": row.is_default,
        "choose_by": row.choose_by.isoformat() if row.choose_by else None,
        "rule": row.rule,
        "caps": list(row.caps or []),
        "explanation": row.explanation,
        "warnings": list(row.warnings or []),
        "error": row.error,
        "decided_by": row.decided_by,
        "approved_by": row.approved_by,
        "approved_at": row.approved_at.isoformat() if row.approved_at else None,
        "denied_by": row.denied_by,
        "denied_at": row.denied_at.isoformat() if row.denied_at else None,
        "chosen_by": row.chosen_by,
        "issued_at": row.issued_at.isoformat() if row.issued_at else None,
        "created_at": row.created_at.isoformat(),
        "updated_at": row.updated_at.isoformat(),
    }
