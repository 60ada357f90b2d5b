"""Find incidents by their order or their customer's e-mail: the inbox's search.

A search matches an incident whose order name is the text (`#1001` or `1001`), whose
platform order id is the text, or whose customer's e-mail holds the text anywhere,
ASCII letters in either case. B-trees find the orders. A part of an e-mail needs an
index of its trigrams (migration 0020), as no B-tree finds text in the middle:

- PostgreSQL: a GIN index of `lower(customer_email)` (pg_trgm) serves the LIKE
  itself, and the planner weighs it against walking the inbox newest first.
- SQLite: the FTS5 table `incidents_search` (e-mails and orders) names the
  candidates, which the query reads by id: the plan cannot go wrong for want of
  statistics, which SQLite has only where ANALYZE ran. The search's own condition
  still decides, so a search picks exactly the rows it picks without the index.
  FTS5 folds the case of every letter, LIKE only of ASCII ones, and an order named
  whole holds its name, so the candidates hold every row the condition can pick.
  More than `NARROW` candidates (a broad search), or a text shorter than a trigram,
  and the inbox is walked newest first instead, where such matches come close
  together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, text
from sqlalchemy.orm import Session

from plugin.storage.models import INCIDENT_SEARCH_TABLE, Incident

TRIGRAM = 3
# Up to this many candidates, reading each costs less than walking the inbox to the
# 50 newest matches of a search that matches one incident in a few hundred.
NARROW = 1_000
CANDIDATES = text(
    f"SELECT rowid FROM {INCIDENT_SEARCH_TABLE} WHERE {INCIDENT_SEARCH_TABLE} MATCH :query "
    "LIMIT :limit"
)


def matching(session: Session, searched: str) -> ColumnElement[bool]:
    """Return the condition an incident meets when `searched` names its order or customer."""
    part, number = searched.lower(), searched.lstrip("#")
    escaped = part.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    condition = or_(
        Incident.order_name == searched,
        Incident.order_name == (searched if searched.startswith("#") else f"#{searched}"),
        Incident.platform_order_id == number,
        func.lower(Incident.customer_email).like(f"%{escaped}%", escape="\\"),
    )
    candidates = _candidates(session, part, number)
    return condition if candidates is None else and_(Incident.id.in_(candidates), condition)


def _candidates(session: Session, part: str, number: str) -> list[int] | None:
    """Return the ids of the incidents an e-mail `part` or an order `number` may name.

    None when the inbox is to be walked instead: on PostgreSQL (its planner chooses),
    for a text shorter than a trigram, or for more than `NARROW` candidates.
    """
    if _dialect(session) != "sqlite" or min(len(part), len(number)) < TRIGRAM:
        return None
    wanted = _phrase(part)  # in any column: the e-mail's and the orders' alike
    if number != part:
        orders = f"{{order_name platform_order_id}} : {_phrase(number)}"
        wanted = f"customer_email : {wanted} OR {orders}"
    found = list(session.scalars(CANDIDATES, {"query": wanted, "limit": NARROW + 1}))
    return found if len(found) <= NARROW else None


def _phrase(text: str) -> str:
    """Quote `text` as an FTS5 phrase: every character its own, `"` doubled."""
    return '"' + text.replace('"', '""') + '"'


def _dialect(session: Session) -> Any:
    return session.get_bind().dialect.name
