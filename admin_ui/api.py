"""The panel's JSON API: the calling shop's incidents, read and worked on.

Every call is authenticated (admin_ui/auth.py) to one shop and every read is scoped
to it: an incident of another shop is answered as one that does not exist. Errors
are `{"error": "<what to do>"}` with 400, 401, 403, 404, 409 or 422.

`openapi.yaml` describes every route here and is served at `/admin/api/openapi.json`;
a route added here is added there too (admin_ui/openapi.py says how).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from admin_ui import openapi, signed
from admin_ui.auth import API_AUTHENTICATORS, authenticate, current_caller
from admin_ui.errors import Unauthorized
from plugin.compensation import approvals
from plugin.compensation.records import STATUSES
from plugin.errors import InvalidInput, NotFound
from plugin.incidents import staff
from plugin.incidents.inbox import InboxFilter, InvalidFilter, inbox_page, status_counts
from plugin.incidents.states import InvalidTransition
from plugin.incidents.views import incident_json, show_incident

bp = Blueprint("admin_api", __name__, url_prefix="/admin/api")
log = logging.getLogger("amends.admin.api")

RETRY_HEADER = "X-Shopify-Retry-Invalid-Session-Request"


def error(status: int, message: str) -> Response:
    """Answer `{"error": message}` with `status`."""
    response = jsonify(error=message)
    response.status_code = status
    return response


UNKNOWN = "admin_api.unknown"
# What any caller may read without proving a shop, as it holds nothing of one: the
# document, and the refusal of a path or method the API does not have.
PUBLIC_ENDPOINTS = frozenset({"admin_api.openapi_document", UNKNOWN})


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    g.scope = authenticate(request, API_AUTHENTICATORS)


@bp.after_request
def _allow(response: Response) -> Response:
    """Name in `Allow` what the path answers, not what the catch-all `unknown` would take."""
    if request.method == "OPTIONS" and (answered := _methods_answered(request.path)):
        implied = ["HEAD"] if "GET" in answered else []
        response.headers["Allow"] = ", ".join([*answered, *implied, "OPTIONS"])
    return response


@bp.errorhandler(Unauthorized)
def _unauthorized(refusal: Unauthorized) -> Response:
    log.warning("admin.api.refused", extra={"path": request.path, "reason": refusal.reason})
    response = error(refusal.status, refusal.reason)
    if refusal.retry_with_new_token:
        response.headers[RETRY_HEADER] = "1"
    return response


@bp.errorhandler(NotFound)
def _not_found(missing: NotFound) -> Response:
    return error(404, str(missing))


@bp.errorhandler(InvalidFilter)
def _bad_filter(problem: InvalidFilter) -> Response:
    return error(400, str(problem))


@bp.errorhandler(InvalidTransition)
def _conflict(problem: InvalidTransition) -> Response:
    return error(409, str(problem))


@bp.errorhandler(approvals.NotWaiting)
def _not_waiting(problem: approvals.NotWaiting) -> Response:
    return error(409, str(problem))


@bp.errorhandler(InvalidInput)
def _invalid(problem: InvalidInput) -> Response:
    return error(422, str(problem))


@bp.errorhandler(HTTPException)
def _http(problem: HTTPException) -> Response:
    return error(problem.code or 500, problem.description or problem.name)


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    """Return the OpenAPI document of this API."""
    return jsonify(openapi.document())


@bp.get("/incidents")
def incidents() -> ResponseReturnValue:
    """List the shop's incidents, newest first, a page at a time (`Link: rel="next"`)."""
    wanted = InboxFilter.parse(request.args)
    runtime = signed.runtime()
    with runtime.database.reading() as session:
        page = inbox_page(session, g.scope, wanted, runtime.clock.now())
        body = [incident_json(incident) for incident in page.incidents]
    response = jsonify(body)
    response.headers["X-Total-Count"] = str(page.total)
    if page.next_cursor is not None:
        query = urlencode(wanted.arguments() | {"cursor": str(page.next_cursor)})
        base = runtime.settings.public_url.rstrip("/")
        response.headers["Link"] = f'<{base}{request.path}?{query}>; rel="next"'
    return response


@bp.get("/incidents/counts")
def counts() -> ResponseReturnValue:
    """Count the shop's incidents per status."""
    with signed.runtime().database.reading() as session:
        return jsonify(status_counts(session, g.scope))


@bp.get("/incidents/<id:incident_id>")
def incident(incident_id: int) -> ResponseReturnValue:
    """Show one incident with its timeline, messages and compensations."""
    with signed.runtime().database.reading() as session:
        return jsonify(show_incident(session, g.scope, incident_id))


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True) if request.content_length else {}
    if not isinstance(body, dict):
        raise InvalidFilter("body", "send a JSON object (Content-Type: application/json)")
    return body


@bp.post("/incidents/<id:incident_id>/notes")
def add_note(incident_id: int) -> ResponseReturnValue:
    """Add a staff note to the incident's timeline."""
    text = _body().get("text")
    if not isinstance(text, str):
        raise InvalidInput("text: a note needs some text")
    return _act(incident_id, lambda session, found: staff.note(session, found, text, _actor()), 201)


@bp.post("/incidents/<id:incident_id>/resolve")
def resolve(incident_id: int) -> ResponseReturnValue:
    """Mark the incident resolved (the customer is told)."""
    _body()
    return _act(incident_id, lambda session, found: staff.resolve(session, found, _actor()))


@bp.post("/incidents/<id:incident_id>/reopen")
def reopen(incident_id: int) -> ResponseReturnValue:
    """Take a resolved or closed incident up again."""
    _body()
    return _act(incident_id, lambda session, found: staff.reopen(session, found, _actor()))


def _actor() -> str:
    return current_caller().actor


def _act(incident_id: int, action: Any, status: int = 200) -> ResponseReturnValue:
    """Do `action` on the incident within the scope, in one transaction; answer the incident."""
    runtime = signed.runtime()
    with runtime.database.transaction() as session:
        action(session, staff.find_incident(session, g.scope, incident_id))
    log.info("admin.api.acted", extra={"incident": incident_id, "path": request.path})
    with runtime.database.reading() as session:
        return jsonify(show_incident(session, g.scope, incident_id)), status


@bp.get("/compensations")
def compensations() -> ResponseReturnValue:
    """List the shop's compensations, newest first; `pending=1` or `status=` narrows them."""
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        raise InvalidFilter("status", f"must be one of {', '.join(STATUSES)}, got {status!r}")
    pending = request.args.get("pending", "0").lower()
    if pending not in ("0", "1", "true", "false"):
        raise InvalidFilter("pending", "must be 1 or 0")
    with signed.runtime().database.reading() as session:
        found = approvals.list_compensations(
            session, g.scope, pending_only=pending in ("1", "true"), status=status
        )
    return jsonify(found)


@bp.post("/compensations/<id:compensation_id>/approve")
def approve(compensation_id: int) -> ResponseReturnValue:
    """Approve a compensation waiting for approval: it executes (or is offered) as decided now."""
    _body()
    return _decide(
        compensation_id,
        lambda session: approvals.approve(session, g.scope, compensation_id, _actor()),
    )


@bp.post("/compensations/<id:compensation_id>/deny")
def deny(compensation_id: int) -> ResponseReturnValue:
    """Deny a compensation waiting for approval, with an optional `reason`; nothing executes."""
    reason = _body().get("reason")
    if reason is not None and not isinstance(reason, str):
        raise InvalidInput("reason: a reason is text")
    return _decide(
        compensation_id,
        lambda session: approvals.deny(session, g.scope, compensation_id, _actor(), reason),
    )


def _decide(compensation_id: int, decide: Any) -> ResponseReturnValue:
    """Approve or deny in one transaction; answer what it came to."""
    with signed.runtime().database.transaction() as session:
        outcome = decide(session)
    log.info(
        "admin.api.compensation-decided",
        extra={"compensation": compensation_id, "action": outcome.action},
    )
    return jsonify(
        action=outcome.action,
        explanation=outcome.explanation,
        compensations=list(outcome.compensations),
    )


ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.route("/<path:anything>", methods=list(ANY_METHOD))
def unknown(anything: str) -> ResponseReturnValue:
    """Answer a path the API does not have as JSON, like the rest.

    A path the API has, asked with a method it does not answer, is a 405 naming those
    it does: this route would otherwise catch it as an unknown path.
    """
    allowed = _methods_answered(request.path)
    if allowed:
        response = error(405, f"{request.method} is not answered here; use {', '.join(allowed)}")
        response.headers["Allow"] = ", ".join(allowed)
        return response
    return error(404, f"no such API path: /admin/api/{anything}")


def _methods_answered(path: str) -> list[str]:
    """Return the methods a route other than `unknown` answers at `path`."""
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ANY_METHOD:
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint != UNKNOWN:
            allowed.append(method)
    return allowed
