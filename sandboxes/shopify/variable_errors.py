"""Variable errors worded as Shopify words them: one error per variable, with its problems.

Shopify (graphql-ruby) answers "Variable $input of type T! was provided invalid value
for a.b (Field is not defined on T)" with extensions {code: "INVALID_VARIABLE", value,
problems: [{path, explanation}]}. graphql-core's coercion finds the same problems;
this module rewords them.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    coerce_input_value,
    is_non_null_type,
    print_ast,
    type_from_ast,
)


def variable_errors(
    schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: dict[str, Any]
) -> list[dict[str, Any]]:
    """Explain why the variables do not fit the operation, one error per variable."""
    errors = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        var_type = type_from_ast(schema, definition.type)
        if var_type is None:
            continue
        value = inputs.get(name)
        problems = _problems_of(schema, var_type, value)
        if value is None and name not in inputs and definition.default_value:
            problems = []
        if problems:
            errors.append(
                _variable_error(name, print_ast(definition.type), definition, value, problems)
            )
    return errors


def _problems_of(schema: GraphQLSchema, var_type: Any, value: Any) -> list[tuple[list, str]]:
    problems: list[tuple[list, str]] = []
    if value is None:
        if is_non_null_type(var_type):
            problems.append(([], "Expected value to not be null"))
        return problems
    coerce_input_value(
        value, var_type, lambda path, _, error: problems.append(_problem(schema, path, error))
    )
    return problems


def _variable_error(
    name: str, type_text: str, definition: Node, value: Any, problems: list
) -> dict:
    located = [f"{'.'.join(map(str, path))} ({why})" for path, why in problems if path]
    message = f"Variable ${name} of type {type_text} was provided invalid value"
    if located:
        message += " for " + ", ".join(located)
    location = definition.loc.source.get_location(definition.loc.start) if definition.loc else None
    entry: dict[str, Any] = {"message": message}
    if location:
        entry["locations"] = [{"line": location.line, "column": location.column}]
    entry["extensions"] = {
        "code": "INVALID_VARIABLE",
        "value": value,
        "problems": [{"path": path, "explanation": why} for path, why in problems],
    }
    return entry


_NOT_DEFINED = re.compile(r"^Field '(?P<field>[^']+)' is not defined by type '(?P<type>[^']+)'\.")
_NOT_PROVIDED = re.compile(r"^Field '(?P<field>[^']+)' of required type '[^']+' was not provided\.")
_NOT_IN_ENUM = re.compile(r"^Value '(?P<value>[^']*)' does not exist in '(?P<type>[^']+)' enum\.")


def _problem(schema: GraphQLSchema, path: list, error: GraphQLError) -> tuple[list, str]:
    message = error.message
    if match := _NOT_DEFINED.match(message):
        return [*path, match["field"]], f"Field is not defined on {match['type']}"
    if match := _NOT_PROVIDED.match(message):
        return [*path, match["field"]], "Expected value to not be null"
    if message.startswith("Expected non-nullable type"):
        return list(path), "Expected value to not be null"
    if match := _NOT_IN_ENUM.match(message):
        enum = schema.get_type(match["type"])
        names = ", ".join(enum.values) if isinstance(enum, GraphQLEnumType) else ""
        return list(path), f'Expected "{match["value"]}" to be one of: {names}'
    return list(path), message
