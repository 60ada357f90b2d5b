"""POST /admin/api/<version>/graphql.json, answered as Shopify answers it.

In Shopify's order: an unserved version is a 404; a missing or unknown
X-Shopify-Access-Token a 401 with Shopify's plain-string `errors`; then the document
is parsed and validated against that version's published schema and the variables
coerced (failures: HTTP 200 with top-level `errors`); then its calculated cost is
checked against the single-query limit and the app's bucket (MAX_COST_EXCEEDED,
THROTTLED: HTTP 200, nothing executed); then it runs. Every 200 carries
`extensions.cost`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request
from graphql import (
    DocumentNode,
    GraphQLError,
    OperationDefinitionNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from sandboxes.shopify import cost, graphql_errors, schema, variable_errors
from sandboxes.shopify.context import RequestContext
from sandboxes.shopify.resolvers import resolve_field
from sandboxes.shopify.state import SandboxState, current_state
from sandboxes.shopify.tokens import Grant

blueprint = Blueprint("shopify_sandbox_graphql", __name__)

UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
DOCUMENTATION = "https://shopify.dev/api/usage/rate-limits"


def _json(body: Any, status: int = 200, version: str | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    if version:
        response.headers["X-Shopify-API-Version"] = version
    return response


@blueprint.post("/admin/api/<version>/graphql.json")
def graphql_endpoint(version: str) -> Response:
    """Run one GraphQL request against the sandbox store."""
    state = current_state()
    served = schema.served_version(version)
    if served is None:
        return _json({"errors": "Not Found"}, 404)
    token = request.headers.get("X-Shopify-Access-Token")
    with state.shop.lock:
        grant = state.shop.tokens.grant_for(token, state.clock.timestamp())
    if grant is None:
        return _json({"errors": UNAUTHORIZED}, 401, served)
    body = _request_body()
    if body is None:
        return _json({"errors": {"query": "Required parameter missing or invalid"}}, 400, served)
    with state.shop.lock:
        answer = run(state, served, grant, body)
    return _json(answer, 200, served)


def _request_body() -> dict[str, Any] | None:
    if request.mimetype == "application/graphql":
        return {"query": request.get_data(as_text=True)}
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return None
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return None
    return body


def run(state: SandboxState, version: str, grant: Grant, body: dict[str, Any]) -> dict[str, Any]:
    """Answer one request: validate, price, throttle, execute (call with the store lock)."""
    bucket = _bucket(state, grant)
    now = state.clock.timestamp()
    unpriced = cost.cost_extension(0, 0, bucket.status(now))
    gql_schema = schema.schema_for(version)
    try:
        document = parse(body["query"])
    except GraphQLError as error:
        return {"errors": [graphql_errors.syntax_error(error)], "extensions": {"cost": unpriced}}
    errors = validate(gql_schema, document)
    if errors:
        return {
            "errors": graphql_errors.validation_errors(document, errors),
            "extensions": {"cost": unpriced},
        }
    operation = _operation(document, body.get("operationName"))
    if isinstance(operation, dict):
        return {"errors": [operation], "extensions": {"cost": unpriced}}
    variables = body.get("variables") or {}
    coerced = get_variable_values(gql_schema, operation.variable_definitions or (), variables)
    if isinstance(coerced, list):
        explained = variable_errors.variable_errors(gql_schema, operation, variables)
        return {
            "errors": explained or [e.formatted for e in coerced],
            "extensions": {"cost": unpriced},
        }
    requested = cost.requested_cost(gql_schema, document, operation, coerced)
    refusal = _refusal(state, bucket, requested, now)
    if refusal is not None:
        return refusal
    context = RequestContext(state=state, version=version, grant=grant)
    result = execute(
        gql_schema,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=body.get("operationName"),
        field_resolver=resolve_field,
    )
    actual = cost.actual_cost(gql_schema, document, operation, coerced, result.data)
    bucket.give_back(requested - actual, state.clock.timestamp())
    answer: dict[str, Any] = {}
    if result.errors:
        answer["errors"] = [error.formatted for error in result.errors]
    answer["data"] = result.data
    answer["extensions"] = {
        "cost": cost.cost_extension(requested, actual, bucket.status(state.clock.timestamp()))
    }
    return answer


def _bucket(state: SandboxState, grant: Grant) -> cost.LeakyBucket:
    """Return the bucket of the calling app on this shop (limits are per app and store)."""
    buckets = state.shop.buckets
    if grant.app not in buckets:
        config = state.config
        buckets[grant.app] = cost.LeakyBucket(
            config.bucket_size, config.restore_rate, config.bucket_size, state.clock.timestamp()
        )
    return buckets[grant.app]


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | dict:
    operation = get_operation_ast(document, name)
    if operation is not None:
        return operation
    if name:
        return {
            "message": f'No operation named "{name}"',
            "extensions": {"code": "operationNotFound"},
        }
    return {
        "message": "An operation name is required when sending multiple operations.",
        "extensions": {"code": "operationNameRequired"},
    }


def _refusal(
    state: SandboxState, bucket: cost.LeakyBucket, requested: int, now: float
) -> dict | None:
    status = bucket.status(now)
    limit = state.config.max_query_cost
    if requested > limit:
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit ({limit})."
        )
        error = {
            "message": message,
            "extensions": {
                "code": "MAX_COST_EXCEEDED",
                "cost": requested,
                "maxCost": limit,
                "documentation": DOCUMENTATION,
            },
        }
        return {
            "errors": [error],
            "extensions": {"cost": cost.cost_extension(requested, None, status)},
        }
    if not bucket.take(requested, now):
        error = {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": DOCUMENTATION},
        }
        return {
            "errors": [error],
            "extensions": {"cost": cost.cost_extension(requested, None, status)},
        }
    return None
