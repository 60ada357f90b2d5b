"""Whether a compensation decided earlier still fits the caps as they stand now.

An offer waits days for the customer's choice; meanwhile staff may refund the
shipping in the store, or another incident of the customer may be granted
something. Before an option goes out it is measured again against every cap,
with everything given since counted.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.compensation.caps import Situation, customer_count_left, limits
from plugin.compensation.gather import gather
from plugin.compensation.records import value_of
from plugin.storage.models import CompensationRecord, Incident


def why_it_no_longer_fits(
    session: Session, incident: Incident, row: CompensationRecord
) -> str | None:
    """Say which cap `row` would now exceed; None when it still fits them all."""
    gathered = gather(session, incident, clock_of(session).now(), skip_decision=row.decision)
    if isinstance(gathered, str):
        return gathered
    currency = gathered.policy.currency or gathered.facts.currency
    if row.currency != currency:
        return f"it is in {row.currency} and the caps are counted in {currency}"
    situation = Situation(
        gathered.policy,
        gathered.facts,
        gathered.history,
        gathered.spend_so_far,
        gathered.given,
        currency,
    )
    left, words = customer_count_left(situation)
    if left == 0:
        return f"{words} is reached"
    for limit in limits(situation):
        if value_of(row) > limit.room:
            return f"{value_of(row)} no longer fits {limit.words}"
    return None
