"""The panel's pages: the incident inbox and an incident's detail, with its actions.

Plain HTML forms and links that work without JavaScript; App Bridge and Polaris web
components, when Shopify's CDN loads them, put the navigation and the title in the
Shopify admin and dress the page. A view parses, calls the domain, renders.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from admin_ui import csrf, i18n, signed
from admin_ui.auth import PAGE_AUTHENTICATORS, authenticate, current_caller
from admin_ui.errors import Forbidden, NotSignedIn, Unauthorized, error_page
from admin_ui.shopify_auth import ShopifyUnavailable
from plugin.compensation import approvals
from plugin.errors import InvalidInput, NotFound
from plugin.incidents import staff
from plugin.incidents.inbox import InboxFilter, InvalidFilter, inbox_page, status_counts
from plugin.incidents.states import FINISHED, InvalidTransition
from plugin.incidents.views import show_incident
from plugin.platforms import AdminLinks
from plugin.storage.models import Incident, Shop

bp = Blueprint("admin_pages", __name__, url_prefix="/admin")
log = logging.getLogger("amends.admin.pages")


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    i18n.use_locale(request.args.get("locale"))
    try:
        g.scope = authenticate(request, PAGE_AUTHENTICATORS)
    except NotSignedIn:
        if request.args.get("embedded") == "1" and request.args.get("shop"):
            # Shopify's admin without a token: App Bridge reloads the page with a fresh one.
            reload = {"shopify-reload": request.url}
            return redirect(f"{url_for('admin_assets.bounce')}?{urlencode(reload)}")
        return redirect(url_for("admin_login.login_form"))
    except Forbidden as refusal:
        if current_caller().via == "login":
            return redirect(url_for("admin_login.shops"))
        return error_page(refusal.status, refusal.reason)
    except Unauthorized as refusal:
        return error_page(401, refusal.reason)
    except ShopifyUnavailable as failure:
        return error_page(503, str(failure))
    i18n.use_locale(current_caller().locale or request.args.get("locale"))
    return None


@bp.errorhandler(NotFound)
def _not_found(missing: NotFound) -> ResponseReturnValue:
    return error_page(404, str(missing))


@bp.errorhandler(csrf.CsrfRefused)
def _csrf(refusal: csrf.CsrfRefused) -> ResponseReturnValue:
    log.warning("admin.pages.csrf-refused", extra={"path": request.path})
    return error_page(403, refusal.reason)


def panel_url(endpoint: str, **values: Any) -> str:
    """Return a URL of the panel that keeps the caller signed in (the embedded pass)."""
    caller = current_caller()
    if caller.panel_pass:
        values["pass"] = caller.panel_pass
    return url_for(endpoint, **values)


@bp.app_context_processor
def _page_helpers() -> dict[str, Any]:
    caller = current_caller()
    settings = signed.runtime().settings
    return {
        "panel_url": panel_url,
        "csrf_token": csrf.form_token,
        "caller": caller,
        "embedded": caller.via == "shopify",
        "api_key": settings.shopify_api_key,
        "lang": i18n.language(),
    }


@bp.get("")
def inbox() -> ResponseReturnValue:
    """Show the shop's incidents: counts per status, filters, search, one page at a time."""
    runtime = signed.runtime()
    errors: dict[str, str] = {}
    try:
        wanted = InboxFilter.parse(request.args)
    except InvalidFilter as problem:
        errors[problem.field] = _filter_message(problem.field)
        wanted = InboxFilter()
    with runtime.database.reading() as session:
        page = inbox_page(session, g.scope, wanted, runtime.clock.now())
        counts = status_counts(session, g.scope)
        detail = panel_url("admin_pages.incident", incident_id=0)
        rows = [_row(incident, detail) for incident in page.incidents]
    next_url = None
    if page.next_cursor is not None:
        next_url = panel_url("admin_pages.inbox", **wanted.arguments(), cursor=page.next_cursor)
    context = {
        "rows": rows,
        "total": page.total,
        "counts": counts,
        "wanted": wanted,
        "values": request.args,
        "errors": errors,
        "next_url": next_url,
        "first_url": panel_url("admin_pages.inbox", **wanted.arguments())
        if wanted.before_id
        else None,
    }
    return render_template("panel/inbox.html", **context), 400 if errors else 200


def _filter_message(field: str) -> str:
    """Say in the merchant's language what to do about a filter that could not be used."""
    if field == "q":
        return i18n.gettext("Search for at most 200 characters.")
    return i18n.gettext("Choose one of the values offered.")


def _row(incident: Incident, detail_url: str) -> dict[str, Any]:
    """Describe a row of the inbox; `detail_url` is the detail page of incident 0."""
    return {
        "id": incident.id,
        "url": detail_url.replace("/incidents/0", f"/incidents/{incident.id}", 1),
        "order": incident.order_name or incident.platform_order_id,
        "kind": incident.kind,
        "status": incident.status,
        "customer": incident.customer_email,
        "platform": incident.shop.platform,
        "created_at": incident.created_at,
    }


def _detail(session: Session, incident_id: int) -> dict[str, Any]:
    shown = show_incident(session, g.scope, incident_id)
    shop = session.get(Shop, shown["shop"])
    links = signed.runtime().playing(AdminLinks)
    admin_url = None
    if shop is not None and shop.platform in links:
        admin_url = links[shop.platform].order_admin_url(shop.domain, shown["order_id"])
    return {
        "incident": shown,
        "order_admin_url": admin_url,
        "finished": shown["status"] in FINISHED,
    }


def _detail_page(incident_id: int, status: int = 200, **extra: Any) -> ResponseReturnValue:
    with signed.runtime().database.reading() as session:
        context = _detail(session, incident_id)
    context.update(extra)
    context.setdefault("errors", {})
    context.setdefault("notice", request.args.get("done"))
    return render_template("panel/incident.html", **context), status


@bp.get("/incidents/<id:incident_id>")
def incident(incident_id: int) -> ResponseReturnValue:
    """Show an incident: what happened, what the customer was told, what they were given."""
    return _detail_page(incident_id)


def _act(
    incident_id: int, done: str, action: Callable[[Session, Incident], Any]
) -> ResponseReturnValue:
    """Check the form's token, act in one transaction, and go back to the incident."""
    csrf.check(request.form.get(csrf.FIELD))
    runtime = signed.runtime()
    try:
        with runtime.database.transaction() as session:
            action(session, staff.find_incident(session, g.scope, incident_id))
    except InvalidTransition as refusal:
        return _detail_page(incident_id, 409, errors={"action": str(refusal)})
    except InvalidInput:
        text = request.form.get("text", "")
        message = (
            i18n.gettext("Write the note before adding it.")
            if not text.strip()
            else i18n.gettext("A note holds at most %(count)s characters.", count=4000)
        )
        return _detail_page(incident_id, 422, errors={"text": message}, text=text)
    log.info("admin.pages.acted", extra={"incident": incident_id, "done": done})
    target = panel_url("admin_pages.incident", incident_id=incident_id)
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}{urlencode({'done': done})}", 303)


@bp.post("/incidents/<id:incident_id>/notes")
def add_note(incident_id: int) -> ResponseReturnValue:
    """Add a staff note to the incident's timeline."""
    text = request.form.get("text", "")
    actor = current_caller().actor
    return _act(incident_id, "noted", lambda s, found: staff.note(s, found, text, actor))


@bp.post("/incidents/<id:incident_id>/resolve")
def resolve(incident_id: int) -> ResponseReturnValue:
    """Mark the incident resolved (the customer is told)."""
    actor = current_caller().actor
    return _act(incident_id, "resolved", lambda s, found: staff.resolve(s, found, actor))


@bp.post("/incidents/<id:incident_id>/reopen")
def reopen(incident_id: int) -> ResponseReturnValue:
    """Take a resolved or closed incident up again."""
    actor = current_caller().actor
    return _act(incident_id, "reopened", lambda s, found: staff.reopen(s, found, actor))


@bp.get("/approvals")
def approval_queue() -> ResponseReturnValue:
    """Show the compensations waiting for the merchant's approval, each with its decision."""
    return _approvals_page()


def _approvals_page(status: int = 200, **extra: Any) -> ResponseReturnValue:
    with signed.runtime().database.reading() as session:
        waiting = approvals.approval_queue(session, g.scope)
    detail = panel_url("admin_pages.incident", incident_id=0)
    for row in waiting:
        row["url"] = detail.replace("/incidents/0", f"/incidents/{row['incident']}", 1)
    context: dict[str, Any] = {"waiting": waiting, "errors": {}}
    context.update(extra)
    context.setdefault("notice", request.args.get("done"))
    return render_template("panel/approvals.html", **context), status


@bp.post("/compensations/<id:compensation_id>/approve")
def approve(compensation_id: int) -> ResponseReturnValue:
    """Approve a compensation: it executes (or is offered) as the caps allow now."""
    actor = current_caller().actor
    return _decide(
        compensation_id,
        "approved",
        lambda s: approvals.approve(s, g.scope, compensation_id, actor),
    )


@bp.post("/compensations/<id:compensation_id>/deny")
def deny(compensation_id: int) -> ResponseReturnValue:
    """Deny a compensation, with the reason staff gave; nothing executes."""
    actor = current_caller().actor
    reason = request.form.get("reason", "")
    return _decide(
        compensation_id,
        "denied",
        lambda s: approvals.deny(s, g.scope, compensation_id, actor, reason),
    )


def _decide(
    compensation_id: int, done: str, decide: Callable[[Session], approvals.Outcome]
) -> ResponseReturnValue:
    """Check the form's token, decide in one transaction, go back where the form was.

    A form on an incident's page says `back=incident`: the answer is that page again.
    """
    csrf.check(request.form.get(csrf.FIELD))
    on_incident = request.form.get("back") == "incident"
    runtime = signed.runtime()
    try:
        with runtime.database.transaction() as session:
            incident_id = decide(session).compensations[0]["incident"]
    except InvalidInput as refusal:
        errors = _decision_errors(compensation_id, done, refusal)
        status = 409 if isinstance(refusal, approvals.NotWaiting) else 422
        if not on_incident:
            return _approvals_page(status, errors=errors, reason=request.form.get("reason"))
        with runtime.database.reading() as session:
            found = approvals.find_compensation(session, g.scope, compensation_id)
            incident_id = found.incident_id
        return _detail_page(incident_id, status, errors=errors, reason=request.form.get("reason"))
    log.info("admin.pages.compensation-decided", extra={"compensation": compensation_id})
    target = (
        panel_url("admin_pages.incident", incident_id=incident_id)
        if on_incident
        else panel_url("admin_pages.approval_queue")
    )
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}{urlencode({'done': done})}", 303)


def _decision_errors(compensation_id: int, done: str, refusal: InvalidInput) -> dict[str, Any]:
    """Say why a decision could not be made: beside the reason field when it was the reason."""
    if done == "denied" and not isinstance(refusal, approvals.NotWaiting):
        limit = approvals.MAX_REASON_LENGTH
        message = i18n.gettext("A reason holds at most %(count)s characters.", count=limit)
        return {"reason": message, "reason_for": compensation_id}
    return {"action": str(refusal)}
