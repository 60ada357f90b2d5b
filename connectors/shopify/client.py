"""The only module that talks HTTP to Shopify's Admin GraphQL API.

It uses ShopifyAPI's `GraphQL` class, wrapped: ShopifyAPI keeps the shop and token
in process-global session state and calls `urlopen` with no timeout, so
`ShopifyClient` gives each shop its own instance with its own endpoint, token and
timeout, never activating a global session. It also respects the calculated
query cost (waits when the bucket is low, retries THROTTLED and 429), retries 5xx
and timeouts with backoff, and maps failures onto the retry-aware error family.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import shopify

from connectors.shopify.consts import API_VERSION
from plugin.errors import (
    PlatformError,
    PlatformRateLimited,
    PlatformRejected,
    PlatformTimeout,
    PlatformUnauthorized,
    PlatformUnavailable,
)

log = logging.getLogger("amends.connectors.shopify")

# What a query is assumed to cost before Shopify has priced it once (a mutation is 10).
DEFAULT_COST = 10.0
# A wait computed to the exact point can come back a hair short (2.3 s x 10 points/s is
# 22.999... points in floating point): one more millisecond is never THROTTLED by it.
ROUNDING_SECONDS = 0.001


@dataclass
class Bucket:
    """What the last answer said about this shop's cost bucket."""

    maximum: float = 1000.0
    available: float = 1000.0
    restore_rate: float = 50.0
    seen_at: float = 0.0

    def wait_for(self, points: float, now: float) -> float:
        """Return how long until `points` more have been available than are spent.

        `points` may exceed the bucket's size when several calls are queued: each
        waits for the restore to pay for those ahead of it too.
        """
        available = min(self.maximum, self.available + (now - self.seen_at) * self.restore_rate)
        missing = points - available
        if missing <= 0 or self.restore_rate <= 0:
            return 0.0
        return missing / self.restore_rate + ROUNDING_SECONDS


class _TimedGraphQL(shopify.GraphQL):
    """ShopifyAPI's GraphQL request, for one endpoint and token, with a timeout."""

    def __init__(self, endpoint: str, token: str, timeout: float) -> None:
        # Deliberately not calling super().__init__: it reads the global session.
        self.endpoint = endpoint
        self.headers = {"X-Shopify-Access-Token": token}
        self.timeout = timeout

    def execute(self, query: str, variables: Any = None, operation_name: str | None = None) -> str:
        """Send the request as ShopifyAPI does, but bounded by `timeout`."""
        headers = self.merge_headers(
            {"Accept": "application/json", "Content-Type": "application/json"}, self.headers
        )
        body = json.dumps(
            {"query": query, "variables": variables, "operationName": operation_name}
        ).encode()
        request = urllib.request.Request(self.endpoint, body, headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return response.read().decode("utf-8")


class GraphQL(Protocol):
    """What the connector's operations need of a client: one operation, run to its data."""

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run one operation; return its `data`."""
        ...


class ShopifyClient:
    """A per-shop Admin GraphQL client; its credentials never leave the instance.

    Threads sharing one client share one cost bucket: each call reserves the cost
    its query asked for last time before it is sent, so concurrent calls wait in
    turn instead of all waking at once and being THROTTLED together.
    """

    def __init__(
        self,
        domain: str,
        access_token: str,
        *,
        api_url: str | None = None,
        api_version: str = API_VERSION,
        timeout: float = 10.0,
        attempts: int = 5,
        throttled_attempts: int = 30,
        backoff_seconds: float = 0.5,
        max_wait_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.domain = domain
        self.endpoint = graphql_endpoint(domain, api_url, api_version)
        self._graphql = _TimedGraphQL(self.endpoint, access_token, timeout)
        self.attempts = attempts
        self.throttled_attempts = throttled_attempts
        self.backoff_seconds = backoff_seconds
        # A 429 asking for longer than this is not slept in a call: the caller (the
        # outbox) comes back when asked, and the worker carries on with other rows.
        self.max_wait_seconds = max_wait_seconds
        self.bucket = Bucket()
        self._lock = threading.Lock()
        self._costs: dict[str, float] = {}  # requestedQueryCost last seen, per query text
        self._reserved = 0.0  # points promised to calls waiting or in flight
        self._sleep, self._clock = sleep, clock

    def serves(self, endpoint: str, access_token: str) -> bool:
        """Tell whether this client calls `endpoint` with `access_token` (constant time)."""
        token = self._graphql.headers["X-Shopify-Access-Token"]
        same_token = hmac.compare_digest(token.encode(), access_token.encode())
        return same_token and endpoint == self.endpoint

    def execute(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        attempts: int | None = None,
    ) -> dict[str, Any]:
        """Run one operation; return its `data`, waiting and retrying as the platform asks.

        THROTTLED means nothing ran: it is retried on its own budget, after the wait
        the answer itself implies. Outages (5xx, 429, timeouts) are tried `attempts`
        times in all, the client's own number unless the call says otherwise.
        """
        attempts = self.attempts if attempts is None else attempts
        failures = throttles = 0
        while True:
            cost = self._reserve(query)
            try:
                return self._execute_once(query, variables)
            except PlatformRateLimited as error:
                if error.code != "THROTTLED":
                    failures += 1
                    if failures >= attempts or error.retry_after > self.max_wait_seconds:
                        raise
                else:
                    throttles += 1
                    if throttles >= self.throttled_attempts:
                        raise
                self._retry_after(error, error.retry_after, failures + throttles)
            except PlatformUnavailable as error:
                failures += 1
                if failures >= attempts:
                    raise
                self._retry_after(error, self.backoff_seconds * 2 ** (failures - 1), failures)
            finally:
                with self._lock:
                    self._reserved -= cost

    def trying(self, attempts: int) -> GraphQL:
        """Return this client as calls that try `attempts` times per outage.

        The calls share everything else with the client: its bucket, what it reserved
        for calls in flight, what it learnt each query costs.
        """
        return _Trying(self, attempts)

    def _retry_after(self, error: Exception, delay: float, attempt: int) -> None:
        log.warning(
            "connectors.shopify.retry",
            extra={"shop": self.domain, "attempt": attempt, "wait": delay, "error": str(error)},
        )
        self._sleep(delay)

    def _reserve(self, query: str) -> float:
        """Set aside the points `query` needs, waiting until the bucket will hold them."""
        with self._lock:
            cost = min(self._costs.get(query, DEFAULT_COST), self.bucket.maximum)
            delay = self.bucket.wait_for(cost + self._reserved, self._clock())
            self._reserved += cost
        if delay > 0:
            log.info("connectors.shopify.bucket-wait", extra={"shop": self.domain, "wait": delay})
            self._sleep(delay)
        return cost

    def _execute_once(self, query: str, variables: Mapping[str, Any] | None) -> dict[str, Any]:
        try:
            raw = self._graphql.execute(query, dict(variables or {}))
        except urllib.error.HTTPError as error:
            mapped = _http_error(error)
            error.close()  # its body is not read: give the connection back now
            raise mapped from error
        except TimeoutError as error:
            raise PlatformTimeout(
                f"{self.domain}: no answer in {self._graphql.timeout}s"
            ) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise PlatformTimeout(f"{self.domain}: no answer in time") from error
            raise PlatformUnavailable(f"{self.domain}: cannot connect: {error.reason}") from error
        try:
            answer = json.loads(raw)
        except ValueError as error:
            raise PlatformUnavailable(f"{self.domain}: answer is not JSON") from error
        wait = self._record_cost(query, answer.get("extensions") or {})
        errors = answer.get("errors")
        if errors:
            raise self._graphql_error(errors, wait, query)
        return answer.get("data") or {}

    def _record_cost(self, query: str, extensions: Mapping[str, Any]) -> float:
        """Note the bucket's state and the query's cost; return the wait it implies for it."""
        cost = extensions.get("cost") or {}
        status = cost.get("throttleStatus") or {}
        if not status:
            return 0.0
        with self._lock:
            self.bucket = Bucket(
                maximum=float(status.get("maximumAvailable") or self.bucket.maximum),
                available=float(status.get("currentlyAvailable") or 0),
                restore_rate=float(status.get("restoreRate") or self.bucket.restore_rate),
                seen_at=self._clock(),
            )
            requested = float(cost.get("requestedQueryCost") or DEFAULT_COST)
            self._costs[query] = requested
            return self.bucket.wait_for(requested, self.bucket.seen_at)

    def _graphql_error(self, errors: Any, wait: float, query: str) -> PlatformError:
        if isinstance(errors, str):  # e.g. "[API] Invalid API key or access token ..."
            return PlatformUnauthorized(f"{self.domain}: {errors}")
        first = errors[0] if errors else {}
        code = (first.get("extensions") or {}).get("code")
        message = "; ".join(str(e.get("message")) for e in errors)
        if code == "THROTTLED" and self._costs.get(query, 0.0) > self.bucket.maximum:
            return PlatformRejected(
                f"{self.domain}: the query costs more points than the shop's bucket holds "
                f"({self.bucket.maximum:g}); no wait pays for it: ask for fewer records",
                code=code,
            )
        if code == "THROTTLED":
            return PlatformRateLimited(f"{self.domain}: throttled", max(wait, 0.05), code=code)
        if code in ("ACCESS_DENIED", "UNAUTHORIZED"):
            return PlatformUnauthorized(f"{self.domain}: {message}", code=code)
        if code == "INTERNAL_SERVER_ERROR":
            return PlatformUnavailable(f"{self.domain}: {message}", code=code)
        return PlatformRejected(f"{self.domain}: {message}", code=code)


def graphql_endpoint(domain: str, api_url: str | None, api_version: str = API_VERSION) -> str:
    """Return a shop's Admin GraphQL endpoint: on its domain, or under `api_url` (a sandbox)."""
    base = (api_url or f"https://{domain}").rstrip("/")
    return f"{base}/admin/api/{api_version}/graphql.json"


def _http_error(error: urllib.error.HTTPError) -> PlatformError:
    status = error.code
    text = f"HTTP {status}"
    if status == 429:
        return PlatformRateLimited(
            text, float(error.headers.get("Retry-After") or 1), status=status
        )
    if status >= 500:
        return PlatformUnavailable(text, status=status)
    if status in (401, 403):
        return PlatformUnauthorized(f"{text}: access token refused", status=status)
    return PlatformRejected(text, status=status)


@dataclass(frozen=True)
class _Trying:
    client: ShopifyClient
    attempts: int

    def execute(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return self.client.execute(query, variables, attempts=self.attempts)
