"""Webhook delivery as Shopify does it: signed, impatient, retried, and finally given up.

Each delivery is POSTed with the X-Shopify-* headers (platforms/shopify.md §1.2), its
body signed with the app's client secret; the platform waits 1 s to connect and 5 s
in all, counts only 2xx as success (a redirect is a failure and is not followed), and
retries 8 times with exponential backoff, with the same Webhook-Id and body. When a
delivery has used up its retries, a subscription created through the Admin API with
as many consecutive failures is deleted; an app-specific one stays.

A background thread does the posting on the sandbox clock, so a test can advance the
clock and `flush` instead of waiting hours.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sandboxes.shopify.clock import SandboxClock
from sandboxes.shopify.config import SandboxConfig
from sandboxes.shopify.formats import rest_time, triggered_at
from sandboxes.shopify.subscriptions import (
    COMPLIANCE_TOPICS,
    Subscription,
    SubscriptionBook,
)
from sandboxes.signing import sign


@dataclass
class Delivery:
    """One topic for one subscription: the same id, headers and bytes on every attempt."""

    webhook_id: str
    event_id: str
    topic: str
    subscription: Subscription
    body: bytes
    headers: dict[str, str]
    due_at: float
    attempts: int = 0


def render_body(payload: dict[str, Any]) -> bytes:
    r"""Serialise a payload as Shopify's deliveries arrive: compact, ASCII, slashes escaped.

    A captured real delivery (tests/fixtures/shopify/returns_request_thin_size.json)
    shows `gid:\/\/shopify` and `\u00e1`; the HMAC covers exactly these bytes.
    """
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


class WebhookHub:
    """Own the subscriptions, the queue of deliveries, and the thread that sends them."""

    def __init__(self, config: SandboxConfig, clock: SandboxClock) -> None:
        self.config = config
        self.clock = clock
        self.book = SubscriptionBook()
        self.installed = True
        self._condition = threading.Condition()
        self._queue: list[Delivery] = []
        self._attempts: list[dict[str, Any]] = []
        self._in_flight = 0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sandbox-webhooks", daemon=True)
        clock.on_advance(self._wake)

    def start(self) -> None:
        """Start sending deliveries in the background."""
        self._thread.start()

    def close(self) -> None:
        """Stop the sending thread; deliveries still queued are dropped."""
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout=self.config.total_timeout + 5)

    def _wake(self) -> None:
        with self._condition:
            self._condition.notify_all()

    # Subscriptions ------------------------------------------------------------------

    def subscribe(self, subscription: Subscription) -> Subscription:
        """Add a subscription."""
        with self._condition:
            return self.book.add(subscription)

    def unsubscribe(self, subscription_id: int) -> Subscription | None:
        """Remove a subscription and its queued deliveries; return it, or None."""
        with self._condition:
            return self._drop(subscription_id)

    def _drop(self, subscription_id: int) -> Subscription | None:
        self._queue = [d for d in self._queue if d.subscription.id != subscription_id]
        return self.book.remove(subscription_id)

    def shop_subscriptions(self) -> list[Subscription]:
        """Return the shop-specific subscriptions, oldest first."""
        with self._condition:
            return self.book.shop_level()

    def remove_shop_subscriptions(self) -> None:
        """Delete every shop-specific subscription (the app was uninstalled)."""
        with self._condition:
            for subscription in self.book.shop_level():
                self._drop(subscription.id)

    def describe(self) -> list[dict[str, Any]]:
        """Return every subscription (app- and shop-specific) as plain data."""
        with self._condition:
            return [
                {
                    "id": s.id,
                    "topics": sorted(s.topics),
                    "uri": s.uri,
                    "app_level": s.app_level,
                    "api_version": s.api_version,
                    "consecutive_failures": s.consecutive_failures,
                }
                for s in self.book.subscriptions.values()
            ]

    # Publishing ---------------------------------------------------------------------

    def publish(
        self, notifications: Sequence[tuple[str, dict[str, Any]]], delay: float = 0.0
    ) -> str:
        """Queue the deliveries of one merchant action; return its X-Shopify-Event-Id."""
        event_id = str(uuid.uuid4())
        now = self.clock.now()
        with self._condition:
            for topic, payload in notifications:
                if not self.installed and topic not in COMPLIANCE_TOPICS:
                    continue
                for subscription in self.book.for_topic(topic):
                    if not subscription.uri.startswith(("http://", "https://")):
                        continue  # Pub/Sub and EventBridge addresses are accepted, not served
                    self._queue.append(
                        self._delivery(subscription, topic, payload, event_id, now, delay)
                    )
            self._condition.notify_all()
        return event_id

    def _delivery(self, subscription, topic, payload, event_id, now, delay) -> Delivery:  # noqa: ANN001
        body = render_body(subscription.render(payload))
        webhook_id = str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": sign(body, self.config.api_secret),
            "X-Shopify-Shop-Domain": self.config.shop_domain,
            "X-Shopify-API-Version": subscription.api_version,
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-Event-Id": event_id,
            "X-Shopify-Triggered-At": triggered_at(now),
        }
        if subscription.name:
            headers["X-Shopify-Name"] = subscription.name
        return Delivery(
            webhook_id, event_id, topic, subscription, body, headers, now.timestamp() + delay
        )

    def cancel(self, topic: str) -> int:
        """Drop queued, never-attempted deliveries of `topic`; return how many."""
        with self._condition:
            before = len(self._queue)
            self._queue = [d for d in self._queue if d.topic != topic or d.attempts > 0]
            return before - len(self._queue)

    # Observing ----------------------------------------------------------------------

    def attempts(self) -> list[dict[str, Any]]:
        """Return every delivery attempt made so far, oldest first."""
        with self._condition:
            return [dict(entry) for entry in self._attempts]

    def pending(self) -> list[dict[str, Any]]:
        """Return the deliveries still queued, with when they are next tried."""
        with self._condition:
            return [self._describe(d) for d in sorted(self._queue, key=lambda d: d.due_at)]

    def _describe(self, delivery: Delivery) -> dict[str, Any]:
        return {
            "webhook_id": delivery.webhook_id,
            "topic": delivery.topic,
            "uri": delivery.subscription.uri,
            "subscription_id": delivery.subscription.id,
            "attempts": delivery.attempts,
            "next_attempt_at": rest_time(_utc(delivery.due_at)),
            "next_attempt_in": max(0.0, delivery.due_at - self.clock.timestamp()),
        }

    def flush(self, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Wait until no delivery is due now or being sent; return what remains queued."""
        deadline = time.monotonic() + timeout
        with self._condition:
            self._condition.notify_all()
            while self._in_flight or self._due_now():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._condition.wait(remaining)
        return self.pending()

    def _due_now(self) -> bool:
        now = self.clock.timestamp()
        return any(delivery.due_at <= now for delivery in self._queue)

    # Sending ------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            delivery = self._next_due()
            if delivery is None:
                return
            status, error = self._post(delivery)
            self._settle(delivery, status, error)

    def _next_due(self) -> Delivery | None:
        with self._condition:
            while not self._stopping:
                now = self.clock.timestamp()
                due = [d for d in self._queue if d.due_at <= now]
                if due:
                    delivery = min(due, key=lambda d: d.due_at)
                    self._queue.remove(delivery)
                    self._in_flight += 1
                    return delivery
                waits = [self.clock.real_seconds_until(d.due_at) for d in self._queue]
                known = [wait for wait in waits if wait is not None]
                self._condition.wait(min([0.5, *known]))
            return None

    def _post(self, delivery: Delivery) -> tuple[int | None, str | None]:
        parts = urlsplit(delivery.subscription.uri)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None, f"cannot deliver to {delivery.subscription.uri!r}"
        connection_type = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        started = time.monotonic()
        connection = connection_type(
            parts.hostname, parts.port, timeout=self.config.connect_timeout
        )
        try:
            connection.connect()
            self._limit(connection, started)
            connection.request("POST", path, body=delivery.body, headers=delivery.headers)
            self._limit(connection, started)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            return None, f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        if time.monotonic() - started > self.config.total_timeout:
            return response.status, f"no answer within {self.config.total_timeout}s"
        return response.status, None

    def _limit(self, connection: http.client.HTTPConnection, started: float) -> None:
        remaining = self.config.total_timeout - (time.monotonic() - started)
        if remaining <= 0:
            raise TimeoutError(f"no answer within {self.config.total_timeout}s")
        if connection.sock is not None:
            connection.sock.settimeout(remaining)

    def _settle(self, delivery: Delivery, status: int | None, error: str | None) -> None:
        ok = error is None and status is not None and 200 <= status < 300
        with self._condition:
            self._in_flight -= 1
            delivery.attempts += 1
            subscription = delivery.subscription
            self._attempts.append(self._record(delivery, status, ok, error))
            if ok:
                subscription.consecutive_failures = 0
            else:
                subscription.consecutive_failures += 1
                self._retry_or_give_up(delivery)
            self._condition.notify_all()

    def _retry_or_give_up(self, delivery: Delivery) -> None:
        retries = self.config.retry_delays
        if delivery.subscription.id not in self.book.subscriptions:
            return  # deleted while this attempt was on its way
        if delivery.attempts <= len(retries):
            delivery.due_at = self.clock.timestamp() + retries[delivery.attempts - 1]
            self._queue.append(delivery)
            return
        subscription = delivery.subscription
        limit = self.config.removal_after_failures
        if not subscription.app_level and subscription.consecutive_failures >= limit:
            self._drop(subscription.id)

    def _record(self, delivery: Delivery, status: int | None, ok: bool, error: str | None) -> dict:
        if error is None and not ok:
            error = f"HTTP {status}"
        return {
            "webhook_id": delivery.webhook_id,
            "event_id": delivery.event_id,
            "topic": delivery.topic,
            "uri": delivery.subscription.uri,
            "subscription_id": delivery.subscription.id,
            "app_level": delivery.subscription.app_level,
            "attempt": delivery.attempts,
            "at": rest_time(self.clock.now()),
            "triggered_at": delivery.headers["X-Shopify-Triggered-At"],
            "status": status,
            "ok": ok,
            "error": error,
        }


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
