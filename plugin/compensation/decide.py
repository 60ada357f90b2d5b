"""Decide what an incident earns: grant, offer a choice, ask for approval, or nothing.

`decide` is a pure function of the policy and the facts the caller gathered. It
never exceeds a cap: what does not fit is made smaller or left out, and what
staff gave already is counted and never given again. Each decision says, in a
merchant's words, which rule matched and which cap bound it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from plugin.compensation.caps import Limit, Situation, customer_count_left, limits
from plugin.compensation.facts import CustomerHistory, Given, IncidentFacts
from plugin.compensation.money import CurrencyMismatch, Money
from plugin.compensation.outcomes import LABELS, Compensation, priced, reduced
from plugin.compensation.policy import OutcomeSpec, Policy, Rule
from plugin.compensation.rules import matching_rule

GRANT = "grant"
OFFER = "offer"
NEEDS_APPROVAL = "needs_approval"
NOTHING = "nothing"


@dataclass(frozen=True)
class Decision:
    """What to do for an incident, and why.

    `compensations` holds the one granted, the two or three offered, or what
    waits for approval; `proposed` says which of grant or offer an approval
    leads to. `default` is the offered compensation (counted from 0) that applies
    when the customer does not choose within `choose_within_days`.
    """

    action: str
    compensations: tuple[Compensation, ...] = ()
    rule: str | None = None
    caps: tuple[str, ...] = ()  # the caps that bound it, by name
    reasons: tuple[str, ...] = ()
    proposed: str | None = None
    default: int | None = None
    choose_within_days: int | None = None

    @property
    def explanation(self) -> str:
        """Return the reasons as one line for the incident's timeline."""
        return "; ".join(self.reasons)

    def most(self) -> Money | None:
        """Return the most this decision can cost: its dearest compensation."""
        return max((given.value for given in self.compensations), default=None, key=_amount)

    def to_json(self) -> dict[str, Any]:
        """Return the decision as the incident keeps it."""
        return {
            "action": self.action,
            "proposed": self.proposed,
            "rule": self.rule,
            "caps": list(self.caps),
            "compensations": [given.to_json() for given in self.compensations],
            "default": self.default,
            "choose_within_days": self.choose_within_days,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class _Fitted:
    """A compensation that fits the caps, and how it came to."""

    compensation: Compensation
    option: int  # its place among the rule's outcomes
    made_smaller: bool


def decide(
    policy: Policy,
    incident_facts: IncidentFacts,
    customer_history: CustomerHistory,
    spend_so_far: Money,
    already_given: tuple[Given, ...] = (),
    *,
    approved: bool = False,
) -> Decision:
    """Decide what the incident earns under `policy`.

    `spend_so_far` is what the shop's compensations cost this calendar month
    (staff's included), in the policy's currency, or the order's when the policy
    names none. `already_given` is what this incident had already. `approved`
    says a person approved: what waited for approval is given, still within
    every cap as the caps stand now.
    """
    currency = policy.currency or incident_facts.currency
    if incident_facts.currency != currency:
        return Decision(NOTHING, reasons=(_foreign(incident_facts.currency, currency),))
    _same_currency(currency, spend_so_far, already_given)
    found = _rule(policy, incident_facts, customer_history, currency)
    if isinstance(found, Decision):
        return found
    rule, reasons = found
    situation = Situation(
        policy, incident_facts, customer_history, spend_so_far, already_given, currency
    )
    left, count_words = customer_count_left(situation)
    if left == 0:
        reasons.append(f"nothing more: {count_words} is reached")
        return Decision(
            NOTHING, rule=rule.name, caps=("per_customer_count",), reasons=tuple(reasons)
        )
    fitted, applied = _fit_outcomes(rule, situation, reasons)
    caps = tuple(dict.fromkeys(applied))
    if not fitted:
        return Decision(NOTHING, rule=rule.name, caps=caps, reasons=tuple(reasons))
    return _conclude(rule, fitted, situation, reasons, caps, approved)


def _rule(
    policy: Policy, facts: IncidentFacts, history: CustomerHistory, currency: str
) -> tuple[Rule, list[str]] | Decision:
    """Return the rule that decides, with its reasons, or the decision that none does."""
    found = matching_rule(policy, facts, history, currency)
    if found is None:
        return Decision(NOTHING, reasons=(f"no rule matched this {facts.kind.replace('_', ' ')}",))
    rule, met = found
    return rule, [f"rule {rule.name!r} matched ({'; '.join(met)})"]


def _fit_outcomes(
    rule: Rule, situation: Situation, reasons: list[str]
) -> tuple[list[_Fitted], list[str]]:
    """Price each of the rule's outcomes and fit it under the caps; say what became of each.

    Return what fits, and the caps that applied (also those that left something out).
    """
    caps = limits(situation)
    fitted: list[_Fitted] = []
    applied: list[str] = []
    for option, spec in enumerate(rule.outcomes()):
        compensation = _priced_once(spec, situation)
        if isinstance(compensation, str):
            reasons.append(compensation)
            continue
        item, words, cap = _fit(compensation, option, caps, situation.facts)
        reasons.append(words)
        applied += [cap] if cap else []
        if item is not None:
            fitted.append(item)
    return fitted, applied


def _priced_once(spec: OutcomeSpec, situation: Situation) -> Compensation | str:
    """Price an outcome, unless the incident had one of its kind already."""
    for given in situation.given:
        if given.kind == spec.kind:
            by = "by staff" if given.by == "staff" else f"by {given.by}"
            return f"no {LABELS[spec.kind]}: {given.value} was given already {by}; not repeated"
    return priced(spec, situation.facts, situation.currency)


def _fit(
    compensation: Compensation, option: int, caps: list[Limit], facts: IncidentFacts
) -> tuple[_Fitted | None, str, str | None]:
    """Fit a compensation under the tightest cap; make it smaller, or leave it out.

    Return what fits (None: nothing), the reason in words, and the cap that applied.
    """
    if not caps:
        words = f"{compensation.words()}; no cap set"
        return _Fitted(compensation, option, False), words, None
    tightest = min(caps, key=lambda limit: limit.room.amount)
    if compensation.value <= tightest.room:
        words = f"{compensation.words()}; within {tightest.words}"
        return _Fitted(compensation, option, False), words, tightest.name
    smaller = reduced(compensation, tightest.room, facts)
    if smaller is None:
        label = LABELS[compensation.kind]
        words = f"no {label}: {compensation.value} does not fit {tightest.words}"
        return None, words, tightest.name
    words = f"{smaller.words()}; reduced from {compensation.value} to fit {tightest.words}"
    return _Fitted(smaller, option, True), words, tightest.name


def _conclude(
    rule: Rule,
    fitted: list[_Fitted],
    situation: Situation,
    reasons: list[str],
    caps: tuple[str, ...],
    approved: bool,
) -> Decision:
    """Grant or offer what fits, or hold it for approval."""
    compensations = tuple(item.compensation for item in fitted)
    action, default, within = GRANT, None, None
    if rule.offer is not None and len(fitted) > 1:
        action, within = OFFER, rule.offer.choose_within_days
        default = _default(rule.offer.default - 1, fitted, reasons)
    elif rule.offer is not None:
        reasons.append("only one option is left, so it is granted without asking")
    waits = _waits(rule, fitted, situation)
    proposed = None
    if waits and not approved:
        reasons.append("waits for approval: " + "; ".join(waits))
        action, proposed = NEEDS_APPROVAL, action
    elif waits:
        reasons.append("approved")
    return Decision(
        action,
        compensations,
        rule=rule.name,
        caps=caps,
        reasons=tuple(reasons),
        proposed=proposed,
        default=default,
        choose_within_days=within,
    )


def _default(wanted: int, fitted: list[_Fitted], reasons: list[str]) -> int:
    """Return where the policy's default option is among those left, or the first one."""
    for index, item in enumerate(fitted):
        if item.option == wanted:
            return index
    reasons.append(
        f"the default option {wanted + 1} is not possible; option 1 left applies instead"
    )
    return 0


def _waits(rule: Rule, fitted: list[_Fitted], situation: Situation) -> list[str]:
    """Say why a person must approve first, if they must."""
    waits = []
    if rule.needs_approval:
        waits.append(f"rule {rule.name!r} asks for it")
    if situation.policy.caps.over_cap == "approve" and any(item.made_smaller for item in fitted):
        waits.append("it was made smaller to fit a cap")
    above = situation.policy.approval.above
    dearest = max((item.compensation.value for item in fitted), key=_amount)
    threshold = None if above is None else Money.at_most(above, situation.currency)
    if threshold is not None and dearest > threshold:
        waits.append(f"{dearest} is above the approval threshold of {threshold}")
    return waits


def _same_currency(currency: str, spend_so_far: Money, given: tuple[Given, ...]) -> None:
    """Refuse amounts the caller gathered in another currency than the caps are in."""
    for amount in (spend_so_far, *(item.value for item in given)):
        if amount.currency != currency:
            raise CurrencyMismatch(f"the caps are counted in {currency}; got {amount}")


def _foreign(order_currency: str, policy_currency: str) -> str:
    """Say why an order in another currency is left to a person."""
    return (
        f"the order is in {order_currency} and the policy's amounts are in {policy_currency}; "
        "Amends does not convert currencies, so this incident is compensated by hand"
    )


def _amount(money: Money) -> Any:
    return money.amount
