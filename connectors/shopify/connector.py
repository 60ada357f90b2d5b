"""The Shopify Connector: intake, subscription upkeep, reconcile, actions and OAuth install."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import quote, urlsplit

from connectors import signing
from connectors.headers import header, lowered, parse_timestamp, read_events
from connectors.reasons import reason_of
from connectors.shopify import (
    actions,
    backfill,
    consts,
    normalize,
    oauth,
    reconcile,
    subscriptions,
)
from connectors.shopify.client import GraphQL, ShopifyClient, graphql_endpoint
from plugin.errors import ConfigurationError, InvalidInput, PlatformUnauthorized
from plugin.events import Event, ShopRedactionRequested, ShopUninstalled
from plugin.platforms import (
    ActionResult,
    ChangedOrder,
    CouponSpec,
    Delivery,
    HistoryPage,
    Installation,
    MalformedDelivery,
    NoteSpec,
    ShippingRefundSpec,
    ShopContext,
    SubscriptionReport,
    is_own_write,
)
from plugin.shops import grant_credentials

_KEPT_HEADERS = (
    consts.TOPIC_HEADER,
    consts.SHOP_HEADER,
    consts.WEBHOOK_ID_HEADER,
    consts.EVENT_ID_HEADER,
    consts.TRIGGERED_AT_HEADER,
    consts.API_VERSION_HEADER,
)
# Shopify sends these with every delivery; without one, it is not Shopify's.
_REQUIRED_HEADERS = (consts.TOPIC_HEADER, consts.WEBHOOK_ID_HEADER, consts.SHOP_HEADER)


def _return_status_changed(topic: str, payload: dict[str, Any]) -> list[Event]:
    return [normalize.return_status_changed(topic, payload)]


_PARSERS: dict[str, Callable[[dict[str, Any]], list[Event]]] = {
    **{topic: lambda p: [normalize.order_changed(p)] for topic in consts.ORDER_TOPICS},
    **{topic: partial(_return_status_changed, topic) for topic in normalize.RETURN_STATUSES},
    "fulfillments/create": lambda p: [normalize.fulfillment_updated(p)],
    "fulfillments/update": lambda p: [normalize.fulfillment_updated(p)],
    "fulfillment_events/create": lambda p: [normalize.fulfillment_event(p)],
    "app/uninstalled": lambda p: [ShopUninstalled()],
    "shop/redact": lambda p: [ShopRedactionRequested()],
    "customers/redact": lambda p: [normalize.customer_redaction(p)],
    "customers/data_request": lambda p: [normalize.customer_data_request(p)],
    reconcile.RECONCILED_ORDER_TOPIC: lambda p: [reconcile.order_state(p)],
}
# What the Admin API can subscribe a shop to: every kept topic but the compliance ones.
API_SUBSCRIBABLE_TOPICS = consts.SUBSCRIBED_TOPICS - {
    "customers/data_request",
    "customers/redact",
    "shop/redact",
}


@dataclass(frozen=True)
class AppCredentials:
    """The app's own identity at Shopify (client id and secret), and where Shopify is."""

    api_key: str = ""
    secrets: tuple[str, ...] = ()
    scopes: str = consts.SCOPES
    admin_url: str | None = None  # a sandbox store instead of https://<shop>
    timeout: float = 10.0


class ShopifyConnector:
    """Shopify, as the intake, the worker, the sync jobs and the connect flow see it.

    The app's shopify.app.toml declares every topic, and Shopify never deletes those
    subscriptions, so by default there are none of its own to keep and the connector
    does not play the subscriptions role. `api_topics` are topics to subscribe each
    shop to through the Admin API instead (an app without that configuration, such as
    a custom app made in the shop's admin); those the upkeep keeps in place.
    """

    platform = consts.PLATFORM
    topics = consts.SUBSCRIBED_TOPICS
    api_version = consts.API_VERSION
    # Webhook deliveries are keyed by X-Shopify-Webhook-Id, which a fetch cannot know.
    order_keys_match_webhooks = False

    def __init__(
        self,
        classify: Callable[[str | None], str] = reason_of,
        app: AppCredentials | None = None,
        api_topics: frozenset[str] = frozenset(),
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Act as the app `app`; `sleep` and `clock` are how the clients wait and tell time."""
        unknown = sorted(set(api_topics) - API_SUBSCRIBABLE_TOPICS)
        if unknown:
            raise ConfigurationError(
                f"cannot subscribe to {', '.join(unknown)} through the Admin API; "
                f"choose among {', '.join(sorted(API_SUBSCRIBABLE_TOPICS))}"
            )
        self.classify = classify
        self.app = app or AppCredentials()
        self.api_topics = frozenset(api_topics)
        self.backoff_seconds = backoff_seconds
        self.sleep, self.clock = sleep, clock
        self._clients: dict[int, ShopifyClient] = {}
        self._clients_lock = threading.Lock()

    @property
    def roles(self) -> frozenset[str]:
        """Return the roles played: subscriptions only when some are made through the API."""
        kept = {"subscriptions"} if self.api_topics else set()
        played = {
            "intake",
            "reconcile",
            "backfill",
            "actions",
            "install",
            "embedded",
            "admin_links",
            "token_refresh",
        }
        return frozenset(played | kept)

    def client(self, shop: ShopContext) -> ShopifyClient:
        """Return the shop's Admin GraphQL client, the same one for every call.

        Shopify meters an app's calls on a shop with one cost bucket, and the client
        is where Amends keeps what it knows of it: a client made per call would start
        blind each time, and the calls of several workers' threads would be THROTTLED
        together. A new token (refreshed, or replaced by the merchant) or address gets
        a new client, which inherits the bucket.
        """
        api_url = shop.api_url or self.app.admin_url
        api_version = shop.api_version or self.api_version
        endpoint = graphql_endpoint(shop.domain, api_url, api_version)
        token = shop.credentials["access_token"]
        with self._clients_lock:
            kept = self._clients.get(shop.shop_id)
            if kept is not None and kept.serves(endpoint, token):
                return kept
            client = ShopifyClient(
                shop.domain,
                token,
                api_url=api_url,
                api_version=api_version,
                timeout=self.app.timeout,
                throttled_attempts=30,  # each wait the bucket implies is short, and capped
                backoff_seconds=self.backoff_seconds,
                sleep=self.sleep,
                clock=self.clock,
            )
            if kept is not None and kept.domain == shop.domain:
                client.bucket = kept.bucket
            self._clients[shop.shop_id] = client
            return client

    def _calls(self, shop: ShopContext) -> GraphQL:
        """Return the shop's client as this call's caller wants it to meet an outage.

        A sync job tries again in place (`shop.retry_in_place`); the outbox tries once
        and comes back later itself. Both wait out a THROTTLED answer, whose wait the
        bucket tells.
        """
        client = self.client(shop)
        return client if shop.retry_in_place else client.trying(1)

    # --- subscriptions ------------------------------------------------------------

    def webhook_path(self, shop_id: int) -> str:
        """Return the one delivery path of every shop: a delivery names its shop."""
        return "/webhooks/shopify"

    def delivery_url_problem(self, url: str) -> str | None:
        """Say why Shopify would not deliver to `url`: its subscriptions take https only."""
        if urlsplit(url).scheme.lower() == "https":
            return None
        return f"Shopify delivers webhooks only to https addresses, and {url} is not one"

    def ensure_subscriptions(
        self, shop: ShopContext, delivery_url: str, *, reset_secret: bool = False
    ) -> SubscriptionReport:
        """Subscribe the shop again to each of `api_topics` it lost.

        Deliveries are signed with the app's secret, not a per-shop one: there is
        no secret to send, so `reset_secret` changes nothing.
        """
        return subscriptions.ensure_subscriptions(self._calls(shop), delivery_url, self.api_topics)

    # --- reconcile ----------------------------------------------------------------

    def changed_orders(self, shop: ShopContext, since: datetime) -> list[ChangedOrder]:
        """Return each order updated since `since`, read as its webhook would be."""
        return reconcile.changed_orders(self._calls(shop), since)

    # --- backfill -----------------------------------------------------------------

    def history_page(self, shop: ShopContext, since: datetime, cursor: str | None) -> HistoryPage:
        """Return a page of orders created since `since`, with their refunds and returns."""
        return backfill.history_page(self._calls(shop), since, cursor)

    # --- actions ------------------------------------------------------------------

    def issue_coupon(self, shop: ShopContext, spec: CouponSpec) -> ActionResult:
        """Create the discount code, or find the one an earlier attempt made."""
        return actions.issue_coupon(self._calls(shop), spec)

    def refund_shipping(self, shop: ShopContext, spec: ShippingRefundSpec) -> ActionResult:
        """Refund the order's shipping, once."""
        return actions.refund_shipping(self._calls(shop), spec)

    def add_note(self, shop: ShopContext, spec: NoteSpec) -> ActionResult:
        """Append a line to the order's note, once."""
        return actions.add_note(self._calls(shop), spec)

    # --- install ------------------------------------------------------------------

    def install_url(self, shop: str, state: str, callback_url: str, return_url: str) -> str:
        """Return where to send the merchant to grant the app its scopes.

        Shopify sends the merchant back to the callback itself, with the code.
        """
        if not oauth.valid_shop_domain(shop):
            raise InvalidInput(f"{shop!r} is not a SHOP.myshopify.com domain")
        return oauth.authorize_url(
            shop, self.app.api_key, self.app.scopes, callback_url, state, self.app.admin_url
        )

    def link_signed(self, params: Mapping[str, str | Sequence[str]], now: datetime) -> bool:
        """Tell whether a link from the shop's admin is signed by the app and recent."""
        return bool(self.app.secrets) and oauth.query_signed(params, self.app.secrets, now)

    def complete_install(
        self,
        shop: str,
        answer: Mapping[str, Any],
        now: datetime,
        previous: Mapping[str, str] | None = None,
    ) -> Installation:
        """Check the callback's shop and HMAC (as of `now`), then trade its code for a token.

        A shop installed again needs nothing of `previous`: its deliveries are signed
        with the app's secret, not a secret of its own.
        """
        grant = self._grant(shop, answer, now)
        return Installation(
            domain=shop,
            credentials=grant_credentials(grant, now),
            api_url=self.admin_url_for(shop),
            api_version=self.api_version,
        )

    def _grant(self, shop: str, params: Mapping[str, Any], now: datetime) -> oauth.Grant:
        if not oauth.valid_shop_domain(shop):
            raise InvalidInput(f"{shop!r} is not a SHOP.myshopify.com domain")
        if not oauth.query_signed(params, self.app.secrets, now):
            raise PlatformUnauthorized("the callback's hmac does not match (or is too old)")
        if not params.get("code"):
            raise InvalidInput("the callback has no code")
        return oauth.exchange_code(
            shop,
            params["code"],
            self.app.api_key,
            self.app.secrets[0],
            self.app.admin_url,
            self.app.timeout,
        )

    def exchange_embedded_token(self, shop: str, id_token: str) -> oauth.Grant:
        """Trade an embedded load's session token for an expiring offline access token."""
        if not oauth.valid_shop_domain(shop):
            raise InvalidInput(f"{shop!r} is not a SHOP.myshopify.com domain")
        return oauth.exchange_id_token(
            shop,
            id_token,
            self.app.api_key,
            self.app.secrets[0],
            self.app.admin_url,
            self.app.timeout,
        )

    def install_embedded(self, shop: str, session_token: str, now: datetime) -> Installation:
        """Trade an embedded load's session token for the shop's offline access (token exchange)."""
        grant = self.exchange_embedded_token(shop, session_token)
        return Installation(
            domain=shop,
            credentials=grant_credentials(grant, now),
            api_url=self.admin_url_for(shop),
            api_version=self.api_version,
        )

    def order_admin_url(self, shop_domain: str, order_id: str) -> str:
        """Return the order's page in the Shopify admin (admin.shopify.com/store/<name>)."""
        store = shop_domain.removesuffix(".myshopify.com")
        return f"https://admin.shopify.com/store/{quote(store)}/orders/{quote(order_id)}"

    def refresh(self, shop: str, refresh_token: str) -> oauth.Grant:
        """Trade a refresh token for a new expiring access token."""
        return oauth.refresh_access_token(
            shop,
            refresh_token,
            self.app.api_key,
            self.app.secrets[0],
            self.app.admin_url,
            self.app.timeout,
        )

    def admin_url_for(self, shop: str) -> str | None:
        """Return the admin base to store for a shop (only when not Shopify's own)."""
        return self.app.admin_url or None

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Shopify sends no ping."""
        return False

    def read_delivery(self, headers: Mapping[str, str]) -> Delivery:
        """Describe a delivery from its X-Shopify-* headers, reading each once."""
        headers = lowered(headers)
        kept = {
            names[0]: value
            for names in _KEPT_HEADERS
            if (value := header(headers, *names)) is not None
        }
        for names in _REQUIRED_HEADERS:
            if names[0] not in kept:
                raise MalformedDelivery(f"missing header {names[0]}")
        return Delivery(
            topic=kept[consts.TOPIC_HEADER[0]].lower(),
            delivery_id=kept[consts.WEBHOOK_ID_HEADER[0]],
            signature=header(headers, *consts.HMAC_HEADER),
            shop_domain=kept[consts.SHOP_HEADER[0]].lower(),
            triggered_at=parse_timestamp(kept.get(consts.TRIGGERED_AT_HEADER[0])),
            kept_headers=kept,
        )

    def delivery_key(self, delivery: Delivery, body: bytes, shop_key: str) -> str:
        """Return the webhook id: unique per delivery, and a retry carries the same one."""
        return f"shopify:{delivery.delivery_id}"[:128]

    @property
    def _classified(self) -> dict[str, Callable[[dict[str, Any]], list[Event]]]:
        """Return the parsers that read people's words with this connector's classifier."""
        return {
            "refunds/create": self._refund,
            "returns/request": lambda p: [normalize.return_requested(p, self.classify)],
            backfill.BACKFILLED_ORDER_TOPIC: lambda p: backfill.backfilled_events(p, self.classify),
        }

    def _refund(self, payload: dict[str, Any]) -> list[Event]:
        # Amends' own refunds carry its reference in the note: their echo is no news.
        if is_own_write(payload.get("note")):
            return []
        return [normalize.refund_created(payload, self.classify)]

    def signature_valid(self, body: bytes, signature: str, secrets: Sequence[str]) -> bool:
        """Check the base64 HMAC Shopify computes over the raw body with the app secret."""
        return signing.signature_valid(body, signature, secrets)

    def parse(self, topic: str, body: bytes) -> list[Event] | None:
        """Turn a stored delivery into events; None when no parser handles the topic yet."""
        parser = self._classified.get(topic) or _PARSERS.get(topic)
        if parser is None:
            return None
        return read_events(topic, body, parser)
