"""The panel's JSON API for what a merchant configures: settings, policy, customer data.

Routes of the API blueprint (admin_ui/api.py), authenticated and scoped as every
other. A form with problems is a 422 naming each field (`fields`) or each line of
the policy (`problems`), in the caller's language (`?locale=` or Accept-Language),
and nothing is saved.
"""

from __future__ import annotations

import logging

from flask import Response, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from admin_ui import i18n, signed
from admin_ui.api import _body, bp, error
from admin_ui.policy_forms import policy_from, problems_json
from admin_ui.settings_words import field_messages
from plugin.compensation.documents import PolicyInvalid, policy_yaml
from plugin.compensation.preview import incidents_to_preview, preview
from plugin.compensation.store import load_policy, save_policy
from plugin.compensation.summary import summary
from plugin.customer_data import customer_data
from plugin.errors import InvalidInput
from plugin.shop_settings import SettingsInvalid, current_settings, save_settings
from plugin.storage.models import MAX_ROW_ID, Shop

log = logging.getLogger("amends.admin.api")


@bp.errorhandler(SettingsInvalid)
def _settings_invalid(invalid: SettingsInvalid) -> Response:
    log.info("admin.api.settings-refused", extra={"fields": sorted(invalid.problems)})
    i18n.use_locale(request.args.get("locale"))
    messages = field_messages(invalid.problems)
    response = jsonify(
        error=str(invalid),
        fields={
            name: problem.as_json() | {"message": messages[name]}
            for name, problem in invalid.problems.items()
        },
    )
    response.status_code = 422
    return response


@bp.errorhandler(PolicyInvalid)
def _policy_invalid(invalid: PolicyInvalid) -> Response:
    log.info("admin.api.policy-refused", extra={"problems": len(invalid.problems)})
    response = jsonify(error=str(invalid), problems=problems_json(invalid))
    response.status_code = 422
    return response


@bp.get("/settings")
def settings() -> ResponseReturnValue:
    """Show the shop's settings: its promises, its voice and its monthly budget."""
    with signed.runtime().database.reading() as session:
        return jsonify(current_settings(_shop(session)).as_json())


@bp.put("/settings")
def replace_settings() -> ResponseReturnValue:
    """Replace the shop's settings with the whole form; a form with problems saves nothing."""
    given = _body()
    with signed.runtime().database.transaction() as session:
        saved = save_settings(session, _shop(session).id, given)
    log.info("admin.api.settings-saved", extra={"shop": g.scope.shop_id})
    return jsonify(saved.as_json())


@bp.get("/policy")
def policy() -> ResponseReturnValue:
    """Show the shop's compensation policy as a document, as YAML and in words."""
    with signed.runtime().database.reading() as session:
        current, own = load_policy(session, _shop(session).id)
    return jsonify(
        policy=current.document(), yaml=policy_yaml(current), own=own, summary=summary(current)
    )


@bp.put("/policy")
def replace_policy() -> ResponseReturnValue:
    """Replace the shop's policy with `yaml` (text) or `policy` (a document), once valid in full."""
    body = _body()
    new = policy_from(body.get("yaml"), body.get("policy"))
    with signed.runtime().database.transaction() as session:
        save_policy(session, _shop(session).id, new)
    log.info("admin.api.policy-saved", extra={"shop": g.scope.shop_id, "rules": len(new.rules)})
    return jsonify(policy=new.document(), yaml=policy_yaml(new), own=True, summary=summary(new))


@bp.post("/policy/preview")
def preview_policy() -> ResponseReturnValue:
    """Say what a policy (the one given, else the saved one) would decide for `incident`.

    Nothing is stored or executed.
    """
    body = _body()
    incident_id = _row_id(body.get("incident"))
    given = "yaml" in body or "policy" in body
    draft = policy_from(body.get("yaml"), body.get("policy")) if given else None
    runtime = signed.runtime()
    with runtime.database.reading() as session:
        draft = draft or load_policy(session, _shop(session).id)[0]
        return jsonify(preview(session, g.scope, incident_id, draft, runtime.clock.now()))


@bp.get("/policy/incidents")
def preview_choices() -> ResponseReturnValue:
    """List the shop's newest incidents a policy can be previewed on."""
    with signed.runtime().database.reading() as session:
        return jsonify(incidents_to_preview(session, g.scope))


@bp.get("/customers/data")
def customer_export() -> ResponseReturnValue:
    """Return what the shop holds about the customer with `email`, as JSON to hand over."""
    email = (request.args.get("email") or "").strip()
    if not email or "@" not in email or len(email) > 320:
        return error(400, "email: give the customer's e-mail address")
    runtime = signed.runtime()
    with runtime.database.reading() as session:
        held = customer_data(session, g.scope, email, runtime.clock.now())
    if held is None:
        return error(404, "this shop holds no data about a customer with that e-mail address")
    log.info("admin.api.customer-data-exported", extra={"shop": g.scope.shop_id})
    return jsonify(held)


def _row_id(value: object) -> int:
    """Return `value` as an incident's id; refuse one no row can have before any query."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW_ID:
        raise InvalidInput("incident: give the id of one of the shop's incidents")
    return value


def _shop(session: Session) -> Shop:
    """Return the calling shop (the scope is always one shop on the panel)."""
    shop = session.get(Shop, g.scope.shop_id)
    if shop is None:
        raise InvalidInput("the shop is not installed")
    return shop
