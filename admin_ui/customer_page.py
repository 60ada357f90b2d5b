"""The customer's page for their incident, reached only through the signed link.

One small page in the customer's language: where the case stands (the timeline in
plain words, never staff's notes), a form to write to the shop, and the options to
choose from while an offer waits. The link names one incident of one shop; a link
changed or expired gets a page that says so. Forms carry a token bound to a cookie
this page set (SameSite=Lax), so a form posted from another site is refused.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import Session

from admin_ui import i18n, signed
from admin_ui.labels import N_
from plugin.compensation import choices
from plugin.compensation.records import ISSUED
from plugin.errors import InvalidInput, NotFound
from plugin.incidents.links import ExpiredLink, IncidentLinks, LinkTarget
from plugin.incidents.replies import customer_message
from plugin.incidents.staff import find_incident
from plugin.incidents.views import show_incident
from plugin.messaging.voice import ShopVoice
from plugin.scope import ShopScope
from plugin.storage.models import Shop

bp = Blueprint("customer_page", __name__, url_prefix="/incident")
log = logging.getLogger("amends.customer.page")
COOKIE = "amends_customer"
FORM_SALT = "amends.customer.form"

# What the customer reads of each timeline entry; any other entry stays the shop's.
ENTRIES = {
    "incident_opened": N_("We opened a case for your order."),
    "reopened": N_("We took your case up again."),
    "message_sent": N_("We wrote to you."),
    "customer_message": N_("You wrote to us."),
    "compensation_offered": N_("We offered you a choice."),
    "compensation_chosen": N_("You made your choice."),
    "compensation_issued": N_("We gave you a compensation."),
}
MOVES = {
    "acknowledged": N_("We received your case and are on it."),
    "in_progress": N_("We are working on your case."),
    "awaiting_customer": N_("We are waiting for your answer."),
    "resolved": N_("Your case is resolved."),
    "closed": N_("Your case is closed."),
}


class Refused(Exception):
    """A page that cannot be shown or a form that cannot be taken; says why, in words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(Refused)
def _refused(refusal: Refused) -> ResponseReturnValue:
    return render_template("customer/gone.html", message=refusal.message), refusal.status


def _links() -> IncidentLinks:
    runtime = signed.runtime()
    settings = runtime.settings
    return IncidentLinks(settings.secret_key, settings.public_url, runtime.clock.now)


def _target(token: str) -> LinkTarget:
    """Read the link, or refuse it with a page in the browser's language."""
    i18n.use_locale(None)
    try:
        return _links().read(token)
    except ExpiredLink as expired:
        raise Refused(410, i18n.gettext("This link has expired.")) from expired
    except InvalidInput as bad:
        raise Refused(404, i18n.gettext("This link is not valid.")) from bad


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(signed.runtime().settings.secret_key, salt=FORM_SALT)


def _check_form(target: LinkTarget) -> None:
    """Refuse a form whose token is missing, forged, or not bound to this browser's cookie."""
    nonce = request.cookies.get(COOKIE)
    try:
        incident_id, bound = _serializer().loads(request.form.get("csrf_token", ""))
    except (BadSignature, TypeError, ValueError):
        incident_id, bound = None, None
    if (
        not nonce
        or incident_id != target.incident_id
        or not secrets.compare_digest(str(bound), nonce)
    ):
        log.warning("customer.page.csrf-refused", extra={"incident": target.incident_id})
        raise Refused(403, i18n.gettext("This form has expired; open the link again."))


@bp.get("/<token>")
def incident(token: str) -> ResponseReturnValue:
    """Show the customer where their case stands, and what they can do."""
    target = _target(token)
    return _page(token, target)


def _page(token: str, target: LinkTarget, status: int = 200, **extra: Any) -> Response:
    runtime = signed.runtime()
    with runtime.database.reading() as session:
        scope = ShopScope.only(target.shop_id)
        try:
            shown = show_incident(session, scope, target.incident_id)
        except NotFound as missing:
            raise Refused(404, i18n.gettext("This link is not valid.")) from missing
        options = choices.offered_options(session, scope, target.incident_id)
        shop = session.get(Shop, target.shop_id)
        voice = ShopVoice.of(shop.domain, shop.settings) if shop else None
    i18n.use_locale(shown["locale"])
    nonce = request.cookies.get(COOKIE) or secrets.token_urlsafe(16)
    context = {
        "token": token,
        "incident": shown,
        "shop_name": voice.name if voice else "",
        "steps": _steps(shown["timeline"]),
        "options": options,
        "given": [c for c in shown["compensations"] if c["status"] == ISSUED],
        "csrf_token": _serializer().dumps([target.incident_id, nonce]),
        "lang": i18n.language(),
        "notice": request.args.get("done"),
        "errors": {},
    } | extra
    response = make_response(render_template("customer/incident.html", **context), status)
    response.set_cookie(
        COOKIE,
        nonce,
        path="/incident",
        httponly=True,
        samesite="Lax",
        secure=runtime.settings.public_url.startswith("https://"),
    )
    return response


def _steps(timeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the timeline in the customer's words, leaving out what is the shop's own."""
    steps = []
    for entry in timeline:
        if entry["type"] == "status_changed":
            words = MOVES.get(entry["detail"].get("to"))
        else:
            words = ENTRIES.get(entry["type"])
        if words is None:
            continue
        text = entry["detail"].get("text") if entry["type"] == "customer_message" else None
        steps.append({"at": entry["at"], "words": i18n.gettext(words), "text": text})
    return steps


@bp.post("/<token>/messages")
def write(token: str) -> ResponseReturnValue:
    """Keep the customer's message on the timeline; the shop takes the case up."""
    text = request.form.get("text", "")

    def act(session: Session, scope: ShopScope, incident_id: int) -> None:
        customer_message(session, find_incident(session, scope, incident_id), text)

    def refused(target: LinkTarget) -> Response:
        problem = "long" if text.strip() else "empty"
        return _page(token, target, 422, errors={"text": problem}, text=text)

    return _take_form(token, act, refused, done="sent", event="customer.page.message")


@bp.post("/<token>/choice")
def choose(token: str) -> ResponseReturnValue:
    """Take the option the customer chose: it alone is given."""
    option = request.form.get("option", "")

    def act(session: Session, scope: ShopScope, incident_id: int) -> None:
        choices.choose(session, scope, incident_id, int(option) if option.isdigit() else 0)

    def refused(target: LinkTarget) -> Response:
        return _page(token, target, 409, errors={"choice": True})

    return _take_form(
        token, act, refused, done="chosen", event="customer.page.chosen", option=option
    )


def _take_form(
    token: str,
    act: Callable[[Session, ShopScope, int], None],
    refused: Callable[[LinkTarget], Response],
    *,
    done: str,
    event: str,
    **logged: Any,
) -> ResponseReturnValue:
    """Take a form of the page: check it, act in one transaction, and go back to the page.

    The page comes back with `done` as its notice (a redirect, so a reload posts
    nothing twice); input the domain refuses gets the page again from `refused`, with
    nothing written.
    """
    target = _target(token)
    _check_form(target)
    try:
        with signed.runtime().database.transaction() as session:
            act(session, ShopScope.only(target.shop_id), target.incident_id)
    except InvalidInput:
        return refused(target)
    log.info(event, extra={"incident": target.incident_id} | logged)
    return redirect(url_for("customer_page.incident", token=token, done=done), 303)
