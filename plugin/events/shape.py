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
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any


def shape_problem(event: object) -> str | None:
    """Return what in `event` is not of its declared type (the first found), or None."""
    kind: type = type(event)
    return _checker(kind)(event)


# Checks a value against a type; says how it is not one, or None.
Check = Callable[[object], str | None]


@cache
def _checker(kind: type) -> Check:
    """Build once the check of a dataclass's fields: the worker checks every event it reads."""
    fields = tuple((name, _check(expected)) for name, expected in _field_types(kind))

    def check(event: object) -> str | None:
        for name, problem_of in fields:
            problem = problem_of(getattr(event, name))
            if problem is not None:
                return f"{type(event).__name__}.{name} {problem}"
        return None

    return check


@cache
def _field_types(kind: type) -> tuple[tuple[str, Any], ...]:
    hints = typing.get_type_hints(kind)
    return tuple((field.name, hints[field.name]) for field in dataclasses.fields(kind))


@cache
def _check(expected: Any) -> Check:
    """Build the check of one declared type, once per type."""
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        return _either(tuple(_check(option) for option in typing.get_args(expected)))
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(expected)
        return _items(_check(item_type))
    if expected is type(None):
        return lambda value: None if value is None else f"is {_kind(value)}, not empty"
    if isinstance(expected, type) and dataclasses.is_dataclass(expected):
        return _instance(expected)
    if expected is int:
        return _number
    if expected in (str, bool, datetime):
        name = _NAMES[expected]
        return lambda value: (
            None if isinstance(value, expected) else f"is {_kind(value)}, not {name}"
        )
    return lambda _value: None


def _either(options: tuple[Check, ...]) -> Check:
    """Accept what any option accepts; otherwise say how it is not the first."""

    def check(value: object) -> str | None:
        problems = []
        for option in options:
            problem = option(value)
            if problem is None:
                return None
            problems.append(problem)
        return problems[0]

    return check


def _items(item: Check) -> Check:
    def check(value: object) -> str | None:
        if not isinstance(value, tuple):
            return f"is {_kind(value)}, not a list"
        for index, each in enumerate(value):
            problem = item(each)
            if problem is not None:
                return f"[{index}] {problem}"
        return None

    return check


def _instance(expected: type) -> Check:
    def check(value: object) -> str | None:
        if not isinstance(value, expected):
            return f"is {_kind(value)}, not {expected.__name__}"
        return shape_problem(value)

    return check


def _number(value: object) -> str | None:
    # bool is an int to isinstance; a count or a quantity that is true/false is not.
    if isinstance(value, bool):
        return "is true/false, not a number"
    return None if isinstance(value, int) else f"is {_kind(value)}, not a number"


_NAMES = {str: "text", int: "a number", bool: "true/false", datetime: "a time"}


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", tuple: "a list", type(None): "empty"}.get(
        type(value), f"a {type(value).__name__}"
    )
