"""The panel's JSON API is what its OpenAPI document says, route for route and answer for answer.

The document (admin_ui/openapi.yaml, served at /admin/api/openapi.json) must name
every route the app registers under /admin/api and nothing else; schemathesis then
calls every operation with generated requests, as a shop with data, and checks that
none answers a 5xx and every answer (status, headers, body) is one the document allows.
"""

from __future__ import annotations

import copy
import re

import pytest
import schemathesis
import yaml
from flask import Blueprint, Flask, jsonify
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from admin_ui import openapi
from plugin.compensation.approvals import MAX_REASON_LENGTH
from plugin.compensation.policy import OUTCOME_KINDS
from plugin.compensation.records import STATUSES as COMPENSATION_STATUSES
from plugin.incidents import KINDS, STATUSES
from plugin.incidents.inbox import MAX_LIMIT, MAX_QUERY_LENGTH, PLATFORMS
from plugin.incidents.staff import MAX_NOTE_LENGTH
from plugin.messaging.store import save_override
from plugin.scope import ShopScope
from plugin.storage.models import MAX_ROW_ID
from tests.panel_helpers import OTHER_DOMAIN, bearer, session_token, waiting_compensation

METHODS = ("get", "put", "post", "delete", "patch")
# Registered under /admin/api but no operation of the API: the JSON 404 for any other path.
NOT_OPERATIONS = {"admin_api.unknown"}
# How many requests schemathesis makes per operation and phase: enough to find a 5xx or
# a wrong answer in every branch, and done in seconds.
MAX_EXAMPLES = 10


def registered_operations(app: Flask) -> dict[tuple[str, str], str]:
    """Return the app's /admin/api operations as (METHOD, OpenAPI path) -> endpoint."""
    found = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(openapi.PREFIX) or rule.endpoint in NOT_OPERATIONS:
            continue
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found[(method, path.removeprefix(openapi.PREFIX))] = rule.endpoint
    return found


def documented_operations(document: dict) -> dict[tuple[str, str], str]:
    """Return the document's operations as (METHOD, path) -> operationId."""
    return {
        (method.upper(), path): operation.get("operationId", "")
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def drift(app: Flask, document: dict) -> list[str]:
    """Say, one line each, what the app and the document disagree on."""
    routes, described = registered_operations(app), documented_operations(document)
    problems = [
        f"{method} {openapi.PREFIX}{path} (endpoint {endpoint}) is a route but is not in "
        f"admin_ui/openapi.yaml: add it under paths: {path}: {method.lower()}: "
        "(admin_ui/openapi.py says how)"
        for (method, path), endpoint in sorted(routes.items())
        if (method, path) not in described
    ]
    problems += [
        f"{method} {openapi.PREFIX}{path} is in admin_ui/openapi.yaml but no route answers it"
        for method, path in sorted(set(described) - set(routes))
    ]
    problems += [
        f"{method} {openapi.PREFIX}{path}: operationId {described[(method, path)]!r} should "
        f"be the view's name, {endpoint.split('.')[-1]!r}"
        for (method, path), endpoint in sorted(routes.items())
        if (method, path) in described and described[(method, path)] != endpoint.split(".")[-1]
    ]
    return problems


def test_every_api_route_is_in_the_document_and_every_documented_path_is_a_route(app):
    assert drift(app, openapi.document()) == []
    assert len(documented_operations(openapi.document())) >= 10


def test_a_route_added_without_its_description_is_named_with_what_to_do(app):
    added = Blueprint("admin_api_more", __name__, url_prefix="/admin/api")
    added.add_url_rule("/reports/<int:report_id>", "reports", lambda report_id: jsonify([]))
    app.register_blueprint(added)
    described = copy.deepcopy(openapi.document())
    described["paths"]["/imports"] = {"put": {"operationId": "imports", "responses": {}}}

    assert drift(app, described) == [
        "GET /admin/api/reports/{report_id} (endpoint admin_api_more.reports) is a route but "
        "is not in admin_ui/openapi.yaml: add it under paths: /reports/{report_id}: get: "
        "(admin_ui/openapi.py says how)",
        "PUT /admin/api/imports is in admin_ui/openapi.yaml but no route answers it",
    ]


def test_the_document_is_valid_openapi_3_1():
    schemathesis.openapi.from_dict(copy.deepcopy(openapi.document())).validate()  # raises if not


def test_anyone_reads_the_document_as_json(client):
    answer = client.get("/admin/api/openapi.json")

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.json == yaml.safe_load(openapi.DOCUMENT.read_text(encoding="utf-8"))
    assert answer.json["openapi"] == "3.1.0"
    assert client.get("/admin/api/incidents").status_code == 401  # the rest stays closed


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/admin/api/incidents/{MAX_ROW_ID}", 404),  # no such incident
        (f"/admin/api/incidents/{MAX_ROW_ID + 1}", 404),  # no such path: past any row's id
        ("/admin/api/incidents/99999999999999999999999", 404),
        ("/admin/api/incidents/007", 404),
        (f"/admin/api/incidents?cursor={MAX_ROW_ID + 1}", 400),
    ],
)
def test_an_id_past_what_the_database_holds_is_refused_not_queried(
    client, shopify_shop, path, status
):
    answer = client.get(path, headers=bearer())

    assert answer.status_code == status
    assert set(answer.json) == {"error"}


def test_a_method_a_path_does_not_answer_is_a_405_naming_those_it_does(client):
    answer = client.delete("/admin/api/incidents/1/notes", headers=bearer())

    assert answer.status_code == 405
    assert answer.headers["Allow"] == "POST"
    assert answer.json == {"error": "DELETE is not answered here; use POST"}
    assert client.options("/admin/api/incidents", headers=bearer()).headers["Allow"] == (
        "GET, HEAD, OPTIONS"
    )


def _enum(document: dict, name: str) -> set[str]:
    return set(document["components"]["schemas"][name]["enum"])


def test_the_documents_choices_are_the_codes(app):
    document = openapi.document()
    incidents = document["paths"]["/incidents"]["get"]["parameters"]
    bounds = {p["name"]: p["schema"] for p in incidents}
    kinds = document["components"]["schemas"]["Compensation"]["properties"]["kind"]["enum"]

    assert _enum(document, "IncidentKind") == KINDS
    assert _enum(document, "IncidentStatus") == STATUSES
    assert _enum(document, "CompensationStatus") == set(COMPENSATION_STATUSES)
    assert _enum(document, "Platform") == PLATFORMS
    assert set(kinds) == set(OUTCOME_KINDS)
    assert bounds["limit"]["maximum"] == MAX_LIMIT
    assert document["components"]["schemas"]["RowId"]["maximum"] == MAX_ROW_ID
    assert bounds["q"]["maxLength"] == MAX_QUERY_LENGTH
    assert _body(document, "/compensations/{compensation_id}/deny")["reason"] == {
        "type": "string",
        "maxLength": MAX_REASON_LENGTH,
    }
    assert _body(document, "/incidents/{incident_id}/notes")["text"]["maxLength"] == (
        MAX_NOTE_LENGTH
    )


def _body(document: dict, path: str) -> dict:
    content = document["paths"][path]["post"]["requestBody"]["content"]
    return content["application/json"]["schema"]["properties"]


# --- schemathesis, as a shop with data ------------------------------------------------

# The ids the shop's rows get in a fresh database, in the order `shop_rows` makes them,
# and its customers' addresses: given to schemathesis as examples of the parameters so
# named, so its calls reach real rows and customers as well as missing ones.
ROWS = {
    "incident_id": [1, 2, 3, 4],
    "compensation_id": [1, 101],
    "email": ["lucia@example.es", " ANA@example.com ", "nobody@example.com"],
}
# Bodies that reach a real incident: the saved policy on the incident waiting for
# approval, a draft on the resolved one, another shop's incident (a 404).
BODIES = {
    ("/policy/preview", "post"): [
        {"incident": 1},
        {"incident": 2, "policy": {"rules": [{"name": "all", "grant": {"kind": "free_shipping"}}]}},
        {"incident": 4},
    ],
}
OWN_WORDING_KEY = ("delayed_shipment", "update", "es")
OWN_WORDING = {
    "subject": "Novedades de su pedido {{ order_name }}",
    "text": "Hola:\n\nSeguimos con su pedido {{ order_name }}.\n\n"
    "Le escribiremos antes del {{ next_update }}.",
}
# Whether a message's wording, a policy or a time zone can be used is more than a JSON
# Schema says (a variable Amends knows, a rule that reads): a request the schema allows
# may still be answered 422 by these operations, naming what to change.
CHECKED_BEYOND_SCHEMA = ["save_template", "replace_settings", "replace_policy", "preview_policy"]
# A report's days must also follow each other and span at most a few years: two dates
# the schema allows may still be answered 400, naming the one to change.
REPORTS = "^report_"


def _with_examples(document: dict, rows: dict[str, list], bodies: dict) -> dict:
    """Return the document with `rows` as examples of the parameters and `bodies` of the bodies."""
    shown = copy.deepcopy(document)
    parameters = list(shown["components"]["parameters"].values())
    for item in shown["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                parameters += [p for p in operation.get("parameters", []) if "name" in p]
    for parameter in parameters:
        values = rows.get(parameter["name"], [])
        parameter["examples"] = {f"row{n}": {"value": value} for n, value in enumerate(values)}
    for (path, method), values in bodies.items():
        content = shown["paths"][path][method]["requestBody"]["content"]["application/json"]
        content["examples"] = {f"body{n}": {"value": value} for n, value in enumerate(values)}
    return shown


schema = schemathesis.openapi.from_dict(
    _with_examples(openapi.document(), ROWS, BODIES),
    config=SchemathesisConfig.from_dict(
        {
            # The shop's session token, as the one way of proving it that schemathesis
            # knows; it also calls without it, and with a broken one, expecting a 401.
            "auth": {"openapi": {"sessionToken": {"bearer": session_token()}}},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "phases": {"stateful": {"enabled": False}},
            "operations": [
                {
                    "include-operation-id": CHECKED_BEYOND_SCHEMA,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "401", "403", "404", "409", "422"]
                        }
                    },
                },
                {
                    "include-operation-id-regex": REPORTS,
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403", "404"]
                        }
                    },
                },
            ],
        }
    ),
)


@pytest.fixture
def shop_rows(runtime, make_shop, make_incident) -> None:
    """A shop with incidents in several states, messages, a compensation waiting and a policy.

    It words one message itself. Another shop's incident (of a customer it shares with
    it) sits beside them: asked for, it must be a 404 like a missing one.
    """
    mine = make_shop("shopify")
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)
    waiting_incident, waiting = waiting_compensation(runtime, mine)
    resolved = make_incident(mine, order="1002", status="resolved")
    opened = make_incident(mine, order="1003", email=None)
    foreign = make_incident(theirs, order="2001")
    assert [waiting_incident, resolved, opened, foreign] == ROWS["incident_id"]
    assert waiting == ROWS["compensation_id"][0]
    with runtime.database.transaction() as session:
        save_override(session, ShopScope.only(mine), OWN_WORDING_KEY, OWN_WORDING)


@schema.parametrize()
# One shop for all of an operation's calls, as a real shop is: what a call changed (a
# note, an approval) stays for the next, and the answers must stay right.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_operation_answers_as_the_document_says(app, shop_rows, case):
    # This test's app answers every call, schemathesis' own probes (no auth, other methods) too.
    case.operation.app = case.operation.schema.app = app
    case.call_and_validate()
