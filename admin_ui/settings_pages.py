"""The panel's pages for what a merchant configures: settings, policy and its preview, data export.

Routes of the pages' blueprint (admin_ui/pages.py), signed in and scoped as every
other page. Each form posts back to its page: problems are shown beside the fields
they are about (422) and nothing is saved; a saved form goes back to its page (303).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode
from zoneinfo import available_timezones

from babel import Locale
from babel.dates import get_day_names
from flask import Response, g, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from admin_ui import csrf, i18n, signed
from admin_ui.errors import error_page
from admin_ui.pages import bp, panel_url
from admin_ui.policy_forms import policy_from
from admin_ui.settings_words import EMAIL, field_messages
from plugin.compensation.documents import PolicyInvalid, policy_yaml
from plugin.compensation.preview import incidents_to_preview, preview
from plugin.compensation.store import load_policy, save_policy
from plugin.compensation.summary import summary
from plugin.customer_data import customer_data
from plugin.errors import InvalidInput, NotFound
from plugin.messaging.locale import SUPPORTED_LANGUAGES
from plugin.shop_settings import (
    FIELDS,
    WEEKDAYS,
    SettingsInvalid,
    current_settings,
    save_settings,
)
from plugin.storage.models import Shop

log = logging.getLogger("amends.admin.pages")
TIMEZONES = sorted(available_timezones())


@bp.context_processor
def _setting_words() -> dict[str, Any]:
    return {"weekday_label": weekday_label, "language_label": language_label}


def weekday_label(day: str) -> str:
    """Return a day of the week in the panel's language (Babel's calendar names)."""
    return str(get_day_names("wide", locale=i18n.language())[WEEKDAYS.index(day)]).capitalize()


def language_label(code: str) -> str:
    """Return a language by its own name, as language pickers do: Español, Deutsch."""
    return str(Locale.parse(code).get_display_name(code)).capitalize()


def _shop(session: Session) -> Shop:
    shop = session.get(Shop, g.scope.shop_id)
    if shop is None:
        raise NotFound("the shop is not installed")
    return shop


def _back(endpoint: str, done: str) -> ResponseReturnValue:
    target = panel_url(endpoint)
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}{urlencode({'done': done})}", 303)


@bp.get("/settings")
def settings() -> ResponseReturnValue:
    """Show the shop's settings in a form."""
    try:
        with signed.runtime().database.reading() as session:
            values = current_settings(_shop(session)).as_json()
    except InvalidInput as refusal:
        log.warning("admin.pages.settings-unreadable", extra={"reason": str(refusal)})
        return error_page(422, str(refusal))
    return _settings_page(values)


def _settings_page(values: dict[str, Any], errors: dict[str, str] | None = None) -> Any:
    return render_template(
        "panel/settings.html",
        values=values,
        errors=errors or {},
        weekdays=WEEKDAYS,
        languages=SUPPORTED_LANGUAGES,
        timezones=TIMEZONES,
        notice=request.args.get("done"),
    )


@bp.post("/settings")
def save_settings_form() -> ResponseReturnValue:
    """Save the settings form whole, or show each field's problem and save nothing."""
    csrf.check(request.form.get(csrf.FIELD))
    given = _settings_form()
    try:
        with signed.runtime().database.transaction() as session:
            save_settings(session, _shop(session).id, given)
    except SettingsInvalid as invalid:
        log.info("admin.pages.settings-refused", extra={"fields": sorted(invalid.problems)})
        return _settings_page(given, field_messages(invalid.problems)), 422
    except InvalidInput as refusal:
        # What the form does not show is broken (a care setting written by hand).
        log.warning("admin.pages.settings-unreadable", extra={"reason": str(refusal)})
        return _settings_page(given, {"settings": str(refusal)}), 422
    log.info("admin.pages.settings-saved", extra={"shop": g.scope.shop_id})
    return _back("admin_pages.settings", "saved")


def _settings_form() -> dict[str, Any]:
    """Read the form as the API's settings document: lists for days, text for the rest."""
    form = request.form
    holidays = [line.strip() for line in form.get("holidays", "").splitlines() if line.strip()]
    lists = {"business_days": form.getlist("business_days"), "holidays": holidays}
    text = {name: form.get(name, "") for name in FIELDS if name not in lists}
    return text | lists


@bp.get("/policy")
def policy() -> ResponseReturnValue:
    """Show the shop's compensation policy as YAML to edit, and in words."""
    return _policy_page(None)


def _policy_page(text: str | None, status: int = 200, **extra: Any) -> ResponseReturnValue:
    """Render the editor with `text` (the saved policy as YAML when None)."""
    with signed.runtime().database.reading() as session:
        current, own = load_policy(session, _shop(session).id)
        choices = incidents_to_preview(session, g.scope)
    saved = policy_yaml(current)
    context: dict[str, Any] = {
        "text": saved if text is None else text,
        "unsaved": text is not None and text.strip() != saved.strip(),
        "own": own,
        "summary": summary(current),
        "choices": choices,
        "problems": [],
        "result": None,
        "chosen": None,
        "incident_error": None,
        "notice": request.args.get("done"),
    }
    context.update(extra)
    return render_template("panel/policy.html", **context), status


@bp.post("/policy")
def save_policy_form() -> ResponseReturnValue:
    """Save the policy once it is valid in full; otherwise show every problem by its line."""
    csrf.check(request.form.get(csrf.FIELD))
    text = request.form.get("policy", "")
    try:
        new = policy_from(text)
    except PolicyInvalid as invalid:
        log.info("admin.pages.policy-refused", extra={"problems": len(invalid.problems)})
        return _policy_page(text, 422, problems=invalid.problems)
    with signed.runtime().database.transaction() as session:
        save_policy(session, _shop(session).id, new)
    log.info("admin.pages.policy-saved", extra={"shop": g.scope.shop_id, "rules": len(new.rules)})
    return _back("admin_pages.policy", "saved")


@bp.post("/policy/preview")
def preview_policy_form() -> ResponseReturnValue:
    """Show what the policy in the editor would give the chosen incident; save nothing."""
    csrf.check(request.form.get(csrf.FIELD))
    text = request.form.get("policy", "")
    chosen = request.form.get("incident", "")
    if not chosen.isdigit():
        message = i18n.gettext("Choose an incident to try the policy on.")
        return _policy_page(text, 422, incident_error=message)
    try:
        draft = policy_from(text)
    except PolicyInvalid as invalid:
        return _policy_page(text, 422, problems=invalid.problems, chosen=int(chosen))
    runtime = signed.runtime()
    with runtime.database.reading() as session:
        result = preview(session, g.scope, int(chosen), draft, runtime.clock.now())
    return _policy_page(text, result=result, chosen=int(chosen))


@bp.get("/customer-data")
def customer_data_form() -> ResponseReturnValue:
    """Ask for the e-mail address of the customer whose data the merchant must hand over."""
    return render_template("panel/customer_data.html", email="", errors={})


@bp.post("/customer-data")
def customer_data_export() -> ResponseReturnValue:
    """Download what the shop holds about the customer, as JSON; say so when it holds nothing."""
    csrf.check(request.form.get(csrf.FIELD))
    email = request.form.get("email", "").strip()
    if not email or "@" not in email or len(email) > 320:
        page = render_template(
            "panel/customer_data.html", email=email, errors={"email": i18n.gettext(EMAIL)}
        )
        return page, 422
    runtime = signed.runtime()
    with runtime.database.reading() as session:
        held = customer_data(session, g.scope, email, runtime.clock.now())
    if held is None:
        message = i18n.gettext("Amends holds no data about a customer with this e-mail address.")
        page = render_template("panel/customer_data.html", email=email, errors={"email": message})
        return page, 404
    log.info("admin.pages.customer-data-exported", extra={"shop": g.scope.shop_id})
    day = runtime.clock.now().date().isoformat()
    return Response(
        json.dumps(held, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="customer-data-{day}.json"',
            "Cache-Control": "no-store",
        },
    )
