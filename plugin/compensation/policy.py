"""A shop's compensation policy: its rules, its caps and when a person approves.

The policy is a document a merchant edits (YAML or JSON), validated in full before
it is kept, so a decision never meets a setting it cannot read. Amounts are written
without a currency: they are in the policy's `currency`, or in each order's own
currency when the policy names none. Rules are tried in order; the first that
matches decides.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from babel.numbers import is_currency
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    model_validator,
)

from plugin.incidents import CUSTOMER_KINDS as KINDS  # a quality incident earns no one anything

OUTCOME_KINDS = ("shipping_refund", "percent_coupon", "fixed_coupon", "free_shipping", "gift")


def _between(low: int | Decimal, high: int | Decimal, what: str = "") -> AfterValidator:
    """Refuse a number outside [low, high], saying both ends and what was given."""

    def check(value: Any) -> Any:
        if isinstance(value, Decimal):
            value = Decimal(f"{value:f}")  # as written: 10, not 1E+1
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}{what}, got {_plain(value)}")
        return value

    return AfterValidator(check)


def _amount(value: Decimal) -> Decimal:
    """Keep an amount as written, without exponents; refuse negatives and sub-cent dust."""
    value = Decimal(f"{value:f}")
    if value < 0:
        raise ValueError(f"must not be negative, got {value}")
    if value > Decimal(10) ** 9:
        raise ValueError(f"must be at most 1000000000, got {value}")
    if value != value.quantize(Decimal("0.001")):
        raise ValueError(f"must have at most 3 decimals, got {value}")
    return value


def _positive(value: Decimal) -> Decimal:
    """Refuse an amount of nothing where something must be given."""
    if value == 0:
        raise ValueError("must be more than 0, got 0")
    return value


def _kind(value: str) -> str:
    """Refuse an incident kind Amends does not open."""
    if value not in KINDS:
        raise ValueError(f"must be one of {', '.join(sorted(KINDS))}, got {value!r}")
    return value


def _two_or_three(options: list[Any]) -> list[Any]:
    """Refuse a choice of one, or more choices than a customer weighs at a glance."""
    if not 2 <= len(options) <= 3:
        raise ValueError(f"must be 2 or 3 choices, got {len(options)}")
    return options


def _some_kinds(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """Refuse an empty list of kinds, which would match nothing."""
    if not kinds:
        raise ValueError("must name at least one kind; leave it out to match every kind")
    return kinds


def _currency(value: str) -> str:
    """Take an ISO 4217 code in any case; refuse anything else."""
    code = value.strip().upper()
    if len(code) != 3 or not is_currency(code):
        raise ValueError(f"must be an ISO 4217 currency code such as EUR, got {value!r}")
    return code


def _plain(value: Any) -> str:
    """Write a number as a merchant wrote it (150, not Decimal('150'))."""
    return f"{value:f}" if isinstance(value, Decimal) else str(value)


Amount = Annotated[Decimal, AfterValidator(_amount)]
PositiveAmount = Annotated[Decimal, AfterValidator(_amount), AfterValidator(_positive)]
Percent = Annotated[Decimal, _between(1, 100)]
Share = Annotated[Decimal, _between(Decimal("0.01"), 100)]
Days = Annotated[StrictInt, _between(1, 730, " days")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
IncidentKind = Annotated[str, AfterValidator(_kind)]


class Part(BaseModel):
    """A part of the policy: unknown settings are refused, values never change once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ShippingRefund(Part):
    """Give back the order's shipping: all of it, or up to `amount`."""

    kind: Literal["shipping_refund"]
    amount: Amount | None = None


class PercentCoupon(Part):
    """A single-use code for `percent` % off the customer's next order."""

    kind: Literal["percent_coupon"]
    percent: Percent
    expires_in_days: Days = 60


class FixedCoupon(Part):
    """A single-use code for `amount` off the customer's next order."""

    kind: Literal["fixed_coupon"]
    amount: PositiveAmount
    expires_in_days: Days = 60


class FreeShipping(Part):
    """A single-use code for free shipping on the next order.

    `value` is what it counts as against caps and budget; without one, the
    shipping the customer paid on this order (nothing when it was free).
    """

    kind: Literal["free_shipping"]
    expires_in_days: Days = 60
    value: Amount | None = None


class Gift(Part):
    """Something staff send by hand (a sample, a small present), flagged on the incident."""

    kind: Literal["gift"]
    description: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    value: Amount = Decimal(0)


OutcomeSpec = ShippingRefund | PercentCoupon | FixedCoupon | FreeShipping | Gift
Outcome = Annotated[OutcomeSpec, Field(discriminator="kind")]


class Offer(Part):
    """Let the customer choose; `default` (counted from 1) applies when they do not in time."""

    options: Annotated[list[Outcome], AfterValidator(_two_or_three)]
    default: Annotated[StrictInt, _between(1, 3)] = 1
    choose_within_days: Annotated[StrictInt, _between(1, 60, " days")] = 7

    @model_validator(mode="after")
    def _default_is_an_option(self) -> Offer:
        if self.default > len(self.options):
            raise ValueError(
                f"default must name one of the {len(self.options)} options, got {self.default}"
            )
        return self


class Repeat(Part):
    """How many earlier incidents the customer had in the last `within_days` days."""

    at_least: Annotated[StrictInt, _between(1, 100)]
    within_days: Days = 90


class When(Part):
    """What an incident must be for a rule to match; a setting left out matches anything."""

    kinds: Annotated[tuple[IncidentKind, ...], AfterValidator(_some_kinds)] | None = None
    days_late_at_least: Annotated[StrictInt, _between(0, 365, " days")] | None = None
    order_value_at_least: Amount | None = None
    item_value_at_least: Amount | None = None
    shipping_paid: StrictBool | None = None
    customer: Literal["vip", "regular"] | None = None
    previous_incidents: Repeat | None = None


class Rule(Part):
    """One rule: when it matches, grant one outcome or offer a choice."""

    name: Name
    when: When = When()
    grant: Outcome | None = None
    offer: Offer | None = None
    needs_approval: StrictBool = False

    @model_validator(mode="after")
    def _one_outcome(self) -> Rule:
        if (self.grant is None) == (self.offer is None):
            raise ValueError("give either grant (one outcome) or offer (a choice), exactly one")
        return self

    def outcomes(self) -> tuple[OutcomeSpec, ...]:
        """Return the outcome granted, or the options offered."""
        if self.offer is not None:
            return tuple(self.offer.options)
        return (self.grant,) if self.grant is not None else ()


class PerIncident(Part):
    """The most one incident earns: an amount, a share of the order's value, or both."""

    amount: Amount | None = None
    share_of_order: Share | None = None


class PerCustomer(Part):
    """The most one customer earns over the last `window_days`: a count, an amount, or both."""

    count: Annotated[StrictInt, _between(1, 1000)] | None = None
    amount: Amount | None = None
    window_days: Days = 90


class Caps(Part):
    """Ceilings nothing exceeds, not even an approved compensation.

    Above a cap a compensation is reduced to what the cap leaves; `over_cap`
    says whether the reduced one goes out on its own (reduce) or waits for a
    person (approve).
    """

    per_incident: PerIncident = PerIncident()
    per_customer: PerCustomer = PerCustomer()
    monthly_budget: Amount | None = None
    over_cap: Literal["reduce", "approve"] = "approve"


class Approval(Part):
    """When a person approves before anything goes out."""

    above: Amount | None = None


class Vip(Part):
    """Who is a VIP: a customer who spent at least so much, or ordered at least so often."""

    lifetime_spend_at_least: Amount | None = None
    orders_at_least: Annotated[StrictInt, _between(1, 100_000)] | None = None

    @model_validator(mode="after")
    def _says_who(self) -> Vip:
        if self.lifetime_spend_at_least is None and self.orders_at_least is None:
            raise ValueError("say who is a VIP: lifetime_spend_at_least, orders_at_least or both")
        return self


class Refunds(Part):
    """How refunds are made: back through the order's payment gateway, or recorded only.

    Recorded only (`through_gateway: false`) is for gateways that cannot refund (a bank
    transfer, cash on delivery): the platform records the refund and the merchant
    pays it back by hand. A refund a gateway refuses is recorded the same way.
    """

    through_gateway: StrictBool = True


class Policy(Part):
    """A shop's whole compensation policy."""

    version: Literal[1] = 1
    currency: Annotated[str, AfterValidator(_currency)] | None = None
    vip: Vip | None = None
    caps: Caps = Caps()
    approval: Approval = Approval()
    refunds: Refunds = Refunds()
    rules: Annotated[list[Rule], Field(max_length=50)] = []

    def document(self) -> dict[str, Any]:
        """Return the policy as the JSON document it is kept and exported as."""
        return self.model_dump(mode="json", exclude_none=True)
