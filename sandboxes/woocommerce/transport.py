"""Outgoing POSTs as WordPress's HTTP API sends them.

`http.client` rather than `requests`, because fidelity needs control of the
exact header list and order, and WordPress never follows a redirect here
(`redirection => 0`): the status of the first answer is what counts.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Answer:
    """What a receiver answered: a status, or why there was none."""

    status: int | None
    error: str | None = None


def post(
    url: str,
    body: bytes,
    headers: list[tuple[str, str]],
    timeout: float,
    *,
    connect_to: str | None = None,
) -> Answer:
    """POST `body` to `url` with exactly `headers` (Host first, added here).

    `connect_to` (an origin such as `http://127.0.0.1:5000`) is where to open the
    connection instead; the request still names `url`'s host, as through a proxy.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Answer(None, "A valid URL was not provided.")
    peer = urlsplit(connect_to) if connect_to else parts
    connection_class = (
        http.client.HTTPSConnection if peer.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(peer.hostname, peer.port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.putrequest("POST", target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", _host(parts.scheme, parts.hostname, parts.port))
        for name, value in headers:
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        response.read()
        return Answer(response.status)
    except (TimeoutError, OSError, http.client.HTTPException) as error:
        return Answer(None, f"{type(error).__name__}: {error}")
    finally:
        connection.close()


def _host(scheme: str, hostname: str, port: int | None) -> str:
    """Return the Host header: the name, and the port unless it is the scheme's default."""
    default = 443 if scheme == "https" else 80
    return hostname if port in (None, default) else f"{hostname}:{port}"
