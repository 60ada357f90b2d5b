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


def post(url: str, body: bytes, headers: list[tuple[str, str]], timeout: float) -> Answer:
    """POST `body` to `url` with exactly `headers` (Host first, added here)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Answer(None, "A valid URL was not provided.")
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.putrequest("POST", target, skip_accept_encoding=True)
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
