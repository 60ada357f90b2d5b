"""The WooCommerce Connector: intake, webhook upkeep, reconcile, actions and the key flow."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from connectors import signing
from connectors.headers import (
    header,
    lowered,
    parse_timestamp,
    read_events,
    required_header,
)
from connectors.reasons import reason_of
from connectors.woocommerce import (
    actions,
    consts,
    history,
    install,
    normalize,
    reach,
    subscriptions,
)
from connectors.woocommerce.client import WooClient
from plugin.errors import InvalidInput
from plugin.events import Backfilled, Event
from plugin.platforms import (
    ActionResult,
    ChangedOrder,
    CouponSpec,
    Delivery,
    HistoryPage,
    Installation,
    NoteSpec,
    ShippingRefundSpec,
    ShopContext,
    SubscriptionReport,
    is_own_write,
)

log = logging.getLogger("amends.connectors.woocommerce")


def order_state_key(body: bytes) -> str | None:
    """Return `order:<id>:<date_modified_gmt>:<content digest>` for an order payload.

    The modification time has one-second resolution, so a refund right after a
    change can share it; the digest of the canonical JSON (escaping-independent,
    so a webhook and a REST fetch of one state agree) tells such states apart.
    """
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(payload, dict):
        return None
    order_id, modified = payload.get("id"), payload.get("date_modified_gmt")
    # Anything but a WooCommerce id and time (a number, a short text) is keyed by digest.
    if not _short_scalar(order_id) or not _short_scalar(modified):
        return None
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # JSON may escape half a surrogate pair, which UTF-8 cannot encode: pass it through.
    digest = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"order:{order_id}:{modified}:{digest}"


def _short_scalar(value: object) -> bool:
    """Tell whether `value` is a non-empty id or time that fits an inbox key (128 characters)."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not value:
        return False
    return len(str(value)) <= 40


class WooCommerceConnector:
    """WooCommerce, as the intake, the worker, the sync jobs and the connect flow see it."""

    platform = consts.PLATFORM
    topics = consts.SUBSCRIBED_TOPICS
    roles = frozenset(
        {"intake", "subscriptions", "reconcile", "backfill", "actions", "install", "admin_links"}
    )
    # Webhook deliveries of an order are keyed by its state (`delivery_key`), as fetches are.
    order_keys_match_webhooks = True

    def __init__(
        self,
        timeout: float = 10.0,
        backoff_seconds: float = 0.5,
        classify: Callable[[str | None], str] = reason_of,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """Call stores with `timeout` per request; `sleep` is how a client waits to retry."""
        self.timeout = timeout
        self.backoff_seconds = backoff_seconds
        self.classify = classify
        self.sleep = sleep
        self._clients: dict[int, WooClient] = {}
        self._clients_lock = threading.Lock()

    @contextmanager
    def client(self, shop: ShopContext) -> Iterator[WooClient]:
        """Lend the store's client, the same one (and connection pool) for every call.

        Its retries are safe for the outbox too: a POST is never sent twice, and a
        429's wait is slept only up to the client's cap (longer ones fail the call, and
        the outbox comes back when asked). New credentials or a new address replace
        it, and the old one is closed.
        """
        key, secret = shop.credentials["consumer_key"], shop.credentials["consumer_secret"]
        with self._clients_lock:
            kept = self._clients.get(shop.shop_id)
            if kept is None or not kept.serves(shop.base_url, key, secret):
                if kept is not None:
                    kept.close()
                kept = WooClient(
                    shop.base_url,
                    key,
                    secret,
                    timeout=self.timeout,
                    backoff_seconds=self.backoff_seconds,
                    sleep=self.sleep,
                )
                self._clients[shop.shop_id] = kept
        yield kept

    # --- subscriptions ------------------------------------------------------------

    def delivery_url_problem(self, url: str) -> str | None:
        """Say why a store would never deliver to `url` (a port WordPress refuses); None if not."""
        return reach.delivery_problem(url)

    def webhook_path(self, shop_id: int) -> str:
        """Return the shop's own delivery path: WooCommerce deliveries do not name their store."""
        return f"/webhooks/woocommerce/{shop_id}"

    def ensure_subscriptions(
        self, shop: ShopContext, delivery_url: str, *, reset_secret: bool = False
    ) -> SubscriptionReport:
        """Make the store deliver every subscribed topic to `delivery_url`, with our secret."""
        with self.client(shop) as client:
            return subscriptions.ensure_webhooks(
                client, delivery_url, shop.credentials["webhook_secret"], reset_secret=reset_secret
            )

    # --- reconcile ----------------------------------------------------------------

    def changed_orders(self, shop: ShopContext, since: datetime) -> list[ChangedOrder]:
        """Return each order modified since `since`, trashed too, keyed as its webhook is."""
        with self.client(shop) as client:
            orders = subscriptions.orders_modified_since(client, since)
        changed = []
        for order in orders:
            body = json.dumps(order, separators=(",", ":")).encode()
            if (key := order_state_key(body)) is not None:
                changed.append(
                    ChangedOrder(
                        order_id=str(order["id"]),
                        updated_at=parse_timestamp(order.get("date_modified_gmt")),
                        topic="order.updated",
                        delivery_key=key,
                        body=body,
                    )
                )
        return changed

    # --- backfill -----------------------------------------------------------------

    def history_page(self, shop: ShopContext, since: datetime, cursor: str | None) -> HistoryPage:
        """Return a page (of 100) of orders created since `since`, refunds and returns in them."""
        with self.client(shop) as client:
            return history.history_page(client, since, cursor, order_state_key)

    # --- actions ------------------------------------------------------------------

    def issue_coupon(self, shop: ShopContext, spec: CouponSpec) -> ActionResult:
        """Create the coupon, or find the one an earlier attempt made."""
        with self.client(shop) as client:
            return actions.issue_coupon(client, spec)

    def refund_shipping(self, shop: ShopContext, spec: ShippingRefundSpec) -> ActionResult:
        """Refund the order's shipping lines with their taxes, once."""
        with self.client(shop) as client:
            return actions.refund_shipping(client, spec)

    def add_note(self, shop: ShopContext, spec: NoteSpec) -> ActionResult:
        """Add the note once; a customer-facing note is e-mailed by WooCommerce."""
        with self.client(shop) as client:
            return actions.add_note(client, spec)

    # --- install ------------------------------------------------------------------

    def link_signed(self, params: Mapping[str, str | Sequence[str]], now: datetime) -> bool:
        """WooCommerce sends no signed links from its admin."""
        return False

    def install_url(self, shop: str, state: str, callback_url: str, return_url: str) -> str:
        """Return the store's page where the merchant approves a read/write key.

        Refuse (InvalidInput) when the store could not answer: wc-auth posts the keys
        only to an https callback, and webhooks reach only ports WordPress deems safe.
        """
        problem = reach.callback_problem(callback_url)
        if problem is not None:
            raise InvalidInput(problem)
        return install.authorize_url(shop, state, callback_url, return_url)

    def complete_install(
        self,
        shop: str,
        answer: Mapping[str, Any],
        now: datetime,
        previous: Mapping[str, str] | None = None,
    ) -> Installation:
        """Check the key pair the store posted and return what to keep."""
        return install.installation(shop, answer, previous)

    def order_admin_url(self, shop_domain: str, order_id: str) -> str:
        """Return the order's edit page in wp-admin: the orders screen of HPOS.

        HPOS is on by default since WooCommerce 8.2 (woocommerce.md, "Observed again").
        """
        query = urlencode({"page": "wc-orders", "action": "edit", "id": order_id})
        return f"{shop_domain.rstrip('/')}/wp-admin/admin.php?{query}"

    # --- intake -------------------------------------------------------------------

    def is_ping(self, headers: Mapping[str, str], body: bytes) -> bool:
        """Recognise the unsigned `webhook_id=N` ping sent when a webhook is created."""
        return header(headers, consts.TOPIC_HEADER) is None and bool(
            consts.PING_BODY.match(body.strip())
        )

    def read_delivery(self, headers: Mapping[str, str]) -> Delivery:
        """Describe a delivery from its X-WC-Webhook-* headers."""
        headers = lowered(headers)
        return Delivery(
            topic=required_header(headers, consts.TOPIC_HEADER).lower(),
            delivery_id=header(headers, consts.DELIVERY_ID_HEADER),
            signature=header(headers, consts.SIGNATURE_HEADER),
            kept_headers={
                name: value for name in consts.KEPT_HEADERS if (value := header(headers, name))
            },
        )

    def delivery_key(self, delivery: Delivery, body: bytes, shop_key: str) -> str:
        """Return the key that makes a repeated state one delivery.

        WooCommerce's Delivery-ID is webhook id + current second, so not unique,
        and it never retries. An order state is keyed by order id and its
        `date_modified_gmt` (so order.created and order.updated showing the same
        state, and the reconcile job's fetch of it, are one; order.restored keeps
        a key of its own); anything else by a digest of shop, topic, Delivery-ID
        and raw body.
        """
        key = order_state_key(body) if delivery.topic in consts.ORDER_TOPICS else None
        if key and delivery.topic == consts.RESTORED_TOPIC:
            # A restore must follow the deletion before it even when an order.updated
            # sent earlier already showed the restored state (WooCommerce merges a
            # pending order.updated with the restore's): it is never a duplicate of one.
            return f"restored:{key}"
        if key:
            return key
        seed = f"{shop_key}\n{delivery.topic}\n{delivery.delivery_id or ''}\n".encode()
        return f"sha256:{hashlib.sha256(seed + body).hexdigest()}"

    def signature_valid(self, body: bytes, signature: str, secrets: Sequence[str]) -> bool:
        """Check the base64 HMAC WooCommerce computes over the raw body with the webhook secret."""
        return signing.signature_valid(body, signature, secrets)

    def parse(self, topic: str, body: bytes) -> list[Event] | None:
        """Turn a stored delivery into events; None when no parser handles the topic yet."""
        if topic == consts.BACKFILLED_ORDER_TOPIC:
            return read_events(topic, body, self._backfilled_events)
        if topic == consts.DELETED_TOPIC:
            return read_events(topic, body, lambda payload: [normalize.order_trashed(payload)])
        if topic not in consts.ORDER_TOPICS:
            return None
        return read_events(topic, body, self._order_events)

    def _backfilled_events(self, payload: dict[str, Any]) -> list[Event]:
        """Read a past order as `order.updated` is read, each event kept and acted on by nothing."""
        return [Backfilled(event) for event in self._order_events(payload)]  # type: ignore[arg-type]

    def _order_events(self, payload: dict[str, Any]) -> list[Event]:
        if normalize.is_error_body(payload):
            log.warning("connectors.woocommerce.error-body", extra={"code": payload.get("code")})
            return []
        if payload.get("status") in consts.IGNORED_STATUSES:
            return []
        return normalize.order_events(payload, self.classify, own_write=is_own_write)
