"""Say a whole policy in a merchant's words, as `amends policy show` prints it."""

from __future__ import annotations

from decimal import Decimal

from plugin.compensation.policy import OutcomeSpec, Policy, Rule, When


def summary(policy: Policy) -> list[str]:
    """Return the policy as lines a merchant reads top to bottom."""
    unit = policy.currency or "the order's currency"
    lines = [f"Amounts are in {unit}."]
    if policy.vip is not None:
        lines.append(f"VIP: a customer with {_vip(policy)}.")
    lines.append(f"Caps: {_caps(policy)}.")
    above = policy.approval.above
    if above is not None:
        lines.append(f"A person approves anything worth more than {_n(above)}.")
    if not policy.refunds.through_gateway:
        lines.append(
            "Refunds are recorded in the store without the payment gateway: "
            "the shop pays them back by hand."
        )
    if not policy.rules:
        lines.append("No rules: no incident is compensated on its own.")
        return lines
    lines.append("Rules, the first that matches decides:")
    for number, rule in enumerate(policy.rules, start=1):
        lines.append(f"  {number}. {rule.name}: {_rule(rule)}")
    return lines


def _vip(policy: Policy) -> str:
    vip = policy.vip
    parts = []
    if vip and vip.lifetime_spend_at_least is not None:
        parts.append(f"a lifetime spend of at least {_n(vip.lifetime_spend_at_least)}")
    if vip and vip.orders_at_least is not None:
        parts.append(f"at least {vip.orders_at_least} orders")
    return " or ".join(parts)


def _caps(policy: Policy) -> str:
    caps = policy.caps
    parts = []
    per_incident = [
        f"{_n(caps.per_incident.share_of_order)} % of the order"
        if caps.per_incident.share_of_order is not None
        else "",
        _n(caps.per_incident.amount) if caps.per_incident.amount is not None else "",
    ]
    if any(per_incident):
        parts.append("per incident " + " and ".join(part for part in per_incident if part))
    customer = caps.per_customer
    per_customer = [
        f"{customer.count} compensations" if customer.count is not None else "",
        _n(customer.amount) if customer.amount is not None else "",
    ]
    if any(per_customer):
        joined = " and ".join(part for part in per_customer if part)
        parts.append(f"per customer {joined} in {customer.window_days} days")
    if caps.monthly_budget is not None:
        parts.append(f"a monthly budget of {_n(caps.monthly_budget)}")
    if not parts:
        return "none"
    over = "waits for a person" if caps.over_cap == "approve" else "goes out on its own"
    return "; ".join(parts) + f"; what a cap makes smaller {over}"


def _rule(rule: Rule) -> str:
    """Say when a rule matches and what it gives."""
    conditions = _when(rule.when)
    when = f"when {' and '.join(conditions)}" if conditions else "for every incident"
    if rule.offer is not None:
        options = [
            f"({number}) {_outcome(option)}"
            for number, option in enumerate(rule.offer.options, start=1)
        ]
        gives = (
            f"offer a choice of {', '.join(options[:-1])}, or {options[-1]}; "
            f"option {rule.offer.default} applies if the customer does not choose "
            f"within {rule.offer.choose_within_days} days"
        )
    else:
        gives = f"grant {_outcome(rule.grant)}" if rule.grant is not None else "nothing"
    approval = ", after a person approves" if rule.needs_approval else ""
    return f"{when}, {gives}{approval}"


def _when(when: When) -> list[str]:
    said = []
    if when.kinds:
        said.append("the incident is " + " or ".join(k.replace("_", " ") for k in when.kinds))
    if when.days_late_at_least is not None:
        said.append(f"at least {when.days_late_at_least} days late")
    if when.order_value_at_least is not None:
        said.append(f"the order is worth at least {_n(when.order_value_at_least)}")
    if when.item_value_at_least is not None:
        said.append(f"the item is worth at least {_n(when.item_value_at_least)}")
    if when.shipping_paid is not None:
        said.append("shipping was paid" if when.shipping_paid else "shipping was free")
    if when.customer is not None:
        said.append("the customer is a VIP" if when.customer == "vip" else "the customer is no VIP")
    if when.previous_incidents is not None:
        repeat = when.previous_incidents
        said.append(
            f"the customer had {repeat.at_least} or more incidents in {repeat.within_days} days"
        )
    return said


def _outcome(spec: OutcomeSpec) -> str:
    """Say what an outcome gives, before it is priced for an order."""
    valid = f", valid {spec.expires_in_days} days" if hasattr(spec, "expires_in_days") else ""
    if spec.kind == "shipping_refund":
        return "a refund of the shipping paid" + (
            f", up to {_n(spec.amount)}" if spec.amount is not None else ""
        )
    if spec.kind == "percent_coupon":
        return f"a coupon of {_n(spec.percent)} % off the next order{valid}"
    if spec.kind == "fixed_coupon":
        return f"a coupon of {_n(spec.amount)} off the next order{valid}"
    if spec.kind == "free_shipping":
        return f"a free-shipping code{valid}"
    return f"a gift for staff to send ({spec.description})"


def _n(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"
