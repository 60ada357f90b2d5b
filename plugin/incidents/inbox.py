"""The incident inbox: one shop's incidents, filtered, searched and paged by keyset.

The panel and the operator's CLI both read incidents through here. Every read takes
a `ShopScope`, so a caller cannot forget whose rows it may see. Pages are keyset
pages on the incident id (newest first): the next page starts below the last id
shown, so a page deep in the inbox costs what the first one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload

from plugin.errors import InvalidInput
from plugin.incidents import KINDS, STATUSES, search
from plugin.incidents.states import (
    ACKNOWLEDGED,
    AWAITING_CUSTOMER,
    CLOSED,
    IN_PROGRESS,
    OPEN,
    RESOLVED,
)
from plugin.scope import Q, ShopScope
from plugin.storage.models import MAX_ROW_ID, Incident, IncidentCount, Shop

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_QUERY_LENGTH = 200
PLATFORMS = frozenset({"shopify", "woocommerce"})
# The statuses in the order an incident goes through them, as the counts are shown.
LIFECYCLE = (OPEN, ACKNOWLEDGED, IN_PROGRESS, AWAITING_CUSTOMER, RESOLVED, CLOSED)


class InvalidFilter(InvalidInput):
    """A filter of the inbox that cannot be used; `field` names it for the form."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.reason = message


@dataclass(frozen=True)
class InboxFilter:
    """What the merchant narrowed the inbox to; every field optional."""

    status: str | None = None
    kind: str | None = None
    platform: str | None = None
    q: str | None = None  # an order (name or id) or a customer's e-mail
    age_days: int | None = None  # opened at least this many days ago
    before_id: int | None = None  # the keyset cursor: incidents with a smaller id
    limit: int = DEFAULT_LIMIT

    @classmethod
    def parse(cls, args: Mapping[str, Any]) -> InboxFilter:
        """Read the filter from query arguments; refuse each bad one by name."""
        return cls(
            status=_choice(args, "status", STATUSES),
            kind=_choice(args, "kind", KINDS),
            platform=_choice(args, "platform", PLATFORMS),
            q=_search(args.get("q")),
            age_days=_whole(args, "age", 0, 3650),
            before_id=_whole(args, "cursor", 1, MAX_ROW_ID),
            limit=_whole(args, "limit", 1, MAX_LIMIT) or DEFAULT_LIMIT,
        )

    def arguments(self) -> dict[str, str]:
        """Return the filter as query arguments (no cursor), for links to other pages."""
        values = {
            "status": self.status,
            "kind": self.kind,
            "platform": self.platform,
            "q": self.q,
            "age": None if self.age_days is None else str(self.age_days),
            "limit": None if self.limit == DEFAULT_LIMIT else str(self.limit),
        }
        return {name: value for name, value in values.items() if value}


def _text(args: Mapping[str, Any], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _choice(args: Mapping[str, Any], name: str, allowed: frozenset[str]) -> str | None:
    value = _text(args, name)
    if value is not None and value not in allowed:
        raise InvalidFilter(name, f"must be one of {', '.join(sorted(allowed))}, got {value!r}")
    return value


def _whole(args: Mapping[str, Any], name: str, lowest: int, highest: int) -> int | None:
    value = _text(args, name)
    if value is None:
        return None
    if not value.isdigit() or not lowest <= int(value) <= highest:
        raise InvalidFilter(name, f"must be a whole number from {lowest} to {highest}")
    return int(value)


def _search(value: Any) -> str | None:
    text = str(value or "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidFilter("q", f"search for at most {MAX_QUERY_LENGTH} characters")
    if "\x00" in text:  # in no order name or e-mail, and PostgreSQL refuses it in text
        raise InvalidFilter("q", "search for text without NUL characters")
    return text or None


@dataclass(frozen=True)
class InboxPage:
    """One page of the inbox: its incidents, the cursor of the next page, the total."""

    incidents: list[Incident]
    total: int
    next_cursor: int | None
    counts: dict[str, int] = field(default_factory=dict)


def _filtered(
    session: Session, scope: ShopScope, wanted: InboxFilter, now: datetime
) -> Select[Any]:
    """Return the incidents `wanted` picks within `scope`, as a query to refine."""
    query = scope.filter(select(Incident), Incident.shop_id)
    if wanted.status:
        query = query.where(Incident.status == wanted.status)
    if wanted.kind:
        query = query.where(Incident.kind == wanted.kind)
    if wanted.platform:
        query = query.where(Incident.shop_id.in_(_shops_of(wanted.platform)))
    if wanted.age_days is not None:
        query = query.where(Incident.created_at <= now - timedelta(days=wanted.age_days))
    if wanted.q:
        query = query.where(search.matching(session, wanted.q))
    return query


def _shops_of(platform: str) -> Select[Any]:
    return select(Shop.id).where(Shop.platform == platform)


def inbox_page(session: Session, scope: ShopScope, wanted: InboxFilter, now: datetime) -> InboxPage:
    """Return the page of incidents `wanted` asks for, newest first, within `scope`."""
    picked = _filtered(session, scope, wanted, now)
    query = picked
    if wanted.before_id is not None:
        query = query.where(Incident.id < wanted.before_id)
    rows = list(
        session.scalars(
            query.options(joinedload(Incident.shop))
            .order_by(Incident.id.desc())
            .limit(wanted.limit + 1)
        )
    )
    more = len(rows) > wanted.limit
    rows = rows[: wanted.limit]
    if wanted.before_id is None and not more:
        total = len(rows)  # the first page holds them all: nothing left to count
    else:
        total = _total(session, scope, wanted, picked)
    return InboxPage(rows, total, rows[-1].id if more and rows else None)


def _total(session: Session, scope: ShopScope, wanted: InboxFilter, picked: Select[Any]) -> int:
    """Count what `wanted` picks: from the kept counts when they can say, else `picked`.

    Status, kind and platform are what the counts are kept by; a search or an age
    needs the incidents themselves.
    """
    if wanted.q is None and wanted.age_days is None:
        kept = _counted(scope, select(func.coalesce(func.sum(IncidentCount.number), 0)))
        if wanted.status:
            kept = kept.where(IncidentCount.status == wanted.status)
        if wanted.kind:
            kept = kept.where(IncidentCount.kind == wanted.kind)
        if wanted.platform:
            kept = kept.where(IncidentCount.shop_id.in_(_shops_of(wanted.platform)))
        return int(session.scalar(kept) or 0)
    counted = picked.with_only_columns(func.count(Incident.id))
    return session.scalar(counted.order_by(None)) or 0


def _counted(scope: ShopScope, query: Q) -> Q:
    return scope.filter(query, IncidentCount.shop_id)


def status_counts(session: Session, scope: ShopScope) -> dict[str, int]:
    """Count the incidents within `scope` per status; every status is present.

    The counts are kept by the database as incidents come, move and go (see
    `IncidentCount`), so this reads a few rows however many incidents there are.
    """
    grouped = select(IncidentCount.status, func.sum(IncidentCount.number))
    query = _counted(scope, grouped.group_by(IncidentCount.status))
    counts = dict.fromkeys(LIFECYCLE, 0)
    counts.update({status: int(number) for status, number in session.execute(query)})
    return counts
