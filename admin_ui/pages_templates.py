"""The panel's messages page: every message in every language, and the editor for one.

The editor is a plain form: "Preview" renders the draft on one of the shop's
incidents and "Save" keeps it, each a full round trip that works without
JavaScript; panel.js adds the live preview through the JSON API. A draft with a
problem is kept in the form with a message beside each field, and nothing is saved.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from flask import g, redirect, render_template, request
from flask.typing import ResponseReturnValue

from admin_ui import csrf, i18n, signed
from admin_ui.api_templates import render_preview, template_json
from admin_ui.message_labels import language_label, stage_label, variable_help
from admin_ui.pages import bp, panel_url
from admin_ui.template_problems import by_field
from plugin.messaging import KINDS, STAGES, SUPPORTED_LANGUAGES
from plugin.messaging.errors import TemplateRejected
from plugin.messaging.preview import COMPENSATIONS
from plugin.messaging.store import Key, check_key, reset_override, save_override, stored_overrides

log = logging.getLogger("amends.admin.pages")
PARTS = ("subject", "text", "html")
HELPERS = {"stage_label": stage_label, "language_label": language_label}


@bp.get("/templates")
def templates() -> ResponseReturnValue:
    """Show every message Amends sends, by kind and stage, in each language; mark the shop's own."""
    with signed.runtime().database.reading() as session:
        changed = set(stored_overrides(session, g.scope))
    rows = [
        {
            "kind": kind,
            "stages": [
                (
                    stage,
                    [
                        (language, (kind, stage, language) in changed)
                        for language in SUPPORTED_LANGUAGES
                    ],
                )
                for stage in STAGES
            ],
        }
        for kind in KINDS
    ]
    context = {"rows": rows, "stages": STAGES, "notice": request.args.get("done")}
    return render_template("panel/templates.html", **context, **HELPERS)


@bp.get("/templates/<kind>/<stage>/<language>")
def template(kind: str, stage: str, language: str) -> ResponseReturnValue:
    """Show the editor for one message: its wording, a preview, the variables."""
    key = check_key(kind, stage, language)
    shown = template_json(g.scope, key)
    draft = {
        part: (shown["override"] or {}).get(part) or shown["default"].get(part, "")
        for part in PARTS
    }
    return _editor(key, shown, draft, draft_given=False)


@bp.post("/templates/<kind>/<stage>/<language>")
def save_template(kind: str, stage: str, language: str) -> ResponseReturnValue:
    """Preview the draft, or save it whole; a draft with a problem comes back marked."""
    csrf.check(request.form.get(csrf.FIELD))
    key = check_key(kind, stage, language)
    draft = {part: request.form.get(part, "") for part in PARTS}
    if request.form.get("action") != "save":
        return _editor(key, template_json(g.scope, key), draft, draft_given=True)
    try:
        with signed.runtime().database.transaction() as session:
            save_override(session, g.scope, key, draft)
    except TemplateRejected as rejected:
        errors = by_field(rejected.details)
        return _editor(
            key, template_json(g.scope, key), draft, draft_given=True, errors=errors, status=422
        )
    log.info("admin.pages.template-saved", extra={"template": "/".join(key)})
    return _back(key, "saved")


@bp.post("/templates/<kind>/<stage>/<language>/reset")
def reset_template(kind: str, stage: str, language: str) -> ResponseReturnValue:
    """Go back to the built-in wording of one message."""
    csrf.check(request.form.get(csrf.FIELD))
    key = check_key(kind, stage, language)
    with signed.runtime().database.transaction() as session:
        reset_override(session, g.scope, key)
    log.info("admin.pages.template-reset", extra={"template": "/".join(key)})
    return _back(key, "reset")


def _back(key: Key, done: str) -> ResponseReturnValue:
    kind, stage, language = key
    target = panel_url("admin_pages.template", kind=kind, stage=stage, language=language)
    joiner = "&" if "?" in target else "?"
    return redirect(f"{target}{joiner}{urlencode({'done': done})}", 303)


def _editor(
    key: Key,
    shown: dict[str, Any],
    draft: dict[str, str],
    *,
    draft_given: bool,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    compensation = request.values.get("compensation") or COMPENSATIONS[0]
    rendered = render_preview(g.scope, key, draft if draft_given else None, compensation)
    preview_errors = by_field(rendered.problems) if draft_given and not errors else {}
    kind, stage, language = key
    context = {
        "template": shown,
        "draft": draft,
        "errors": errors or preview_errors,
        "rejected": bool(errors),
        "preview": rendered,
        "compensation": compensation,
        "compensations": COMPENSATIONS,
        "variables": variable_help(),
        "notice": request.args.get("done"),
        "preview_url": f"/admin/api/templates/{kind}/{stage}/{language}/preview?"
        + urlencode({"locale": i18n.language()}),
    }
    return render_template("panel/template.html", **context, **HELPERS), status
