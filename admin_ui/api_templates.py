"""The panel's JSON API for the shop's messages: the built-in wording, the shop's own, a preview.

    GET    /admin/api/templates               every message; which ones the shop changed
    GET    /admin/api/templates/<k>/<s>/<l>   a message's built-in wording and the shop's own
    PUT    /admin/api/templates/<k>/<s>/<l>   save {subject, text, html} (422: problems)
    DELETE /admin/api/templates/<k>/<s>/<l>   back to the built-in wording
    POST   /admin/api/templates/<k>/<s>/<l>/preview   render a draft; nothing is kept

(k: incident kind, s: stage, l: language.)

Scoped like every API route to the caller's shop. Problems come with a code, the
field they belong to and a sentence in the caller's language (`?locale=`).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from admin_ui import i18n, signed
from admin_ui.api import bp
from admin_ui.template_problems import problem_json
from plugin.errors import InvalidInput
from plugin.messaging import KINDS, STAGES, SUPPORTED_LANGUAGES, VARIABLES
from plugin.messaging.defaults import default_wording
from plugin.messaging.errors import TemplateRejected
from plugin.messaging.preview import Preview, preview
from plugin.messaging.store import (
    Key,
    check_key,
    reset_override,
    save_override,
    stored_overrides,
)
from plugin.scope import ShopScope

log = logging.getLogger("amends.admin.api")
PATH = "/templates/<kind>/<stage>/<language>"


@bp.errorhandler(TemplateRejected)
def _rejected(rejected: TemplateRejected) -> ResponseReturnValue:
    body = {"error": str(rejected), "problems": [problem_json(p) for p in rejected.details]}
    return jsonify(body), 422


@bp.get("/templates")
def templates() -> ResponseReturnValue:
    """List every message Amends sends, and the ones the shop worded itself."""
    with signed.runtime().database.reading() as session:
        changed = stored_overrides(session, g.scope)
    listed = [
        {"kind": kind, "stage": stage, "language": language, "customised": key in changed}
        for kind in KINDS
        for stage in STAGES
        for language in SUPPORTED_LANGUAGES
        if (key := (kind, stage, language))
    ]
    return jsonify(
        kinds=list(KINDS),
        stages=list(STAGES),
        languages=list(SUPPORTED_LANGUAGES),
        variables=VARIABLES,
        templates=listed,
    )


def template_json(scope: ShopScope, key: Key) -> dict[str, Any]:
    """Return one message's built-in wording and the shop's own (None when it has none)."""
    with signed.runtime().database.reading() as session:
        own = stored_overrides(session, scope).get(key)
    kind, stage, language = key
    return {
        "kind": kind,
        "stage": stage,
        "language": language,
        "customised": own is not None,
        "default": default_wording(*key),
        "override": own,
        "variables": VARIABLES,
    }


@bp.get(PATH)
def template(kind: str, stage: str, language: str) -> ResponseReturnValue:
    """Show a message's built-in wording and the shop's own."""
    return jsonify(template_json(g.scope, check_key(kind, stage, language)))


@bp.put(PATH)
def save_template(kind: str, stage: str, language: str) -> ResponseReturnValue:
    """Keep the shop's wording of a message once every part of it can be sent; else nothing."""
    key = check_key(kind, stage, language)
    i18n.use_locale(request.args.get("locale"))
    draft = _draft()
    with signed.runtime().database.transaction() as session:
        save_override(session, g.scope, key, draft)
    log.info("admin.api.template-saved", extra={"template": "/".join(key)})
    return jsonify(template_json(g.scope, key))


@bp.delete(PATH)
def reset_template(kind: str, stage: str, language: str) -> ResponseReturnValue:
    """Go back to the built-in wording of a message."""
    key = check_key(kind, stage, language)
    with signed.runtime().database.transaction() as session:
        reset_override(session, g.scope, key)
    log.info("admin.api.template-reset", extra={"template": "/".join(key)})
    return jsonify(template_json(g.scope, key))


@bp.post(f"{PATH}/preview")
def preview_template(kind: str, stage: str, language: str) -> ResponseReturnValue:
    """Render a draft on one of the shop's incidents as the customer reads it; keep nothing."""
    key = check_key(kind, stage, language)
    i18n.use_locale(request.args.get("locale"))
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("send the draft as a JSON object: {subject, text, html}")
    compensation = body.pop("compensation", None) or "percent_coupon"
    shown = render_preview(g.scope, key, body, str(compensation))
    return jsonify(preview_json(shown))


def render_preview(
    scope: ShopScope, key: Key, draft: dict[str, Any] | None, compensation: str
) -> Preview:
    """Render a draft (the stored wording when None) on a sample of the shop's incidents."""
    runtime = signed.runtime()
    settings = runtime.settings
    with runtime.database.reading() as session:
        return preview(
            session,
            scope,
            key,
            draft,
            now=runtime.clock.now(),
            contact_email=settings.smtp_sender or "help@example.com",
            case_url=f"{settings.public_url.rstrip('/')}/incident/…",
            compensation=compensation,
        )


def preview_json(shown: Preview) -> dict[str, Any]:
    """Return a preview as the API gives it."""
    return {
        "subject": shown.message.subject,
        "text": shown.message.text,
        "html": shown.message.html,
        "order_name": shown.order_name,
        "problems": [problem_json(problem) for problem in shown.problems],
    }


def _draft() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("send the wording as a JSON object: {subject, text, html}")
    return body
