"""Outcome metrics: how fast incidents were handled, whether customers kept hearing, who came back.

Read from the incident timeline of the incidents opened in the period (customer
incidents only: a `quality` incident has no customer):

- acknowledgement: opened -> the acknowledgement sent (or the move to acknowledged);
- first response: opened -> the first thing a person of the shop did (actor `staff`);
- resolution: opened -> the first move to resolved;
- cadence: an incident with a customer address is kept when, while it was open, no
  more than the shop's `update_every_days` (and a day's grace) passed without a message;
- incidents per 100 orders placed in the period;
- recovery: the customers whose incident was resolved, and how many ordered again
  within 90 days of it (guides cite ~70 %), split by whether a compensation was
  issued. A customer whose 90 days are not over and who has not come back yet is
  `waiting`, in neither count.

- compensation spend by kind, and each month's spend against the budget (`spend.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from plugin.incidents import MERCHANT_KINDS
from plugin.incidents.care import CareSettings
from plugin.reports.figures import Durations, Share, ShareRow, TimingRow
from plugin.reports.period import Period
from plugin.reports.spend import Spend, compensation_spend
from plugin.scope import ShopScope
from plugin.storage.models import Incident, Order, Shop, TimelineEntry

RECOVERY_WINDOW = timedelta(days=90)
CADENCE_GRACE = timedelta(days=1)
_TIMELINE_TYPES = ("message_sent", "status_changed", "reopened", "compensation_issued")


@dataclass
class _Case:
    """What one incident's timeline says, reduced to the times the metrics need."""

    incident: Incident
    acknowledged: datetime | None = None
    responded: datetime | None = None
    resolved: datetime | None = None
    messages: list[datetime] = field(default_factory=list)
    compensated: bool = False


@dataclass(frozen=True)
class Outcomes:
    """The outcome figures of a scope over a period."""

    incidents: int
    orders: int
    acknowledgement: Durations
    first_response: Durations
    resolution: Durations
    cadence_kept: Share
    recovery: Share
    recovery_compensated: Share
    recovery_not_compensated: Share
    compensation_spend: Spend

    @property
    def incidents_per_100_orders(self) -> float | None:
        """Return incidents opened per 100 orders placed; None without orders."""
        return round(100 * self.incidents / self.orders, 2) if self.orders else None

    def timings(self) -> list[TimingRow]:
        """Return the three durations as rows of one table."""
        named = {
            "time_to_acknowledgement": self.acknowledgement,
            "time_to_first_response": self.first_response,
            "time_to_resolution": self.resolution,
        }
        return [
            TimingRow(name, d.count, d.median_seconds, d.p90_seconds) for name, d in named.items()
        ]

    def shares(self) -> list[ShareRow]:
        """Return cadence kept and recovery as rows of one table."""
        named = {
            "cadence_kept": self.cadence_kept,
            "recovery": self.recovery,
            "recovery_with_compensation": self.recovery_compensated,
            "recovery_without_compensation": self.recovery_not_compensated,
        }
        return [ShareRow(name, s.whole, s.part, s.waiting, s.rate) for name, s in named.items()]

    def as_json(self) -> dict[str, Any]:
        """Return the figures as `reports outcomes --json` prints them."""
        return {
            "incidents": self.incidents,
            "orders": self.orders,
            "incidents_per_100_orders": self.incidents_per_100_orders,
            "time_to_acknowledgement": self.acknowledgement.as_json(),
            "time_to_first_response": self.first_response.as_json(),
            "time_to_resolution": self.resolution.as_json(),
            "cadence_kept": self.cadence_kept.as_json(),
            "recovery": self.recovery.as_json(),
            "recovery_with_compensation": self.recovery_compensated.as_json(),
            "recovery_without_compensation": self.recovery_not_compensated.as_json(),
            "compensation_spend": self.compensation_spend.as_json(),
        }


def outcomes(session: Session, scope: ShopScope, period: Period, now: datetime) -> Outcomes:
    """Return the outcome figures of the incidents opened in `period`, as of `now`."""
    cases = _cases(session, scope, period)
    done = [case for case in cases if case.resolved is not None]
    compensated = [case for case in done if case.compensated]
    return Outcomes(
        incidents=len(cases),
        orders=_orders_placed(session, scope, period),
        acknowledgement=_durations(cases, "acknowledged"),
        first_response=_durations(cases, "responded"),
        resolution=_durations(cases, "resolved"),
        cadence_kept=_cadence(session, cases, now),
        recovery=_recovery(session, done, now),
        recovery_compensated=_recovery(session, compensated, now),
        recovery_not_compensated=_recovery(
            session, [case for case in done if not case.compensated], now
        ),
        compensation_spend=compensation_spend(session, scope, period),
    )


def _cases(session: Session, scope: ShopScope, period: Period) -> list[_Case]:
    query: Select[Any] = select(Incident).where(
        Incident.created_at >= period.since,
        Incident.created_at < period.until,
        Incident.kind.not_in(sorted(MERCHANT_KINDS)),
    )
    cases = {
        incident.id: _Case(incident)
        for incident in session.scalars(scope.filter(query, Incident.shop_id))
    }
    entries = select(TimelineEntry).where(
        TimelineEntry.incident_id.in_(list(cases)),
        or_(TimelineEntry.type.in_(_TIMELINE_TYPES), TimelineEntry.actor.startswith("staff")),
    )
    for entry in session.scalars(entries.order_by(TimelineEntry.at, TimelineEntry.id)):
        _note(cases[entry.incident_id], entry)
    return list(cases.values())


def _note(case: _Case, entry: TimelineEntry) -> None:
    detail = entry.detail or {}
    if entry.type == "message_sent":
        case.messages.append(entry.at)
        if detail.get("stage") == "acknowledgement":
            case.acknowledged = case.acknowledged or entry.at
    if entry.type == "status_changed" and detail.get("to") == "acknowledged":
        case.acknowledged = case.acknowledged or entry.at
    if entry.type == "status_changed" and detail.get("to") == "resolved":
        case.resolved = case.resolved or entry.at
    if entry.actor.startswith("staff"):
        case.responded = case.responded or entry.at
    if entry.type == "compensation_issued":
        case.compensated = True


def _durations(cases: list[_Case], moment: str) -> Durations:
    return Durations.of(
        [
            (getattr(case, moment) - case.incident.created_at).total_seconds()
            for case in cases
            if getattr(case, moment) is not None
        ]
    )


def _orders_placed(session: Session, scope: ShopScope, period: Period) -> int:
    query: Select[Any] = select(func.count()).where(
        Order.placed_at >= period.since, Order.placed_at < period.until
    )
    return session.scalar(scope.filter(query, Order.shop_id)) or 0


def _cadence(session: Session, cases: list[_Case], now: datetime) -> Share:
    """Count the incidents with a customer that never went silent past the shop's cadence."""
    watched = [case for case in cases if case.incident.customer_email]
    settings = {
        shop.id: CareSettings.of(shop.settings)
        for shop in session.scalars(
            select(Shop).where(Shop.id.in_({case.incident.shop_id for case in watched}))
        )
    }
    kept = 0
    for case in watched:
        care = settings.get(case.incident.shop_id) or CareSettings()
        allowed = timedelta(days=care.update_every_days) + CADENCE_GRACE
        times = [case.incident.created_at, *case.messages, case.resolved or now]
        times = [t for t in sorted(times) if t <= (case.resolved or now)]
        kept += all(
            later - earlier <= allowed for earlier, later in zip(times, times[1:], strict=False)
        )
    return Share(len(watched), kept)


def _recovery(session: Session, cases: list[_Case], now: datetime) -> Share:
    """Count the customers of resolved incidents who ordered again within 90 days of it."""
    resolved_at: dict[tuple[int, str], datetime] = {}
    for case in cases:
        email = (case.incident.customer_email or "").lower()
        if email and case.resolved is not None:
            key = (case.incident.shop_id, email)
            resolved_at[key] = min(resolved_at.get(key, case.resolved), case.resolved)
    if not resolved_at:
        return Share(0, 0)
    orders: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    emails = sorted({email for _, email in resolved_at})
    query = select(Order.shop_id, func.lower(Order.customer_email), Order.placed_at).where(
        func.lower(Order.customer_email).in_(emails),
        Order.shop_id.in_(sorted({shop for shop, _ in resolved_at})),
        Order.placed_at > min(resolved_at.values()),
    )
    for shop_id, email, placed_at in session.execute(query):
        orders[(shop_id, email)].append(placed_at)
    came_back = waiting = 0
    for key, resolved in resolved_at.items():
        if any(resolved < placed <= resolved + RECOVERY_WINDOW for placed in orders[key]):
            came_back += 1
        elif resolved + RECOVERY_WINDOW > now:
            waiting += 1
    return Share(len(resolved_at) - waiting, came_back, waiting)
