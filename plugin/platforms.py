"""The Connector protocol, split by role: what the plugin asks of a store platform.

Every connector takes deliveries (`Intake`); it may also keep the store's webhook
subscriptions alive (`Subscriptions`), list the orders changed since a time
(`Reconcile`), act on the store (`Actions`) and connect a store (`Install`). A
connector names the roles it plays in `roles`; the wiring checks at start-up that
it has what each role asks for (plugin.roles). Nothing here knows HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from plugin.events import Event, OrderChanged


class MalformedDelivery(ValueError):
    """A delivery lacks what the platform always sends (a header, a readable body)."""


class LoweredHeaders(dict[str, str]):
    """Headers keyed by lowercased name (HTTP/2 and proxies lowercase them; HTTP/1.1 may not).

    The intake hands connectors a delivery's headers in this form, read once.
    """


@dataclass(frozen=True)
class Delivery:
    """What a webhook delivery says about itself in its headers."""

    topic: str
    signature: str | None
    delivery_id: str | None = None
    shop_domain: str | None = None
    triggered_at: datetime | None = None
    kept_headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ShopContext:
    """One shop as a connector acts for it: where its API is, and its credentials, opened.

    Built per call from the stored shop, so no credential outlives the call in a
    connector; `repr` leaves the credentials out, so a log line never shows them.

    `retry_in_place` lets the connector's client wait and try again itself when the
    platform is busy or down (a sync job has nothing else to do meanwhile). The
    worker's outbox turns it off: one failed call is one failed attempt of its row,
    rescheduled by the row's due time, so a slow platform never stalls the queue.
    """

    shop_id: int
    domain: str
    api_url: str | None = None
    api_version: str | None = None
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)
    retry_in_place: bool = True

    @property
    def base_url(self) -> str:
        """Return where the shop's API is: its stored API URL, else its domain."""
        return self.api_url or self.domain


class Intake(Protocol):
    """A store platform, as far as intake and the worker need it. Every connector plays it."""

    platform: str
    #: Topics the shop is subscribed to and the inbox keeps; others are acknowledged and dropped.
    topics: frozenset[str]

    @property
    def roles(self) -> frozenset[str]:
        """Return the roles this connector plays: "intake" and any of the others' names."""
        ...

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Tell whether the delivery is an unsigned liveness check (answer 200, keep nothing)."""
        ...

    def read_delivery(self, headers: Mapping[str, str]) -> Delivery:
        """Describe a delivery from its headers; raise MalformedDelivery when unreadable."""
        ...

    def delivery_key(self, delivery: Delivery, body: bytes, shop_key: str) -> str:
        """Return the key that is the same for a delivery and its redeliveries only."""
        ...

    def signature_valid(self, body: bytes, signature: str, secrets: Sequence[str]) -> bool:
        """Tell whether `signature` signs `body` with one of `secrets` (constant time)."""
        ...

    def parse(self, topic: str, body: bytes) -> list[Event] | None:
        """Turn a stored delivery into canonical events; None when the topic has no parser."""
        ...


#: What the registry holds: every connector takes deliveries; other roles are checked for.
Connector = Intake


@dataclass(frozen=True)
class SubscriptionReport:
    """What an upkeep of a shop's webhook subscriptions found and did, by topic."""

    active: tuple[str, ...] = ()  # in place and delivering before anything was done
    created: tuple[str, ...] = ()  # missing, and subscribed now
    reactivated: tuple[str, ...] = ()  # disabled by the store, and enabled again now
    missing: tuple[str, ...] = ()  # missing, and could not be subscribed (see `errors`)
    disabled: tuple[str, ...] = ()  # disabled, and could not be enabled (see `errors`)
    errors: tuple[str, ...] = ()  # why a repair was refused, one line each

    @property
    def repaired(self) -> tuple[str, ...]:
        """Return the topics that had stopped delivering and deliver again."""
        return self.created + self.reactivated

    @property
    def complete(self) -> bool:
        """Tell whether every topic is subscribed and active now."""
        return not (self.missing or self.disabled)


class Subscriptions(Protocol):
    """Keep the webhook subscriptions a store delivers to Amends in place."""

    def webhook_path(self, shop_id: int) -> str:
        """Return the path under the public URL where the shop's deliveries go."""
        ...

    def delivery_url_problem(self, url: str) -> str | None:
        """Say why the platform would never deliver to `url`; None when it would."""
        ...

    def ensure_subscriptions(
        self, shop: ShopContext, delivery_url: str, *, reset_secret: bool = False
    ) -> SubscriptionReport:
        """Make every subscribed topic deliver to `delivery_url`: create, re-enable, report.

        With `reset_secret` the shop's current webhook secret is sent to the
        subscriptions already there (a store signs with the secret it was given).
        """
        ...


@dataclass(frozen=True)
class ChangedOrder:
    """An order's current state, fetched from the store, to go through the inbox."""

    order_id: str
    updated_at: datetime | None
    topic: str
    delivery_key: str
    body: bytes
    #: The state, read as its delivery would be; compared with the stored order when
    #: the platform keys its webhook deliveries otherwise than by state.
    state: OrderChanged | None = None


class Reconcile(Protocol):
    """List what changed in a store, for what its webhooks may have missed."""

    #: True when a webhook delivery of an order state has the inbox key the reconciled
    #: state has, so the inbox alone tells a state already delivered; False when the
    #: platform keys deliveries otherwise, and the stored order must be asked.
    order_keys_match_webhooks: bool

    def changed_orders(self, shop: ShopContext, since: datetime) -> list[ChangedOrder]:
        """Return the orders modified at or after `since` (UTC), oldest first."""
        ...


@dataclass(frozen=True)
class HistoryPage:
    """One page of a store's past orders (with their refunds and returns), for the inbox.

    `orders` go through the inbox as deliveries do, keyed so that reading the same
    state again stores nothing; `cursor` is where the next page starts (None: this
    was the last); `total` is how many orders the whole history holds, when the
    platform says.
    """

    orders: tuple[ChangedOrder, ...]
    cursor: str | None
    total: int | None = None


class Backfill(Protocol):
    """Read a store's past orders, returns and refunds, page by page, within its rate limits."""

    def history_page(self, shop: ShopContext, since: datetime, cursor: str | None) -> HistoryPage:
        """Return the page of orders created at or after `since` that `cursor` starts.

        `cursor` None is the first page; a cursor the previous page gave is the
        next. Each order is a delivery whose events the connector's `parse` reads as
        `Backfilled`: kept for the reports, acted on by nothing.
        """
        ...


# What the domain asks a platform to do, and what it answers. Every action is safe
# to repeat: the platform reference of what an earlier attempt made comes back with
# `created=False` instead of a second coupon, refund or note.

# Amends tags what it writes on a store (a refund's note or reason, an order note)
# with "[ref <idempotency key>]": a later attempt finds what an earlier one made by
# it, and the intake knows the echo of Amends' own write in the next webhook.
OWN_WRITE_MARKER = "[ref "


def own_write_tag(key: str) -> str:
    """Return the tag that marks a write of Amends' own, for the action keyed `key`."""
    return f"{OWN_WRITE_MARKER}{key}]"


def is_own_write(text: str | None) -> bool:
    """Tell whether a note or reason carries Amends' tag: the echo of its own write."""
    return OWN_WRITE_MARKER in (text or "")


@dataclass(frozen=True)
class CouponSpec:
    """A single-use code for one customer, valid from `starts_at` through `expires_on`.

    Both platforms take the same spec: Shopify needs `starts_at` (its discounts
    require a start), WooCommerce has no start date and creates the code valid at once.
    """

    code: str
    kind: str  # "percent", "fixed_amount" or "free_shipping"
    amount: Decimal
    customer_email: str | None
    expires_on: date | None
    description: str = ""
    customer_id: str | None = None  # the platform's customer id, where it restricts by id
    starts_at: datetime | None = None  # from when it applies; platforms that need it refuse None


@dataclass(frozen=True)
class ShippingRefundSpec:
    """Give back the shipping of an order, or part of it.

    `notify` asks the platform to tell the customer. Shopify honours it;
    WooCommerce ignores it and e-mails the customer about every refund made
    through its REST API (unless the merchant turned that e-mail off). Read
    `ActionResult.customer_notified` to know what happened.
    """

    order_id: str
    idempotency_key: str
    reason: str
    amount: Decimal | None = None  # None: all the shipping still refundable
    notify: bool = False
    # Move the money back through the order's payment gateway; False records the refund
    # only (the merchant pays it back by hand), for gateways that cannot refund.
    through_gateway: bool = True


@dataclass(frozen=True)
class NoteSpec:
    """A note on an order: private for the merchant, or sent to the customer."""

    order_id: str
    idempotency_key: str
    text: str
    customer_facing: bool = False


@dataclass(frozen=True)
class ActionResult:
    """The platform's reference for what an action made (or found already made).

    `customer_notified` says the platform itself tells the customer about it (a
    refund e-mail, a customer note), so a message of Amends' own would repeat it.
    """

    platform_ref: str
    created: bool
    warnings: tuple[str, ...] = ()
    customer_notified: bool = False


class Actions(Protocol):
    """Act on a store for an incident; every action is safe to repeat."""

    def issue_coupon(self, shop: ShopContext, spec: CouponSpec) -> ActionResult:
        """Create a single-use code, or find the one an earlier attempt made."""
        ...

    def refund_shipping(self, shop: ShopContext, spec: ShippingRefundSpec) -> ActionResult:
        """Refund an order's shipping, or find the refund an earlier attempt made."""
        ...

    def add_note(self, shop: ShopContext, spec: NoteSpec) -> ActionResult:
        """Add a note to an order, or find the one an earlier attempt added."""
        ...


# Connecting a store: the merchant is sent to the platform to approve, and the
# platform answers to a callback. What to keep comes back as an Installation.


@dataclass(frozen=True)
class Installation:
    """A store the merchant approved: where it is, and the credentials to keep (sealed)."""

    domain: str
    credentials: dict[str, str] = field(repr=False)
    api_url: str | None = None
    api_version: str | None = None
    #: What the merchant must do by hand (e.g. delete a key the platform cannot revoke).
    notices: tuple[str, ...] = ()


class Install(Protocol):
    """Connect a store through the platform's own approval flow."""

    def link_signed(self, params: Mapping[str, str | Sequence[str]], now: datetime) -> bool:
        """Tell whether a link from the platform's admin is signed by the app and recent."""
        ...

    def install_url(self, shop: str, state: str, callback_url: str, return_url: str) -> str:
        """Return where to send the merchant to approve Amends for `shop`."""
        ...

    def complete_install(
        self,
        shop: str,
        answer: Mapping[str, Any],
        now: datetime,
        previous: Mapping[str, str] | None = None,
    ) -> Installation:
        """Check the platform's answer at the callback and return what to keep.

        `previous` are the credentials of a store connected before, when it is
        connected again. Raise InvalidInput for an unusable answer and
        PlatformUnauthorized for one the platform did not sign.
        """
        ...


class Embedded(Protocol):
    """Run inside the platform's own admin: trade a session token for the shop's access."""

    def install_embedded(self, shop: str, session_token: str, now: datetime) -> Installation:
        """Trade the session token of an embedded load for an offline access token.

        The platform installed the app itself (managed installation); this is the
        first load of a shop Amends holds no token for. Raise InvalidInput for a shop
        that is no shop, PlatformUnauthorized when the platform refuses the token.
        """
        ...


class AdminLinks(Protocol):
    """Point the merchant at a record in the platform's own admin."""

    def order_admin_url(self, shop_domain: str, order_id: str) -> str:
        """Return the URL of the order in the store's admin."""
        ...


class TokenRefresh(Protocol):
    """Renew an expiring access token with the refresh token granted beside it."""

    def refresh(self, shop: str, refresh_token: str) -> Any:
        """Trade `refresh_token` for a new grant: access_token, scope, expires_in, refresh_token.

        The refresh token is spent: the grant's new one replaces it.
        """
        ...
