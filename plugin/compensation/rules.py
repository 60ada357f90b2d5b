"""Find the rule that decides an incident, and say why it matched.

Rules are tried in the policy's order; the first whose every condition holds
decides. Each condition that holds is said in words ("3 days late ≥ 3"), so the
merchant reads on the incident why this rule and not another.
"""

from __future__ import annotations

from decimal import Decimal

from plugin.compensation.facts import CustomerHistory, IncidentFacts
from plugin.compensation.money import Money
from plugin.compensation.policy import Policy, Rule, Vip, When


def matching_rule(
    policy: Policy, facts: IncidentFacts, history: CustomerHistory, currency: str
) -> tuple[Rule, list[str]] | None:
    """Return the first rule matching the incident, with the conditions it met in words."""
    for rule in policy.rules:
        met = conditions_met(rule.when, policy.vip, facts, history, currency)
        if met is not None:
            return rule, met or ["it matches every incident"]
    return None


def conditions_met(
    when: When, vip: Vip | None, facts: IncidentFacts, history: CustomerHistory, currency: str
) -> list[str] | None:
    """Return each condition of `when` in words, or None as soon as one does not hold."""
    met: list[str] = []
    checks = (
        _kind(when, facts),
        _days_late(when, facts),
        _at_least("order", facts.order_value, when.order_value_at_least, currency),
        _at_least("item", facts.item_value, when.item_value_at_least, currency),
        _shipping(when, facts),
        _customer(when, vip, history, currency),
        _previous_incidents(when, facts, history),
    )
    for check in checks:
        if check is False:
            return None
        if isinstance(check, str):
            met.append(check)
    return met


def vip_because(vip: Vip | None, history: CustomerHistory, currency: str) -> str | None:
    """Say why the customer is a VIP, or return None when they are not.

    Lifetime spend in another currency than the policy's says nothing (no rate
    converts it); the order count still may.
    """
    if vip is None:
        return None
    if vip.orders_at_least is not None and history.orders_count >= vip.orders_at_least:
        return f"{history.orders_count} orders ≥ {vip.orders_at_least}"
    spend, threshold = history.lifetime_spend, vip.lifetime_spend_at_least
    if spend is not None and threshold is not None and spend.currency == currency:
        if spend >= Money(threshold, currency):
            return f"lifetime spend {spend} ≥ {Money(threshold, currency)}"
    return None


def _kind(when: When, facts: IncidentFacts) -> str | bool:
    if not when.kinds:
        return True
    return facts.kind.replace("_", " ") if facts.kind in when.kinds else False


def _days_late(when: When, facts: IncidentFacts) -> str | bool:
    if when.days_late_at_least is None:
        return True
    if facts.days_late is None or facts.days_late < when.days_late_at_least:
        return False
    return f"{facts.days_late} days late ≥ {when.days_late_at_least}"


def _at_least(
    what: str, value: Money | None, threshold: Decimal | None, currency: str
) -> str | bool:
    if threshold is None:
        return True
    floor = Money(threshold, currency)
    if value is None or value < floor:
        return False
    return f"{what} {value} ≥ {floor}"


def _shipping(when: When, facts: IncidentFacts) -> str | bool:
    if when.shipping_paid is None:
        return True
    if when.shipping_paid != (not facts.shipping_paid.is_zero()):
        return False
    return f"shipping paid {facts.shipping_paid}" if when.shipping_paid else "shipping was free"


def _customer(when: When, vip: Vip | None, history: CustomerHistory, currency: str) -> str | bool:
    if when.customer is None:
        return True
    because = vip_because(vip, history, currency)
    if when.customer == "vip":
        return f"VIP customer ({because})" if because else False
    return "not a VIP customer" if because is None else False


def _previous_incidents(when: When, facts: IncidentFacts, history: CustomerHistory) -> str | bool:
    if when.previous_incidents is None:
        return True
    wanted, days = when.previous_incidents.at_least, when.previous_incidents.within_days
    earlier = history.incidents_within(days, facts.at)
    if earlier < wanted:
        return False
    return f"{earlier} earlier incidents in {days} days ≥ {wanted}"
