"""What each cap leaves for this incident, after what was given already.

A cap is a ceiling nothing exceeds. What this incident already had (from staff or
from Amends) and what the customer and the shop received before are taken off
first; what is left, never below zero, is the room a new compensation must fit in.
"""

from __future__ import annotations

from dataclasses import dataclass

from plugin.compensation.facts import CustomerHistory, Given, IncidentFacts
from plugin.compensation.money import Money, total
from plugin.compensation.policy import Policy


@dataclass(frozen=True)
class Limit:
    """One cap as it stands for this incident."""

    name: str  # per_incident_amount, per_incident_share, per_customer_amount, monthly_budget
    room: Money  # what is left under it, never below zero
    words: str  # the cap in a merchant's words, with what it was counted from


@dataclass(frozen=True)
class Situation:
    """Everything the caps are counted from."""

    policy: Policy
    facts: IncidentFacts
    history: CustomerHistory
    spend_so_far: Money  # the shop's compensations this calendar month, in the policy currency
    given: tuple[Given, ...]
    currency: str

    def given_total(self) -> Money:
        """Return what this incident had already."""
        return total([given.value for given in self.given], self.currency)


def limits(situation: Situation) -> list[Limit]:
    """Return every money cap the policy sets, as it stands for this incident."""
    found = [
        _per_incident_amount(situation),
        _per_incident_share(situation),
        _per_customer_amount(situation),
        _monthly_budget(situation),
    ]
    return [limit for limit in found if limit is not None]


def customer_count_left(situation: Situation) -> tuple[int | None, str]:
    """Return how many more compensations the customer may have (None: no count cap), in words."""
    cap = situation.policy.caps.per_customer
    if cap.count is None:
        return None, ""
    earlier = situation.history.compensations_within(cap.window_days, situation.facts.at)
    had = len(earlier) + len(situation.given)
    words = f"the per-customer cap of {cap.count} compensations in {cap.window_days} days"
    return max(cap.count - had, 0), f"{words} ({had} had)"


def _left(cap: Money, used: Money) -> Money:
    """Return what `cap` leaves once `used` is taken off, never below zero."""
    return max(cap - used, Money.zero(cap.currency))


def _used(words: str, used: Money, what: str = "already given") -> str:
    """Add what was taken off a cap to its words."""
    return words if used.is_zero() else f"{words}, {used} {what}"


def _per_incident_amount(situation: Situation) -> Limit | None:
    amount = situation.policy.caps.per_incident.amount
    if amount is None:
        return None
    cap, used = Money.at_most(amount, situation.currency), situation.given_total()
    words = _used(f"the per-incident cap of {cap}", used)
    return Limit("per_incident_amount", _left(cap, used), words)


def _per_incident_share(situation: Situation) -> Limit | None:
    share = situation.policy.caps.per_incident.share_of_order
    if share is None:
        return None
    order = situation.facts.order_value
    cap, used = order.percent_of(share), situation.given_total()
    words = _used(f"the per-incident cap of {share:f} % of {order} = {cap}", used)
    return Limit("per_incident_share", _left(cap, used), words)


def _per_customer_amount(situation: Situation) -> Limit | None:
    per_customer = situation.policy.caps.per_customer
    if per_customer.amount is None:
        return None
    cap = Money.at_most(per_customer.amount, situation.currency)
    words = f"the per-customer cap of {cap} in {per_customer.window_days} days"
    earlier = situation.history.compensations_within(per_customer.window_days, situation.facts.at)
    foreign = [given.value for given in earlier if given.value.currency != situation.currency]
    if foreign:
        # Amounts in other currencies cannot be added up without a rate: count the cap as reached.
        words += f" (cannot be counted: {foreign[0]} was given in another currency)"
        return Limit("per_customer_amount", Money.zero(situation.currency), words)
    used = total([given.value for given in earlier], situation.currency) + situation.given_total()
    return Limit("per_customer_amount", _left(cap, used), _used(words, used, "had"))


def _monthly_budget(situation: Situation) -> Limit | None:
    budget = situation.policy.caps.monthly_budget
    if budget is None:
        return None
    cap, spent = Money.at_most(budget, situation.currency), situation.spend_so_far
    room = _left(cap, spent)
    words = f"the monthly budget of {cap}"
    if not spent.is_zero():
        words += f", {spent} spent, {room} left"
    return Limit("monthly_budget", room, words)
