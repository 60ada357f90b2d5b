"""Tell whether an event holds the types its fields declare.

Connectors read platform JSON, where any value may be of any type: a name that is
an object, a quantity that is text. An event that says `name: str | None` and holds
a dict would fail later, inside the domain's transaction, as a failure worth
retrying; checked here, it is a malformed delivery, parked at once with its reason.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from functools import cache
from typing import Any


def shape_problem(event: object) -> str | None:
    """Return what in `event` is not of its declared type (the first found), or None."""
    kind: type = type(event)
    for name, expected in _field_types(kind):
        problem = _problem(getattr(event, name), expected)
        if problem is not None:
            return f"{type(event).__name__}.{name} {problem}"
    return None


@cache
def _field_types(kind: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(kind)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(kind))


def _problem(value: object, expected: Any) -> str | None:
    """Say how `value` is not an `expected` (a type, `X | None` or `tuple[X, ...]`)."""
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        problems = [_problem(value, option) for option in typing.get_args(expected)]
        return None if None in problems else problems[0]
    if origin is tuple:
        if not isinstance(value, tuple):
            return f"is {_kind(value)}, not a list"
        (item_type, _ellipsis) = typing.get_args(expected)
        for index, item in enumerate(value):
            problem = _problem(item, item_type)
            if problem is not None:
                return f"[{index}] {problem}"
        return None
    if expected is type(None):
        return None if value is None else f"is {_kind(value)}, not empty"
    if isinstance(expected, type) and dataclasses.is_dataclass(expected):
        if not isinstance(value, expected):
            return f"is {_kind(value)}, not {expected.__name__}"
        return shape_problem(value)
    # bool is an int to isinstance; a count or a quantity that is true/false is not.
    if expected is int and isinstance(value, bool):
        return "is true/false, not a number"
    if expected in (str, int, bool, datetime) and not isinstance(value, expected):
        return f"is {_kind(value)}, not {_NAMES[expected]}"
    return None


_NAMES = {str: "text", int: "a number", bool: "true/false", datetime: "a time"}


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", tuple: "a list", type(None): "empty"}.get(
        type(value), f"a {type(value).__name__}"
    )
