"""The panel's JSON API as its contract describes it, for the WordPress tests, until the real one.

The product's `/admin/api/` blueprint is built apart from the WordPress plugin. Until
it is in the app, these routes answer the same contract (incident list with keyset
pagination, counts, detail, notes, resolve, reopen) with the product's own domain
functions, authenticated only by `signed_request_scope`. `install` registers them
only when the app has no `/admin/api/incidents` route: once the real API is there,
the WordPress tests run against it unchanged.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, abort, current_app, jsonify, request
from flask.typing import ResponseReturnValue

from admin_ui.signed_requests import signed_request_scope
from plugin.errors import InvalidInput, NotFound
from plugin.incidents import staff
from plugin.incidents.views import list_incidents, show_incident

bp = Blueprint("stand_in_api", __name__, url_prefix="/admin/api")


def install(app: Flask) -> bool:
    """Register the stand-in routes unless the app serves the real API; say whether it did."""
    if any(rule.rule == "/admin/api/incidents" for rule in app.url_map.iter_rules()):
        return False
    app.register_blueprint(bp)
    return True


def _shop() -> int:
    scope = signed_request_scope(request)
    if scope is None or scope.shop_id is None:
        abort(401, description="sign the request")
    return scope.shop_id


def _matches(incident: dict[str, Any], query: str) -> bool:
    fields = ("order_name", "order_id", "customer_email")
    haystack = " ".join(str(incident[field] or "") for field in fields)
    return query.lower() in haystack.lower()


@bp.get("/incidents")
def incidents() -> ResponseReturnValue:
    shop = _shop()
    with current_app.extensions["amends"].database.reading() as session:
        found = list_incidents(
            session,
            shop_id=shop,
            status=request.args.get("status") or None,
            kind=request.args.get("kind") or None,
        )
    if request.args.get("q"):
        found = [i for i in found if _matches(i, request.args["q"])]
    total, limit = len(found), int(request.args.get("limit") or 50)
    cursor = int(request.args.get("cursor") or 0)
    page = [i for i in found if not cursor or i["id"] < cursor][:limit]
    response = jsonify(page)
    response.headers["X-Total-Count"] = str(total)
    if page and page[-1]["id"] > min(i["id"] for i in found):
        params = request.args.to_dict() | {"cursor": str(page[-1]["id"])}
        response.headers["Link"] = f'<{request.base_url}?{urlencode(params)}>; rel="next"'
    return response


@bp.get("/incidents/counts")
def counts() -> ResponseReturnValue:
    shop = _shop()
    with current_app.extensions["amends"].database.reading() as session:
        found = list_incidents(session, shop_id=shop)
    tally: dict[str, int] = {}
    for incident in found:
        tally[incident["status"]] = tally.get(incident["status"], 0) + 1
    return jsonify(tally)


@bp.get("/incidents/<int:incident_id>")
def incident(incident_id: int) -> ResponseReturnValue:
    shop = _shop()
    try:
        with current_app.extensions["amends"].database.reading() as session:
            return jsonify(show_incident(session, incident_id, shop_id=shop))
    except NotFound as error:
        return jsonify(error=str(error)), 404


@bp.post("/incidents/<int:incident_id>/<action>")
def act(incident_id: int, action: str) -> ResponseReturnValue:
    shop = _shop()
    text = (request.get_json(silent=True) or {}).get("text", "")
    actions = {
        "notes": lambda session, found: staff.note(session, found, text),
        "resolve": staff.resolve,
        "reopen": staff.reopen,
    }
    if action not in actions:
        abort(404)
    try:
        with current_app.extensions["amends"].database.transaction() as session:
            actions[action](session, staff.find_incident(session, incident_id, shop))
            return jsonify(show_incident(session, incident_id, shop_id=shop))
    except NotFound as error:
        return jsonify(error=str(error)), 404
    except InvalidInput as error:
        return jsonify(error=str(error)), 400
