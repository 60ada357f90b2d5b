"""Request errors worded as Shopify's GraphQL server (graphql-ruby) words them.

graphql-core finds the same mistakes Shopify does; only the wording and the
`extensions` differ. Shopify's look, from captured answers: "Field 'x' doesn't exist
on type 'Order'" with `path` ["query Name", "order", "x"] and extensions {code:
"undefinedField", typeName, fieldName}. Messages not mapped here keep graphql-core's
wording with the code "validationFailed". Variable errors: variable_errors.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
)

Formatter = Callable[[re.Match, DocumentNode, GraphQLError], tuple[str, dict[str, Any]]]


def shopify_error(
    message: str, error: GraphQLError | None, path: list | None, **extensions: Any
) -> dict:
    """Return one entry of the top-level `errors` list."""
    entry: dict[str, Any] = {"message": message}
    if error is not None and error.locations:
        entry["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if path:
        entry["path"] = path
    entry["extensions"] = extensions
    return entry


def syntax_error(error: GraphQLError) -> dict[str, Any]:
    """Word a parse failure (graphql-ruby: "Parse error on ... at [line, column]")."""
    where = error.locations[0] if error.locations else None
    detail = error.message.removeprefix("Syntax Error: ")
    at = f" at [{where.line}, {where.column}]" if where else ""
    return shopify_error(f"Parse error: {detail}{at}", error, None, code="parseError")


def validation_errors(document: DocumentNode, errors: list[GraphQLError]) -> list[dict[str, Any]]:
    """Translate graphql-core validation errors."""
    return [_translate(document, error) for error in errors]


def _translate(document: DocumentNode, error: GraphQLError) -> dict[str, Any]:
    node = error.nodes[0] if error.nodes else None
    path = _path_to(document, node) if node is not None else []
    for pattern, formatter in _PATTERNS:
        match = pattern.match(error.message)
        if match:
            message, extensions = formatter(match, document, error)
            return shopify_error(message, error, path, **extensions)
    return shopify_error(error.message, error, path, code="validationFailed")


def _undefined_field(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    field, type_name = match["field"], match["type"]
    return f"Field '{field}' doesn't exist on type '{type_name}'", {
        "code": "undefinedField",
        "typeName": type_name,
        "fieldName": field,
    }


def _argument_not_accepted(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    owner = "Directive" if match["directive"] else "Field"
    name = match["directive"] or match["field"]
    return f"{owner} '{name}' doesn't accept argument '{match['arg']}'", {
        "code": "argumentNotAccepted",
        "name": name,
        "typeName": owner,
        "argumentName": match["arg"],
    }


def _missing_arguments(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    owner = "Directive" if match["kind"] == "Directive" else "Field"
    name = match["name"].lstrip("@")
    return f"{owner} '{name}' is missing required arguments: {match['arg']}", {
        "code": "missingRequiredArguments",
        "className": owner,
        "name": name,
        "arguments": match["arg"],
    }


def _undefined_directive(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    return f"Directive @{match['name']} is not defined", {
        "code": "undefinedDirective",
        "directiveName": match["name"],
    }


def _undefined_type(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    return f"No such type {match['type']}, so it can't be used", {
        "code": "undefinedType",
        "typeName": match["type"],
    }


def _no_selection(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    field, type_name = match["field"], match["type"].strip("[]!")
    return (
        f"Field must have selections (field '{field}' returns {type_name} but has no "
        f"selections. Did you mean '{field} {{ ... }}'?)",
        {"code": "selectionMismatch", "nodeName": f"field '{field}'", "typeName": type_name},
    )


def _scalar_selection(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    field, type_name = match["field"], match["type"].strip("[]!")
    return (
        f"Selections can't be made on scalars (field '{field}' returns {type_name} but has "
        "selections)",
        {"code": "selectionMismatch", "nodeName": f"field '{field}'", "typeName": type_name},
    )


def _variable_not_used(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    owner = match["op"] or "anonymous query"
    return f"Variable ${match['var']} is declared by {owner} but not used", {
        "code": "variableNotUsed",
        "variableName": match["var"],
    }


def _variable_not_defined(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    owner = match["op"] or "anonymous query"
    return f"Variable ${match['var']} is used by {owner} but not declared", {
        "code": "variableNotDefined",
        "variableName": match["var"],
    }


def _variable_mismatch(match: re.Match, document: DocumentNode, error: GraphQLError):  # noqa: ANN202
    declared, expected = match["vtype"], match["etype"]
    kind = (
        "Nullability mismatch" if declared.rstrip("!") == expected.rstrip("!") else "Type mismatch"
    )
    usage = error.nodes[-1] if error.nodes else None
    argument = _argument_holding(document, usage) if usage is not None else None
    name = argument.name.value if argument else "?"
    return f"{kind} on variable ${match['var']} and argument {name} ({declared} / {expected})", {
        "code": "variableMismatch",
        "variableName": match["var"],
        "typeName": declared,
        "argumentName": name,
        "errorMessage": kind,
    }


_PATTERNS: list[tuple[re.Pattern, Formatter]] = [
    (
        re.compile(r"^Cannot query field '(?P<field>[^']+)' on type '(?P<type>[^']+)'\."),
        _undefined_field,
    ),
    (
        re.compile(
            r"^Unknown argument '(?P<arg>[^']+)' on "
            r"(?:field '(?P<type>[^'.]+)\.(?P<field>[^']+)'|directive '@(?P<directive>[^']+)')\."
        ),
        _argument_not_accepted,
    ),
    (
        re.compile(
            r"^(?P<kind>Field|Directive) '(?P<name>[^']+)' argument '(?P<arg>[^']+)' of type "
            r"'[^']+' is required, but it was not provided\."
        ),
        _missing_arguments,
    ),
    (re.compile(r"^Unknown directive '@(?P<name>[^']+)'\."), _undefined_directive),
    (re.compile(r"^Unknown type '(?P<type>[^']+)'\."), _undefined_type),
    (
        re.compile(r"^Field '(?P<field>[^']+)' of type '(?P<type>[^']+)' must have a selection"),
        _no_selection,
    ),
    (
        re.compile(
            r"^Field '(?P<field>[^']+)' must not have a selection since type '(?P<type>[^']+)'"
        ),
        _scalar_selection,
    ),
    (
        re.compile(
            r"^Variable '\$(?P<var>[^']+)' is never used(?: in operation '(?P<op>[^']+)')?\."
        ),
        _variable_not_used,
    ),
    (
        re.compile(
            r"^Variable '\$(?P<var>[^']+)' is not defined(?: by operation '(?P<op>[^']+)')?\."
        ),
        _variable_not_defined,
    ),
    (
        re.compile(
            r"^Variable '\$(?P<var>[^']+)' of type '(?P<vtype>[^']+)' used in position "
            r"expecting type '(?P<etype>[^']+)'\."
        ),
        _variable_mismatch,
    ),
]


# Paths ------------------------------------------------------------------------------


def _label(definition: Node) -> str:
    if isinstance(definition, OperationDefinitionNode):
        kind = definition.operation.value
        return f"{kind} {definition.name.value}" if definition.name else kind
    if isinstance(definition, FragmentDefinitionNode):
        return f"fragment {definition.name.value}"
    return ""


def _step(selection: Node) -> str:
    if isinstance(selection, FieldNode):
        return (selection.alias or selection.name).value
    if isinstance(selection, InlineFragmentNode):
        condition = selection.type_condition
        return f"... on {condition.name.value}" if condition else "..."
    if isinstance(selection, FragmentSpreadNode):
        return f"... {selection.name.value}"
    return ""


def _children(node: Node) -> Iterator[Node]:
    for key in node.keys:
        if key in ("loc", "selection_set"):
            continue
        value = getattr(node, key, None)
        for item in value if isinstance(value, list | tuple) else (value,):
            if isinstance(item, Node):
                yield item


def _holds(node: Node, target: Node) -> bool:
    return node is target or any(_holds(child, target) for child in _children(node))


def _walk(node: Node, target: Node) -> list[str] | None:
    if any(_holds(child, target) for child in _children(node)):
        return []
    selection_set = getattr(node, "selection_set", None)
    for selection in selection_set.selections if selection_set else ():
        if selection is target:
            return [_step(selection)]
        inner = _walk(selection, target)
        if inner is not None:
            return [_step(selection), *inner]
    return None


def _path_to(document: DocumentNode, target: Node) -> list[str]:
    for definition in document.definitions:
        if definition is target:
            return [_label(definition)]
        inner = _walk(definition, target)
        if inner is not None:
            return [_label(definition), *inner]
    return []


def _argument_holding(document: DocumentNode, target: Node) -> ArgumentNode | None:
    stack: list[Node] = list(document.definitions)
    while stack:
        node = stack.pop()
        if isinstance(node, ArgumentNode) and _holds(node.value, target):
            return node
        stack.extend(_children(node))
        selection_set = getattr(node, "selection_set", None)
        if selection_set:
            stack.extend(selection_set.selections)
    return None
