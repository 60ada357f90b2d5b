"""Calculated query cost and the leaky bucket that meters it (platforms/shopify.md §4.1).

Shopify prices a query before running it from its shape: a scalar or enum field 0, an
object 1, an interface or union the most expensive of its possible selections, a
connection 2 plus `first` (or `last`) times the cost of one node, and each mutation
10. A list with a `first` argument is priced like `first` objects. That requested
cost must be in the app's bucket, or the query is THROTTLED and nothing runs; after
running, the actual cost (the same rules over what came back) is what the bucket
keeps, and the difference is returned. A single query may not exceed 1000 points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_leaf_type,
    value_from_ast_untyped,
)

MUTATION_COST = 10
CONNECTION_OVERHEAD = 2


@dataclass
class LeakyBucket:
    """Points an app may spend on one shop; they flow back at `restore_rate` per second."""

    maximum: float
    restore_rate: float
    available: float
    updated_at: float

    def level(self, now: float) -> float:
        """Return the points available at sandbox time `now`."""
        restored = self.available + max(0.0, now - self.updated_at) * self.restore_rate
        self.available, self.updated_at = min(self.maximum, restored), max(now, self.updated_at)
        return self.available

    def take(self, cost: float, now: float) -> bool:
        """Spend `cost` points if they are available; tell whether they were."""
        if cost > self.level(now):
            return False
        self.available -= cost
        return True

    def give_back(self, points: float, now: float) -> None:
        """Return points charged but not used."""
        self.available = min(self.maximum, self.level(now) + max(0.0, points))

    def status(self, now: float) -> dict[str, float]:
        """Return the `throttleStatus` of the cost extension."""
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": float(int(self.level(now))),
            "restoreRate": float(self.restore_rate),
        }


class _Pricer:
    """Walk one operation and price it, from its shape or from its result."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def operation(
        self, operation: OperationDefinitionNode, data: Any = None, measured: bool = False
    ) -> int:
        if operation.operation == OperationType.MUTATION:
            return MUTATION_COST * len(
                self._fields(operation.selection_set, self.schema.mutation_type)
            )
        root = self.schema.query_type
        return self.selection(operation.selection_set, root, data, measured)

    def selection(
        self,
        selection_set: SelectionSetNode | None,
        type_: GraphQLNamedType,
        data: Any,
        measured: bool,
    ) -> int:
        if selection_set is None:
            return 0
        candidates = self.schema.get_possible_types(type_) if is_abstract_type(type_) else [type_]
        if measured and isinstance(data, dict) and data.get("__typename"):
            named = self.schema.get_type(data["__typename"])
            candidates = [named] if named in candidates else candidates
        best = 0
        for candidate in candidates:
            total = 0
            for node in self._fields(selection_set, candidate):
                value = (
                    data.get((node.alias or node.name).value) if isinstance(data, dict) else None
                )
                total += self.field(node, candidate, value, measured)
            best = max(best, total)
        return best

    def field(self, node: FieldNode, parent: GraphQLObjectType, value: Any, measured: bool) -> int:
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        arguments = self._arguments(node)
        if named.name.endswith("Connection") and "pageInfo" in getattr(named, "fields", {}):
            return self._connection(node, named, arguments, value, measured)
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            items = value if measured and isinstance(value, list) else None
            if items is not None:
                return sum(
                    1 + self.selection(node.selection_set, named, item, measured) for item in items
                )
            size = int(arguments.get("first") or arguments.get("last") or 1)
            return size * (1 + self.selection(node.selection_set, named, None, measured))
        if measured and value is None:
            return 1
        return 1 + self.selection(node.selection_set, named, value, measured)

    def _connection(
        self, node: FieldNode, type_: GraphQLObjectType, arguments: dict, value: Any, measured: bool
    ) -> int:
        node_type = get_named_type(type_.fields["nodes"].type) if "nodes" in type_.fields else None
        per_node = []
        if measured and isinstance(value, dict):
            for key, item in self._node_values(node, type_, value):
                per_node.append(1 + self.selection(key.selection_set, node_type, item, True))
            return CONNECTION_OVERHEAD + sum(per_node)
        size = int(arguments.get("first") or arguments.get("last") or 1)
        one = 0
        for key, _ in self._node_values(node, type_, None):
            one = max(one, 1 + self.selection(key.selection_set, node_type, None, False))
        return CONNECTION_OVERHEAD + size * one

    def _node_values(self, node: FieldNode, type_: GraphQLObjectType, value: Any):  # noqa: ANN202
        """Yield (selection of one node, node value) for `nodes { }` and `edges { node { } }`."""
        for child in self._fields(node.selection_set, type_):
            key = (child.alias or child.name).value
            items = value.get(key) if isinstance(value, dict) else None
            if child.name.value == "nodes":
                yield from (
                    ((child, item) for item in items) if items is not None else [(child, None)]
                )
            elif child.name.value == "edges":
                edge_type = get_named_type(type_.fields["edges"].type)
                for grandchild in self._fields(child.selection_set, edge_type):
                    if grandchild.name.value != "node":
                        continue
                    inner_key = (grandchild.alias or grandchild.name).value
                    if items is None:
                        yield grandchild, None
                    else:
                        yield from (
                            (grandchild, edge.get(inner_key))
                            for edge in items
                            if isinstance(edge, dict)
                        )

    def _fields(
        self, selection_set: SelectionSetNode | None, type_: GraphQLNamedType
    ) -> list[FieldNode]:
        """Collect the fields that apply to a concrete `type_`, through fragments."""
        found: list[FieldNode] = []
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, type_):
                    found.extend(self._fields(selection.selection_set, type_))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment and self._applies(fragment.type_condition, type_):
                    found.extend(self._fields(fragment.selection_set, type_))
        return found

    def _applies(self, condition: Any, type_: GraphQLNamedType) -> bool:
        if condition is None:
            return True
        named = self.schema.get_type(condition.name.value)
        if named is type_:
            return True
        return isinstance(named, GraphQLAbstractType) and self.schema.is_sub_type(named, type_)

    def _arguments(self, node: FieldNode) -> dict[str, Any]:
        return {
            argument.name.value: value_from_ast_untyped(argument.value, self.variables)
            for argument in node.arguments or ()
        }


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
) -> int:
    """Return the cost Shopify charges up front for running `operation`."""
    return _Pricer(schema, document, variables).operation(operation)


def actual_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: dict[str, Any],
    data: Any,
) -> int:
    """Return the cost of what the operation actually returned."""
    return _Pricer(schema, document, variables).operation(operation, data or {}, measured=True)


def cost_extension(requested: int, actual: int | None, status: dict[str, float]) -> dict[str, Any]:
    """Return `extensions.cost` as every answer carries it."""
    return {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": status}
