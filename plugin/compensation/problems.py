"""Say what is wrong with a policy document in a merchant's words, and where.

Pydantic reports a location as a tuple of keys with its union tags mixed in and a
message written for programmers. A merchant reads "rule 2 'late parcels': percent
must be between 1 and 100, got 150" instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from plugin.compensation.policy import OUTCOME_KINDS

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a policy: where it is (in the document's own keys) and what."""

    path: Path
    place: str  # the path in words: "rule 2 'late parcels'", "caps.per_customer"
    message: str  # what is wrong, naming the setting: "percent must be between 1 and 100..."
    line: int | None = None  # in the file it came from, when known

    def __str__(self) -> str:
        said = f"{self.place}: {self.message}" if self.place else self.message
        return f"line {self.line}: {said}" if self.line else said


def problems_of(error: ValidationError, document: Any) -> list[Problem]:
    """Translate every error pydantic found in `document` into a Problem."""
    found: list[Problem] = []
    for detail in error.errors():
        path, unreached = _document_path(detail["loc"], document)
        if detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
            unreached += ("kind",)
        # A check of a whole group ("offer", "vip") speaks of its settings after a colon.
        group = detail["type"] == "value_error" and not unreached and _is_group(path, document)
        found.append(problem_at(path + unreached, document, _message(detail), group=group))
    return found


def problem_at(path: Path, document: Any, message: str, *, group: bool = False) -> Problem:
    """Describe a problem at `path`: the rule it is in, then the setting it names."""
    place: list[str] = []
    rest = list(path)
    if len(rest) >= 2 and rest[0] == "rules" and isinstance(rest[1], int):
        place.append(rule_label(rest[1], document))
        rest = rest[2:]
        if rest[:1] == ["grant"]:
            rest = rest[1:]
        elif rest[:2] == ["offer", "options"] and len(rest) > 2:
            place.append(f"option {int(rest[2]) + 1}")
            rest = rest[3:]
    subject = _dotted(rest)
    if subject:
        message = f"{subject}{':' if group else ''} {message}"
    return Problem(path, ": ".join(place), message)


def rule_label(index: int, document: Any) -> str:
    """Name rule `index` as a merchant counts it, with its name when it has one."""
    try:
        name = document["rules"][index]["name"]
    except (KeyError, IndexError, TypeError):
        name = None
    if isinstance(name, str) and name.strip():
        return f"rule {index + 1} {name.strip()!r}"
    return f"rule {index + 1}"


def _document_path(loc: tuple[Any, ...], document: Any) -> tuple[Path, Path]:
    """Split pydantic's location into the document's keys and what the document lacks.

    A discriminated union adds its tag ("percent_coupon") to the location; it is
    no key of the document, so it is dropped where the document says that kind.
    """
    path: list[str | int] = []
    node = document
    for index, key in enumerate(loc):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        elif isinstance(node, dict) and node.get("kind") == key:
            continue
        else:
            return tuple(path), tuple(loc[index:])
        path.append(key)
    return tuple(path), ()


def _is_group(path: Path, document: Any) -> bool:
    """Tell whether `path` leads to a group of settings in the document."""
    node = document
    for key in path:
        node = node[key]  # the path was found in the document, key by key
    return isinstance(node, dict)


def _dotted(keys: list[str | int]) -> str:
    """Write the keys left as `a.b`, items of a list as `kinds item 2`."""
    words: list[str] = []
    for key in keys:
        if isinstance(key, int):
            words.append(f"item {key + 1}")
        elif words and not words[-1].startswith("item "):
            words[-1] += f".{key}"
        else:
            words.append(key)
    return " ".join(words)


def _message(detail: Any) -> str:
    """Say what pydantic found wrong, for a merchant."""
    kind, value, context = detail["type"], detail.get("input"), detail.get("ctx") or {}
    got = f", got {shown(value)}"
    if kind == "value_error":
        return str(context.get("error", detail["msg"])).removeprefix("Value error, ")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a setting Amends knows; check its spelling"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        expected = ", ".join(OUTCOME_KINDS)
        if kind == "union_tag_not_found":
            return f"is required: one of {expected}"
        return f"must be one of {expected}, got {context.get('tag')!r}"
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        return f"must be one of {expected}{got}"
    if kind in ("too_short", "too_long"):
        return _length(context)
    simple = _SIMPLE.get(kind)
    if simple:
        return simple + got
    return str(detail["msg"])[:1].lower() + str(detail["msg"])[1:] + got


def _length(context: dict[str, Any]) -> str:
    """Say how many items a list takes."""
    low, high = context.get("min_length"), context.get("max_length")
    actual = context.get("actual_length")
    if low is not None and high is not None:
        return f"takes {low} to {high} items, got {actual}"
    if high is not None:
        return f"takes at most {high} items, got {actual}"
    return f"takes at least {low} items, got {actual}"


_SIMPLE = {
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "decimal_type": "must be an amount such as 4.90",
    "decimal_parsing": "must be an amount such as 4.90",
    "finite_number": "must be an amount such as 4.90",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "model_type": "must be a group of settings (name: value)",
    "model_attributes_type": "must be a group of settings (name: value)",
    "dict_type": "must be a group of settings (name: value)",
}


def shown(value: Any) -> str:
    """Write a value a merchant gave as they would recognise it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict):
        return "a group of settings"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(value)
