"""What the platform connectors share in reading a delivery: headers, times, the body."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import orjson

from plugin.clock import as_utc
from plugin.events import Event
from plugin.events.shape import shape_problem
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
    if not isinstance(value, str):
        return None
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    # A time at the edge of the calendar with an offset has no UTC equivalent.
    except (ValueError, OverflowError):
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


def _loads(body: bytes) -> Any:
    """Read JSON as the standard library does, through orjson when it can.

    orjson reads a typical order in a third of the time, to the same values, but
    for an integer beyond 64 bits, which it reads as a float: a body with 19 digits
    in a row, wherever they are, is left to the standard parser. What orjson
    refuses (NaN, text that is not UTF-8) the standard parser reads, or refuses
    with its own error, as the intake's check lets it (webhooks.intake.readable_json).
    """
    if _LONG_NUMBER not in body.translate(_DIGITS):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    return json.loads(body)


# 19 digits in a row may be an integer orjson cannot hold (int64 has 19 digits),
# looked for with every digit made a 0 and every other byte a space: a regular
# expression took longer than orjson's whole reading.
_DIGITS = bytes(ord("0") if ord("0") <= byte <= ord("9") else ord(" ") for byte in range(256))
_LONG_NUMBER = b"0" * 19


def json_object(topic: str, body: bytes) -> dict:
    """Return the delivery's JSON object; raise MalformedDelivery for anything else."""
    try:
        payload = _loads(body)
    except ValueError as error:
        raise MalformedDelivery(f"{topic} body is not JSON: {error}") from error
    except RecursionError as error:  # nested deeper than the reader goes
        raise MalformedDelivery(f"{topic} body is JSON nested too deep to read") from error
    if not isinstance(payload, dict):
        raise MalformedDelivery(f"{topic} body is JSON but not an object")
    return _mended(payload) if _may_hold_surrogates(body) else payload


# JSON escapes a character beyond the BMP as a surrogate pair (\ud83d\ude00); one half
# alone (a truncated emoji) reads as a character no text can hold or store. The
# standard reader also lets one through unescaped, encoded as if it were UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# In UTF-8 JSON a half pair can only come as an escape (\\ud800 to \\udfff) or as the
# bytes ED A0-BF that encode one; another encoding (UTF-16, UTF-32) has NUL bytes.
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]|\x00")


def _may_hold_surrogates(body: bytes) -> bool:
    """Tell whether a body may hold half a surrogate pair; most never do, and are not walked."""
    return _SURROGATE_BYTES.search(body) is not None


def _mended(value: Any) -> Any:
    """Return `value` with every half surrogate pair read as U+FFFD, as a browser shows it."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value) if not value.isascii() else value
    if isinstance(value, dict):
        return {_mended(key): _mended(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mended(item) for item in value]
    return value


# What reading a payload of the wrong shape raises: a key missing (KeyError), a
# list where an object belongs (AttributeError, TypeError), text where a number
# belongs (ValueError, InvalidOperation), a number beyond any count (OverflowError).
_SHAPE_ERRORS = (KeyError, IndexError, TypeError, AttributeError, ValueError, ArithmeticError)


def read_events(
    topic: str, body: bytes, parser: Callable[[dict[str, Any]], list[Event]]
) -> list[Event]:
    """Read a delivery's body with its topic's parser; MalformedDelivery if it cannot be read.

    Platforms send what their documentation shows, but a delivery is read long after
    it was accepted: a body of another shape (a key missing, an object where a list
    belongs, an event field of the wrong type) will read no better on a later attempt,
    so it is reported as malformed, and the worker parks it at once with the reason.
    """
    payload = json_object(topic, body)
    try:
        events = parser(payload)
    except MalformedDelivery:
        raise
    except _SHAPE_ERRORS as error:
        raise MalformedDelivery(f"{topic} body cannot be read: {_what(error)}") from error
    for event in events:
        problem = shape_problem(event)
        if problem is not None:
            raise MalformedDelivery(f"{topic} body cannot be read: {problem}")
    return events


def _what(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"no {error.args[0]!r} where the platform always sends one"
    return f"{type(error).__name__}: {error}"[:300]
