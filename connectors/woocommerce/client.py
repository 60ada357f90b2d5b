"""The only module that talks HTTP to a WooCommerce store (REST `wc/v3`).

It wraps the `woocommerce` package rather than forking it: the package signs
requests (OAuth 1.0a on http://, Basic on https://) and builds URLs, but sends
each request through module-level `requests.request` with one fixed timeout,
so there is no keep-alive and no per-call timeout, and on http:// it passes the
query twice (in the signed URL and again as `params`). `WooClient` keeps the
package's URL building and signing and owns the transport: one `requests.Session`
per shop, a timeout on every call, retries for 5xx and timeouts, and
WooCommerce's error shape mapped onto the retry-aware error family.

Over http the signed query string holds the consumer key, the nonce and the
signature, so errors and urllib3's DEBUG lines name the path only.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from requests.auth import HTTPBasicAuth
from woocommerce import API

from connectors.woocommerce.consts import API_PATH
from plugin.errors import (
    PlatformError,
    PlatformRateLimited,
    PlatformRejected,
    PlatformTimeout,
    PlatformUnauthorized,
    PlatformUnavailable,
)

log = logging.getLogger("amends.connectors.woocommerce")

USER_AGENT = "Amends/0.1 (+woocommerce connector)"
MAX_PER_PAGE = 100
# Gateways in front of WordPress answer these when PHP is down or slow.
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})
# Calls that do the same however often they are made (RFC 9110 §9.2.2).
REPEATABLE_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE"})
# Over plain http the query string carries the OAuth consumer key, nonce and signature.
_QUERY = re.compile(r"\?\S*")
# urllib3 names the request URL, query included, in these loggers' DEBUG lines.
URLLIB3_LOGGERS = ("urllib3.connectionpool", "urllib3.poolmanager", "urllib3.util.retry")


def path_only(text: str) -> str:
    """Return `text` with every URL's query string dropped, so no credential is logged."""
    return _QUERY.sub("", text)


class PathOnlyFilter(logging.Filter):
    """Drop query strings from the arguments of a third-party log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's string arguments; keep the record."""
        if isinstance(record.args, tuple):
            record.args = tuple(
                path_only(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def _keep_signed_urls_out_of_urllib3_logs() -> None:
    """Filter urllib3's loggers once: at DEBUG they would print every signed URL."""
    for name in URLLIB3_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, PathOnlyFilter) for f in logger.filters):
            logger.addFilter(PathOnlyFilter())


_keep_signed_urls_out_of_urllib3_logs()


@dataclass(frozen=True)
class WooResponse:
    """A successful answer: its JSON and the headers that matter (pagination)."""

    status: int
    json: Any
    headers: Mapping[str, str]

    @property
    def total_pages(self) -> int:
        """Return X-WP-TotalPages (0 when the list is empty)."""
        return int(self.headers.get("X-WP-TotalPages") or 0)


class _SigningAPI(API):
    """The package's API class, used only for its URL building and OAuth signing."""

    def signed(self, method: str, endpoint: str, params: Mapping[str, Any]) -> tuple[str, dict]:
        """Return the URL to call and the query params requests must add to it."""
        url = self._API__get_url(endpoint)
        if self.is_ssl:
            return url, dict(params)
        query = urlencode(params)
        return self._API__get_oauth_url(f"{url}?{query}", method), {}


class WooClient:
    """A per-shop client for one store's REST API; safe to share across threads."""

    def __init__(
        self,
        url: str,
        consumer_key: str,
        consumer_secret: str,
        *,
        timeout: float = 10.0,
        attempts: int = 3,
        backoff_seconds: float = 0.5,
        max_wait_seconds: float = 10.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self._key_pair = f"{consumer_key}:{consumer_secret}".encode()
        self._api = _SigningAPI(url, consumer_key, consumer_secret, version=API_PATH)
        self._auth = HTTPBasicAuth(consumer_key, consumer_secret) if self._api.is_ssl else None
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        self.timeout = timeout
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.max_wait_seconds = max_wait_seconds
        self._sleep = sleep

    def serves(self, url: str, consumer_key: str, consumer_secret: str) -> bool:
        """Tell whether this client calls `url` with this key pair (compared in constant time)."""
        pair = f"{consumer_key}:{consumer_secret}".encode()
        return hmac.compare_digest(self._key_pair, pair) and url == self.url

    def close(self) -> None:
        """Close the pooled connections."""
        self._session.close()

    def get(self, endpoint: str, params: Mapping[str, Any] | None = None) -> WooResponse:
        """GET `endpoint` (relative to wc/v3)."""
        return self.request("GET", endpoint, params=params)

    def post(
        self, endpoint: str, data: Any, params: Mapping[str, Any] | None = None
    ) -> WooResponse:
        """POST JSON `data` to `endpoint`."""
        return self.request("POST", endpoint, params=params, data=data)

    def put(self, endpoint: str, data: Any) -> WooResponse:
        """PUT JSON `data` to `endpoint`."""
        return self.request("PUT", endpoint, data=data)

    def delete(self, endpoint: str, params: Mapping[str, Any] | None = None) -> WooResponse:
        """DELETE `endpoint`."""
        return self.request("DELETE", endpoint, params=params)

    def paginate(self, endpoint: str, params: Mapping[str, Any] | None = None) -> Iterator[Any]:
        """Yield every item of a list endpoint, page by page (X-WP-TotalPages)."""
        page = 1
        while True:
            response = self.get(
                endpoint, {**(params or {}), "per_page": MAX_PER_PAGE, "page": page}
            )
            yield from response.json
            if page >= response.total_pages or not response.json:
                return
            page += 1

    def request(
        self,
        method: str,
        endpoint: str,
        params: Mapping[str, Any] | None = None,
        data: Any = None,
    ) -> WooResponse:
        """Send one call; retry what was refused or cannot have done anything.

        A 429 was refused before WordPress saw it: retried, after its Retry-After.
        A 5xx or a timeout says nothing of whether WordPress did the work (nginx
        answers 504 while PHP carries on), so only a call that is safe to repeat
        (not a POST) is retried here; a POST's error goes to the caller, whose
        action looks for what the call made before making it again. A wait longer
        than `max_wait_seconds` is not slept here either: the caller (the outbox)
        comes back when asked.
        """
        for attempt in range(1, self.attempts + 1):
            try:
                return self._send(method, endpoint, params or {}, data)
            except (PlatformUnavailable, PlatformRateLimited) as error:
                delay = self._retry_delay(method, error, attempt)
                if delay is None:
                    raise
                log.warning(
                    "connectors.woocommerce.retry",
                    extra={"endpoint": endpoint, "attempt": attempt, "error": str(error)},
                )
                self._sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _retry_delay(self, method: str, error: PlatformError, attempt: int) -> float | None:
        """Return how long to wait before trying `method` again here; None: do not."""
        if attempt == self.attempts:
            return None
        if isinstance(error, PlatformUnavailable) and method not in REPEATABLE_METHODS:
            return None
        asked = getattr(error, "retry_after", None)
        delay = asked if asked else self.backoff_seconds * 2 ** (attempt - 1)
        return delay if delay <= self.max_wait_seconds else None

    def _send(
        self, method: str, endpoint: str, params: Mapping[str, Any], data: Any
    ) -> WooResponse:
        url, query = self._api.signed(method, endpoint, params)
        try:
            response = self._session.request(
                method,
                url,
                params=query,
                json=data,
                auth=self._auth,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout as error:
            raise PlatformTimeout(
                f"{method} {endpoint}: no answer in {self.timeout}s"
            ) from _without_query(error)
        except requests.ConnectionError as error:
            raise PlatformUnavailable(
                f"{method} {endpoint}: cannot connect: {path_only(str(error))}"
            ) from _without_query(error)
        if response.status_code >= 300:
            raise error_from(response, f"{method} {endpoint}")
        return WooResponse(response.status_code, _json(response), response.headers)


def _without_query(error: requests.RequestException) -> requests.RequestException:
    """Return the transport's error as a cause that names the path, not the signed URL.

    requests puts the whole URL in its message ("Max retries exceeded with url:
    ...?oauth_consumer_key=..."), and a logged traceback prints the cause.
    """
    return type(error)(path_only(str(error)))


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError as error:
        raise PlatformUnavailable(
            f"answer is not JSON (HTTP {response.status_code}); is this a WordPress REST URL?",
            status=response.status_code,
        ) from error


def error_from(response: requests.Response, what: str) -> PlatformError:
    """Map a WooCommerce error answer onto the retry-aware error family.

    WooCommerce answers `{"code", "message", "data": {"status"}}`, but refund
    errors come as HTTP 500 with a bare integer `data`: those are refusals, not
    outages, and must not be retried.
    """
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    text = f"{what}: HTTP {status}" + (f" {code}: {message}" if code else "")
    retry_after = _seconds(response.headers.get("Retry-After"))
    if status == 429:
        return PlatformRateLimited(text, retry_after or 1.0, code=code, status=status)
    if status in UNAVAILABLE_STATUSES or (status >= 500 and code is None):
        return PlatformUnavailable(text, code=code, status=status, retry_after=retry_after)
    if status == 401 or code == "woocommerce_rest_authentication_error":
        return PlatformUnauthorized(text, code=code, status=status)
    return PlatformRejected(text, code=code, status=status)


def _seconds(retry_after: str | None) -> float | None:
    """Read a Retry-After in seconds; None for none, or for an HTTP date (hosts send seconds)."""
    try:
        return float(retry_after) if retry_after else None
    except ValueError:
        return None
