"""The Admin GraphQL documents the connector sends, read from `operations.graphql`.

One file holds every operation, so the tests can validate all of them against
Shopify's published schema (sandboxes/shopify/schema/) in one place.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from graphql import OperationDefinitionNode, parse, print_ast

OPERATIONS_FILE = Path(__file__).with_name("operations.graphql")


@cache
def _operations() -> dict[str, str]:
    document = parse(OPERATIONS_FILE.read_text())
    return {
        definition.name.value: print_ast(definition)
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name
    }


def document(name: str) -> str:
    """Return the text of the operation called `name`."""
    try:
        return _operations()[name]
    except KeyError:
        raise KeyError(f"no operation {name!r} in {OPERATIONS_FILE.name}") from None


def names() -> list[str]:
    """Return the names of every operation, in file order."""
    return list(_operations())
