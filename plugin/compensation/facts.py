"""What a decision is made from, gathered by the caller: the incident, the customer, the past.

The decision itself reads no database and no clock; whoever calls it collects
these values, so the same facts always give the same decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from plugin.compensation.money import CurrencyMismatch, Money
from plugin.compensation.policy import OUTCOME_KINDS


@dataclass(frozen=True)
class IncidentFacts:
    """The incident being decided, and its order.

    `at` is when the decision is made: rolling windows count back from it.
    `shipping_paid` is zero when shipping was free. Every amount is in the
    order's currency.
    """

    kind: str
    at: datetime
    order_value: Money
    shipping_paid: Money
    days_late: int | None = None
    item_value: Money | None = None  # the affected item's, when one item is at fault

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("the decision time must be aware (UTC)")
        for amount in (self.shipping_paid, self.item_value):
            if amount is not None and amount.currency != self.currency:
                raise CurrencyMismatch(
                    f"every amount of an order is in its currency {self.currency}, got {amount}"
                )

    @property
    def currency(self) -> str:
        """Return the order's currency."""
        return self.order_value.currency


@dataclass(frozen=True)
class PastCompensation:
    """A compensation the customer received for an earlier incident."""

    at: datetime
    kind: str
    value: Money


@dataclass(frozen=True)
class CustomerHistory:
    """What the shop knows of the customer beyond this incident.

    `incidents` are the times of their earlier incidents and `compensations`
    what those earned; neither includes the incident being decided.
    """

    orders_count: int = 0
    lifetime_spend: Money | None = None
    incidents: tuple[datetime, ...] = ()
    compensations: tuple[PastCompensation, ...] = ()

    def incidents_within(self, days: int, now: datetime) -> int:
        """Count the earlier incidents of the last `days` days."""
        since = now - timedelta(days=days)
        return sum(1 for at in self.incidents if since < at <= now)

    def compensations_within(self, days: int, now: datetime) -> tuple[PastCompensation, ...]:
        """Return the compensations of the last `days` days."""
        since = now - timedelta(days=days)
        return tuple(given for given in self.compensations if since < given.at <= now)


@dataclass(frozen=True)
class Given:
    """A compensation this incident has had already: by staff in the store, or by Amends.

    It counts against every cap, and its kind is never given again for the incident.
    """

    kind: str
    value: Money
    by: str = "staff"

    def __post_init__(self) -> None:
        if self.kind not in OUTCOME_KINDS:
            raise ValueError(
                f"a compensation is one of {', '.join(OUTCOME_KINDS)}, got {self.kind!r}"
            )
