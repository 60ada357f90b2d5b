"""What the platform connectors share in reading a delivery: headers, times, the body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from plugin.clock import as_utc
from plugin.platforms import LoweredHeaders, MalformedDelivery


def lowered(headers: Mapping[str, str]) -> LoweredHeaders:
    """Return `headers` keyed by lowercased name, once per delivery."""
    if isinstance(headers, LoweredHeaders):
        return headers
    return LoweredHeaders((key.lower(), value) for key, value in headers.items())


def header(headers: Mapping[str, str], *names: str) -> str | None:
    """Return the first of `names` present in `headers`, matched case-insensitively."""
    table = lowered(headers)
    for name in names:
        value = table.get(name.lower())
        if value:
            return value.strip()
    return None


def required_header(headers: Mapping[str, str], *names: str) -> str:
    """Return a header the platform always sends; raise MalformedDelivery when absent."""
    value = header(headers, *names)
    if value is None:
        raise MalformedDelivery(f"missing header {names[0]}")
    return value


def parse_timestamp(value: str | None) -> datetime | None:
    """Parse an ISO-8601 time as platforms send it; None when absent or unreadable."""
    if not value:
        return None
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def first_name(*candidates: object) -> str | None:
    """Return the first name given, in order of preference, with its spaces tidied.

    Platforms leave a name out, null or blank (a guest checkout, an app without access
    to protected customer data); the customer is then greeted without one.
    """
    for candidate in candidates:
        name = " ".join(candidate.split()) if isinstance(candidate, str) else ""
        if name:
            return name
    return None


def json_object(topic: str, body: bytes) -> dict:
    """Return the delivery's JSON object; raise MalformedDelivery for anything else."""
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise MalformedDelivery(f"{topic} body is not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise MalformedDelivery(f"{topic} body is JSON but not an object")
    return payload
