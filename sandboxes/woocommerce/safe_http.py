"""wp_safe_remote_post() as this store runs it: WordPress's URL rules, then the POST.

Webhook pings and deliveries and the wc-auth callback all leave through it
(wp-includes/http.php `wp_http_validate_url`, WordPress 6.9). What it keeps:
- only http and https, no `user:pass@`, a host without `:#?[]`;
- an explicit port must be one of `store.safe_ports`, the `http_allowed_safe_ports`
  filter (80, 443 and 8080 unless the store's code adds more), or the home URL's
  own port on the home URL's host;
- a URL that fails is never connected to: the request ends at once with
  "A valid URL was not provided." (`http_request_failed`), which the webhook
  counts as a failed delivery.
Loopback and private hosts are allowed, as on a test store whose
`http_request_host_is_external` filter says yes; names are not resolved here.

`store.tls_proxies` belongs to the test harness, not to WordPress: it plays the
DNS entry and the TLS-terminating proxy in front of a receiver, so that a URL
such as `https://amends.test/...` (https, default port, as a public deployment
has) reaches a plain-http server on a loopback port. The rules above apply to the
URL as registered, never to where the harness sends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sandboxes.woocommerce import transport
from sandboxes.woocommerce.transport import Answer

if TYPE_CHECKING:
    from sandboxes.woocommerce.store import SandboxStore

DEFAULT_SAFE_PORTS = frozenset({80, 443, 8080})
INVALID_URL = "A valid URL was not provided."


def is_valid_url(url: str, home_url: str, safe_ports: frozenset[int]) -> bool:
    """Tell whether wp_http_validate_url() lets `url` through."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    if any(char in parts.hostname for char in ":#?[]"):
        return False
    if port is None or port in safe_ports:
        return True
    home = urlsplit(home_url)
    return home.hostname == parts.hostname and home.port == port


def post(
    store: SandboxStore, url: str, body: bytes, headers: list[tuple[str, str]], timeout: float
) -> Answer:
    """POST as wp_safe_remote_post() does: refuse an unsafe URL, else send it."""
    with store.lock:
        safe_ports, proxies = frozenset(store.safe_ports), dict(store.tls_proxies)
    if not is_valid_url(url, store.url, safe_ports):
        return Answer(None, INVALID_URL)
    parts = urlsplit(url)
    origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    return transport.post(url, body, headers, timeout, connect_to=proxies.get(origin))
