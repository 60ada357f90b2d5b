"""Shopify's search syntax (`query:` arguments) and cursor pagination of connections.

Search: space-separated terms, all of which must hold (`AND` may be written; `OR` is
not supported and is read as AND); `field:value`, `field:>value` (also >=, <, <=),
`-field:value` negates, a trailing `*` matches a prefix, bare words search the
resource's text. Values may be quoted with ' or ". See
shopify.dev/docs/api/usage/search-syntax.

Pagination: cursors are opaque base64 of the sort value and id of the last node
(the shape Shopify's own cursors decode to), so a page after a cursor starts after
that position even if nodes were added or moved since.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError

from sandboxes.shopify.formats import parse_time

_TERM = re.compile(
    r"""(?P<neg>-)?(?:(?P<field>\w+):(?P<op>>=|<=|>|<)?)?(?P<value>"[^"]*"|'[^']*'|\S+)"""
)


@dataclass(frozen=True)
class Term:
    """One condition of a search query."""

    field: str | None
    operator: str
    value: str
    negated: bool = False


def parse_query(text: str | None) -> list[Term]:
    """Split a search query into terms."""
    terms = []
    for match in _TERM.finditer(text or ""):
        value = match["value"]
        if not match["field"] and value in ("AND", "OR"):
            continue
        if value[:1] in "'\"" and value[-1:] == value[:1] and len(value) > 1:
            value = value[1:-1]
        terms.append(Term(match["field"], match["op"] or ":", value, bool(match["neg"])))
    return terms


def matches(terms: list[Term], field: Callable[[str], Any], text: Callable[[str], bool]) -> bool:
    """Tell whether a resource satisfies every term.

    `field(name)` returns the resource's value for a search field (a list matches
    when any item does; None never matches); `text(word)` answers bare words.
    """
    for term in terms:
        held = text(term.value) if term.field is None else _holds(term, field(term.field))
        if held == term.negated:
            return False
    return True


def _holds(term: Term, actual: Any) -> bool:
    if isinstance(actual, list | tuple):
        return any(_holds(term, item) for item in actual)
    if actual is None:
        return False
    if term.operator == ":":
        return _equal(term.value, actual)
    left, right = _comparable(actual, term.value)
    if left is None or right is None:
        return False
    return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[
        term.operator
    ]


def _equal(wanted: str, actual: Any) -> bool:
    actual_text, wanted_text = str(actual).lower(), wanted.lower()
    if wanted_text.endswith("*"):
        return actual_text.startswith(wanted_text[:-1])
    if isinstance(actual, bool):
        return wanted_text == str(actual).lower()
    return actual_text == wanted_text


def _comparable(actual: Any, wanted: str) -> tuple[Any, Any]:
    if isinstance(actual, int | float):
        try:
            return actual, float(wanted)
        except ValueError:
            return None, None
    moment, bound = parse_time(actual), parse_time(wanted)
    if moment is not None and bound is not None:
        return moment, bound
    return str(actual), wanted


# Pagination -------------------------------------------------------------------------


def encode_cursor(key: tuple[Any, Any]) -> str:
    """Return the opaque cursor of a node's (sort value, id)."""
    value, number = key
    return base64.b64encode(json.dumps({"last_id": number, "last_value": value}).encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, Any]:
    """Return the (sort value, id) inside a cursor; raise GraphQLError if it is not one."""
    try:
        data = json.loads(base64.b64decode(cursor.encode(), validate=True))
        return data["last_value"], data["last_id"]
    except (ValueError, KeyError, TypeError) as error:
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor}") from error


def connection(
    entries: list[tuple[tuple[Any, Any], dict[str, Any]]], args: dict[str, Any]
) -> dict[str, Any]:
    """Page (key, node) entries, sorted ascending by key, as a Relay connection."""
    first, last = args.get("first"), args.get("last")
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    ordered = list(reversed(entries)) if args.get("reverse") else list(entries)
    ahead = (lambda a, b: a < b) if args.get("reverse") else (lambda a, b: a > b)
    start, end = 0, len(ordered)
    if args.get("after"):
        mark = decode_cursor(args["after"])
        start = next((i for i, (key, _) in enumerate(ordered) if ahead(key, mark)), len(ordered))
    if args.get("before"):
        mark = decode_cursor(args["before"])
        end = next((i for i, (key, _) in enumerate(ordered) if not ahead(mark, key)), len(ordered))
        end = max(end, start)
    window = ordered[start:end]
    if first is not None:
        window, more_after = window[: max(first, 0)], len(window) > max(first, 0)
    else:
        more_after = end < len(ordered)
    more_before = start > 0
    if last is not None and len(window) > max(last, 0):
        window, more_before = window[len(window) - max(last, 0) :], True
    edges = [{"cursor": encode_cursor(key), "node": node} for key, node in window]
    return {
        "edges": edges,
        "nodes": [node for _, node in window],
        "pageInfo": {
            "hasNextPage": more_after,
            "hasPreviousPage": more_before,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def positional(nodes: list[dict[str, Any]]) -> list[tuple[tuple[int, Any], dict[str, Any]]]:
    """Key nodes by their position, for lists without a sort key of their own."""
    return [((index, index), node) for index, node in enumerate(nodes)]
