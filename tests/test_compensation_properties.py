"""For any sequence of incidents, decisions, approvals and staff refunds, no cap is exceeded.

A shop runs under a policy hypothesis draws; incidents open for a few customers over
months, the decisions are applied (the customer picks from an offer, a person approves
or denies what waits), staff give refunds in the store behind Amends' back, and
decisions are taken again. The caps are checked here from the policy itself, not
from what `decide` says about them. Staff may overspend a cap; Amends then adds
nothing to it, so a total Amends touched never ends above its cap and the monthly
budget Amends spends from never goes negative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from plugin.compensation.decide import GRANT, NEEDS_APPROVAL, NOTHING, OFFER, Decision, decide
from plugin.compensation.documents import read_policy
from plugin.compensation.facts import CustomerHistory, Given, IncidentFacts, PastCompensation
from plugin.compensation.money import Money
from plugin.compensation.policy import OUTCOME_KINDS, Policy
from plugin.incidents import CUSTOMER_KINDS as KINDS  # the kinds a policy may name
from tests.conftest import TEST_NOW


def amounts(high: int, low: str = "0") -> st.SearchStrategy[str]:
    return st.decimals(min_value=Decimal(low), max_value=high, places=2).map(str)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@st.composite
def outcomes(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(OUTCOME_KINDS))
    if kind == "shipping_refund":
        return {"kind": kind, **draw(st.just({}) | st.builds(lambda a: {"amount": a}, amounts(20)))}
    if kind == "percent_coupon":
        return {"kind": kind, "percent": draw(amounts(100, low="1"))}
    if kind == "fixed_coupon":
        return {"kind": kind, "amount": draw(amounts(40, low="0.01"))}
    if kind == "free_shipping":
        return {"kind": kind, **draw(st.just({}) | st.builds(lambda a: {"value": a}, amounts(20)))}
    return {"kind": kind, "description": "a mug", "value": draw(amounts(20))}


def seldom() -> st.SearchStrategy[bool]:
    """True one time in four: a rule with every condition would match almost nothing."""
    return st.sampled_from([False, False, False, True])


@st.composite
def rules(draw: st.DrawFn, name: str) -> dict[str, Any]:
    when: dict[str, Any] = {}
    if draw(seldom()):
        kinds = st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=3, unique=True)
        when["kinds"] = draw(kinds)
    if draw(seldom()):
        when["days_late_at_least"] = draw(st.integers(0, 6))
    if draw(seldom()):
        when["shipping_paid"] = draw(st.booleans())
    if draw(seldom()):
        when["customer"] = draw(st.sampled_from(["vip", "regular"]))
    if draw(seldom()):
        repeat = {"at_least": st.integers(1, 3), "within_days": st.integers(1, 120)}
        when["previous_incidents"] = draw(st.fixed_dictionaries(repeat))
    written = {"name": name, "when": when, "needs_approval": draw(st.booleans())}
    if draw(st.booleans()):
        return {**written, "grant": draw(outcomes())}
    options = draw(st.lists(outcomes(), min_size=2, max_size=3))
    default = draw(st.integers(1, len(options)))
    return {**written, "offer": {"options": options, "default": default}}


@st.composite
def policies(draw: st.DrawFn, currency: str) -> Policy:
    caps = {
        "per_incident": {
            "amount": draw(maybe(amounts(50))),
            "share_of_order": draw(maybe(amounts(100, low="0.01"))),
        },
        "per_customer": {
            "count": draw(maybe(st.integers(1, 4))),
            "amount": draw(maybe(amounts(80))),
            "window_days": draw(st.integers(1, 120)),
        },
        "monthly_budget": draw(maybe(amounts(200))),
        "over_cap": draw(st.sampled_from(["reduce", "approve"])),
    }
    written = draw(st.lists(rules(name="rule"), min_size=0, max_size=3))
    written.append({**draw(rules(name="rule")), "when": {}})  # most incidents earn something
    for number, each in enumerate(written):
        each["name"] = f"rule {number}"
    document = {
        "currency": draw(st.sampled_from([None, currency])),
        "vip": {"orders_at_least": 5, "lifetime_spend_at_least": "300"},
        "caps": caps,
        "approval": {"above": draw(maybe(amounts(30)))},
        "rules": written,
    }
    return read_policy(_without_nones(document))


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nones(v) for k, v in value.items() if v is not None}
    return value


@dataclass
class Entry:
    """One compensation the customer received, by Amends or by staff."""

    at: datetime
    kind: str
    value: Money
    by: str


@dataclass
class Incident:
    customer: int
    opened_at: datetime
    kind: str
    order_value: Money
    shipping_paid: Money
    days_late: int | None
    given: list[Entry] = field(default_factory=list)


class ShopUnderPolicy(RuleBasedStateMachine):
    """A shop whose incidents are decided by `decide`, checked against its caps at every step."""

    @initialize(
        currency=st.sampled_from(["EUR", "JPY", "KWD"]),
        data=st.data(),
        customers=st.lists(st.tuples(st.integers(0, 8), amounts(600)), min_size=1, max_size=3),
    )
    def open_shop(self, currency: str, data: st.DataObject, customers: list) -> None:
        self.currency = currency
        self.policy = data.draw(policies(currency))
        self.customers = [(orders, Money.parse(spend, currency)) for orders, spend in customers]
        self.now = TEST_NOW
        self.incidents: list[Incident] = []
        self.pending: list[int] = []
        self.staff_gave = False

    # What happens in the shop

    @rule(
        data=st.data(),
        kind=st.sampled_from(sorted(KINDS)),
        order=amounts(300),
        shipping=amounts(15),
        days_late=maybe(st.integers(0, 10)),
    )
    def an_incident_opens(
        self, data: st.DataObject, kind: str, order: str, shipping: str, days_late: int | None
    ) -> None:
        customer = data.draw(st.integers(0, len(self.customers) - 1))
        self.incidents.append(
            Incident(
                customer,
                self.now,
                kind,
                self.money(order),
                self.money(shipping),
                days_late,
            )
        )
        self.decide_and_apply(len(self.incidents) - 1, data)

    @precondition(lambda self: self.incidents)
    @rule(data=st.data())
    def an_incident_is_decided_again(self, data: st.DataObject) -> None:
        self.decide_and_apply(data.draw(st.integers(0, len(self.incidents) - 1)), data)

    @precondition(lambda self: self.pending)
    @rule(data=st.data())
    def a_person_approves(self, data: st.DataObject) -> None:
        index = self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1)))
        decision = self.decide(index, approved=True)
        assert decision.action in (GRANT, OFFER, NOTHING)
        self.apply(index, decision, data)

    @precondition(lambda self: self.pending)
    @rule(data=st.data())
    def a_person_denies(self, data: st.DataObject) -> None:
        self.pending.pop(data.draw(st.integers(0, len(self.pending) - 1)))

    @precondition(lambda self: self.incidents)
    @rule(data=st.data(), kind=st.sampled_from(OUTCOME_KINDS), amount=amounts(60))
    def staff_give_something_in_the_store(
        self, data: st.DataObject, kind: str, amount: str
    ) -> None:
        incident = self.incidents[data.draw(st.integers(0, len(self.incidents) - 1))]
        incident.given.append(Entry(self.now, kind, self.money(amount), "staff"))
        self.staff_gave = True

    @rule(days=st.integers(0, 40), hours=st.integers(0, 23))
    def time_passes(self, days: int, hours: int) -> None:
        self.now += timedelta(days=days, hours=hours)

    # Deciding, as the incident engine would

    def decide_and_apply(self, index: int, data: st.DataObject) -> None:
        decision = self.decide(index)
        if decision.action == NEEDS_APPROVAL:
            assert decision.proposed in (GRANT, OFFER)
            self.pending.append(index)
            return
        self.apply(index, decision, data)

    def decide(self, index: int, approved: bool = False) -> Decision:
        incident = self.incidents[index]
        facts = IncidentFacts(
            kind=incident.kind,
            at=self.now,
            order_value=incident.order_value,
            shipping_paid=incident.shipping_paid,
            days_late=incident.days_late,
        )
        already = tuple(Given(e.kind, e.value, e.by) for e in incident.given)
        return decide(
            self.policy,
            facts,
            self.history(index),
            self.spent_this_month(),
            already,
            approved=approved,
        )

    def history(self, index: int) -> CustomerHistory:
        """The customer's earlier incidents and what they earned, this incident aside."""
        customer = self.incidents[index].customer
        others = [
            other
            for number, other in enumerate(self.incidents)
            if other.customer == customer and number != index
        ]
        orders, spend = self.customers[customer]
        return CustomerHistory(
            orders_count=orders,
            lifetime_spend=spend,
            incidents=tuple(other.opened_at for other in others),
            compensations=tuple(
                PastCompensation(entry.at, entry.kind, entry.value)
                for other in others
                for entry in other.given
            ),
        )

    def apply(self, index: int, decision: Decision, data: st.DataObject) -> None:
        """Give what the decision says: the grant, or the option the customer picks."""
        if decision.action == NOTHING:
            assert decision.compensations == ()
            return
        chosen = decision.compensations[0]
        if decision.action == OFFER:
            assert 2 <= len(decision.compensations) <= 3
            assert decision.default is not None
            picked = data.draw(st.none() | st.integers(0, len(decision.compensations) - 1))
            chosen = decision.compensations[decision.default if picked is None else picked]
        self.give(index, Entry(self.now, chosen.kind, chosen.value, "amends"))

    def give(self, index: int, entry: Entry) -> None:
        """Record what Amends gave, checking every cap from the policy as it happens."""
        incident = self.incidents[index]
        assert entry.kind not in {given.kind for given in incident.given}, "given twice"
        before = self.totals(index)
        incident.given.append(entry)
        after = self.totals(index)
        for name, cap in self.caps(index).items():
            assert after[name] <= max(cap, before[name]), (name, before[name], after[name], cap)

    # The caps, counted here from the policy and the ledger

    def caps(self, index: int) -> dict[str, Decimal]:
        caps, found = self.policy.caps, {}
        if caps.per_incident.amount is not None:
            found["incident"] = caps.per_incident.amount
        if caps.per_incident.share_of_order is not None:
            order = self.incidents[index].order_value.amount
            found["incident_share"] = order * caps.per_incident.share_of_order / 100
        if caps.per_customer.amount is not None:
            found["customer"] = caps.per_customer.amount
        if caps.per_customer.count is not None:
            found["customer_count"] = Decimal(caps.per_customer.count)
        if caps.monthly_budget is not None:
            found["month"] = caps.monthly_budget
        return found

    def totals(self, index: int) -> dict[str, Decimal]:
        incident = self.incidents[index]
        window = timedelta(days=self.policy.caps.per_customer.window_days)
        customer = [
            entry
            for other in self.incidents
            if other.customer == incident.customer
            for entry in other.given
            if self.now - window < entry.at <= self.now
        ]
        spent = self.spent_this_month().amount
        on_incident = sum((entry.value.amount for entry in incident.given), Decimal(0))
        return {
            "incident": on_incident,
            "incident_share": on_incident,
            "customer": sum((entry.value.amount for entry in customer), Decimal(0)),
            "customer_count": Decimal(len(customer)),
            "month": spent,
        }

    def spent_this_month(self) -> Money:
        month = (self.now.year, self.now.month)
        values = [
            entry.value.amount
            for incident in self.incidents
            for entry in incident.given
            if (entry.at.year, entry.at.month) == month
        ]
        return Money(sum(values, Decimal(0)), self.currency)

    def money(self, amount: str) -> Money:
        return Money.parse(amount, self.currency)

    @invariant()
    def without_staff_every_cap_holds_and_the_budget_is_never_negative(self) -> None:
        if self.staff_gave or not self.incidents:
            return
        for index in range(len(self.incidents)):
            totals = self.totals(index)
            for name, cap in self.caps(index).items():
                assert totals[name] <= cap, (name, totals[name], cap)
        budget = self.policy.caps.monthly_budget
        if budget is not None:
            assert budget - self.spent_this_month().amount >= 0


ShopUnderPolicy.TestCase.settings = settings(
    max_examples=300,
    stateful_step_count=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
test_no_sequence_of_decisions_exceeds_a_cap = ShopUnderPolicy.TestCase
