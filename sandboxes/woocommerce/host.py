"""The web server in front of WordPress, and what it answers when the host is busy.

WooCommerce core does not rate-limit `wc/v3` (platforms/woocommerce.md, "Rate
limits"); the hosting does, and a client meets its answers, not WordPress's JSON:

- a CDN or WAF rate-limiting rule answers 429 with `Retry-After` (seconds);
- nginx's `limit_req` answers 503, its default `limit_req_status`, without one;
- WordPress in maintenance mode (an update running) answers 503 with
  `Retry-After: 600` (`wp_maintenance()`);
- nginx answers 504 when PHP outlives `fastcgi_read_timeout`, and PHP-FPM carries
  the request on to its end: the work is done though the client is told it failed
  (`after`);
- a WAF (ModSecurity, a security plugin) answers 403 to what it blocks.

A test or the demo queues such answers (`/_sandbox/host`); each REST request takes
the next one meant for its method (any method, unless one is named), in order.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from flask import Response

PAGES = {
    403: "403 Forbidden",
    429: "429 Too Many Requests",
    502: "502 Bad Gateway",
    503: "503 Service Temporarily Unavailable",
    504: "504 Gateway Time-out",
}


@dataclass(frozen=True)
class Refusal:
    """One answer of the host instead of WordPress's."""

    status: int
    retry_after: int | None = None
    after: bool = False  # WordPress ran the request before the host answered `status`
    method: str | None = None  # only a request of this method gets it

    def __post_init__(self) -> None:
        if self.status not in PAGES:
            raise ValueError(f"the host answers {', '.join(map(str, PAGES))}, not {self.status}")

    def response(self) -> Response:
        """Return the host's own page: HTML, never WordPress's JSON."""
        title = PAGES[self.status]
        page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        answer = Response(page, status=self.status, content_type="text/html")
        if self.retry_after is not None:
            answer.headers["Retry-After"] = str(self.retry_after)
        return answer


class Host:
    """The queue of answers the host gives in WordPress's place, and those it gave."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: deque[Refusal] = deque()
        self.given: list[Refusal] = []

    def refuse(self, refusals: Iterable[Refusal]) -> None:
        """Answer the next REST requests with these, in order."""
        with self._lock:
            self._waiting.extend(refusals)

    def next_refusal(self, method: str) -> Refusal | None:
        """Take the answer a `method` request gets now, if the host has one waiting for it."""
        with self._lock:
            for refusal in self._waiting:
                if refusal.method in (None, method):
                    self._waiting.remove(refusal)
                    self.given.append(refusal)
                    return refusal
            return None

    def state(self) -> dict[str, list[dict]]:
        """Return the answers waiting and those given, as the control API shows them."""
        with self._lock:
            return {
                "waiting": [asdict(r) for r in self._waiting],
                "given": [asdict(r) for r in self.given],
            }
