"""Service targets missed: noted on the incident, and the merchant told once by e-mail.

The scheduler asks only for the incidents whose indexed `sla_due_at` has come (see
plugin.incidents.targets for when that is), of shops still installed. For each it
checks the targets due by then, with the shop's care settings as they are now:

- acknowledgement: the first message had reached the mail server by
  `acknowledge_within_hours` after the incident opened, or the target was missed
  (no address to write to, still waiting, failed, or sent late);
- resolution: the incident is still being handled `resolve_within_days` after it
  opened (or was reopened).

Each target missed is written on the timeline (`sla_breached`) and an alert to the
merchant's address (`merchant_email`) is queued in the outbox in the same
transaction, under the key `incident:12:sla:acknowledgement` (`...:resolution`,
`:2` after a reopen), in the shop's own language. Without an address no alert is
queued, and the timeline entry says why. The incident is then due again when its
next target falls due, or never.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.errors import InvalidInput
from plugin.incidents import customer
from plugin.incidents.care import CareSettings
from plugin.incidents.due import due_rows
from plugin.incidents.states import FINISHED
from plugin.incidents.targets import ACKNOWLEDGEMENT, BREACHES, RESOLUTION, deadlines
from plugin.incidents.timeline import add_timeline
from plugin.messaging.locale import resolve_locale
from plugin.messaging.voice import default_locale
from plugin.outbox import FAILED, MERCHANT_EMAIL, SENT
from plugin.outbox.store import enqueue
from plugin.storage.models import Incident, OutboxEntry, Shop, TimelineEntry

log = logging.getLogger("amends.incidents")

NO_MERCHANT_ADDRESS = "no alert: the shop has no merchant_email in its care settings"
# A shop whose care settings cannot be read is looked at again this much later.
SETTINGS_RETRY = timedelta(hours=1)


def alert_key(incident_id: int, breach: str, number: int = 1) -> str:
    """Name the merchant's alert of one breach: `incident:12:sla:resolution`, then `:2`."""
    key = f"incident:{incident_id}:sla:{breach}"
    return key if number == 1 else f"{key}:{number}"


@dataclass(frozen=True)
class DueTargets:
    """What one batch of incidents due for their targets came to."""

    checked: int
    breached: int


@dataclass(frozen=True)
class Record:
    """What an incident's timeline says of its targets so far."""

    resolving_since: datetime  # when it opened, or was last reopened
    recorded: frozenset[str]  # breaches noted since then (an acknowledgement: ever)
    resolution_breaches: int  # every resolution breach noted, to number the next


def check_due_targets(session: Session, now: datetime, limit: int = 500) -> DueTargets:
    """Check the targets of each active shop's incident due by `now`; at most `limit`."""
    due = due_rows(session, Incident, now, limit, due="sla_due_at")
    return DueTargets(len(due), sum(check_incident(session, incident, now) for incident in due))


def check_incident(session: Session, incident: Incident, now: datetime) -> int:
    """Note each target `incident` missed by `now`, once; set when it is due next."""
    if incident.status in FINISHED:
        incident.sla_due_at = None  # resolved or closed in time: nothing is owed
        return 0
    shop = session.get(Shop, incident.shop_id)
    try:
        care = CareSettings.of(shop.settings if shop else None)
    except InvalidInput as error:
        log.warning(
            "incidents.sla-settings-invalid",
            extra={"incident": incident.id, "shop": incident.shop_id, "error": str(error)},
        )
        incident.sla_due_at = now + SETTINGS_RETRY
        return 0
    record = record_of(session, incident)
    due = deadlines(incident, care, record.resolving_since)
    missed = [
        breach
        for breach in BREACHES
        if breach not in record.recorded
        and due[breach] <= now
        and (breach == RESOLUTION or not _acknowledged_by(session, incident, due[breach]))
    ]
    for breach in missed:
        _note_breach(session, incident, shop, care, breach, due[breach], record)
    upcoming = [due[b] for b in BREACHES if b not in record.recorded and due[b] > now]
    incident.sla_due_at = min(upcoming, default=None)
    return len(missed)


def record_of(session: Session, incident: Incident) -> Record:
    """Read the incident's reopenings and the breaches noted, in order."""
    entries = session.scalars(
        select(TimelineEntry)
        .where(
            TimelineEntry.incident_id == incident.id,
            TimelineEntry.type.in_(("reopened", "sla_breached")),
        )
        .order_by(TimelineEntry.id)
    )
    since, recorded, resolutions = incident.created_at, set[str](), 0
    for entry in entries:
        if entry.type == "reopened":
            since = entry.at
            recorded.discard(RESOLUTION)
            continue
        breach = str(entry.detail.get("breach"))
        recorded.add(breach)
        resolutions += breach == RESOLUTION
    return Record(since, frozenset(recorded), resolutions)


def _acknowledgement(session: Session, incident: Incident) -> OutboxEntry | None:
    key = customer.message_key(incident.id, customer.ACKNOWLEDGEMENT)
    return session.scalar(select(OutboxEntry).where(OutboxEntry.idempotency_key == key))


def _acknowledged_by(session: Session, incident: Incident, due: datetime) -> bool:
    """Tell whether the mail server had taken the acknowledgement by `due`."""
    entry = _acknowledgement(session, incident)
    return (
        entry is not None
        and entry.status == SENT
        and entry.sent_at is not None
        and entry.sent_at <= due
    )


def _why_unacknowledged(session: Session, incident: Incident) -> dict[str, Any]:
    """Say what became of the acknowledgement: never queued, waiting, failed or late."""
    entry = _acknowledgement(session, incident)
    if entry is None:
        return {"acknowledgement": "no_address"}
    if entry.status == SENT and entry.sent_at is not None:
        return {"acknowledgement": "sent_late", "acknowledged_at": entry.sent_at.isoformat()}
    return {"acknowledgement": "failed" if entry.status == FAILED else "waiting"}


def _note_breach(
    session: Session,
    incident: Incident,
    shop: Shop | None,
    care: CareSettings,
    breach: str,
    due: datetime,
    record: Record,
) -> None:
    """Write the breach on the timeline and queue the merchant's alert, if there is an address."""
    target = (
        {"target_hours": care.acknowledge_within_hours}
        if breach == ACKNOWLEDGEMENT
        else {"target_days": care.resolve_within_days(incident.kind)}
    )
    facts = target | (_why_unacknowledged(session, incident) if breach == ACKNOWLEDGEMENT else {})
    detail: dict[str, Any] = {"breach": breach, "due_at": due.isoformat()} | facts
    if care.merchant_email is None:
        detail |= {"alert": None, "reason": NO_MERCHANT_ADDRESS}
    else:
        number = record.resolution_breaches + 1 if breach == RESOLUTION else 1
        key = alert_key(incident.id, breach, number)
        payload = {
            "to": care.merchant_email,
            "breach": breach,
            "locale": resolve_locale(None, None, default_locale(shop.settings if shop else None)),
            "incident_id": incident.id,
            "incident_kind": incident.kind,
            "order_name": incident.order_name or incident.platform_order_id,
            "opened_at": (
                incident.created_at if breach == ACKNOWLEDGEMENT else record.resolving_since
            ).isoformat(),
            "timezone": care.calendar.timezone,
        } | facts
        if (
            enqueue(
                session,
                shop_id=incident.shop_id,
                incident_id=incident.id,
                key=key,
                kind=MERCHANT_EMAIL,
                payload=payload,
            )
            is None
        ):
            return  # alerted before: the breach is on the timeline already
        detail["alert"] = key
    add_timeline(session, incident.id, "sla_breached", detail)
    log.warning(
        "incidents.sla-breached",
        extra={"incident": incident.id, "shop": incident.shop_id, "breach": breach},
    )
