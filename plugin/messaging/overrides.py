"""A merchant's own wording for a message: checked when saved, rendered in a sandbox.

A merchant may replace the subject, the text or the HTML version of any message in
any language. The templates run in Jinja2's sandbox with the message's variables
only: no attribute of a value, no other template, no filter but a short list. What
would break a template is found when it is saved, and said in the merchant's words.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from babel import Locale
from jinja2 import (
    StrictUndefined,
    Template,
    TemplateAssertionError,
    TemplateError,
    TemplateSyntaxError,
    nodes,
)
from jinja2.exceptions import SecurityError
from jinja2.meta import find_undeclared_variables
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from plugin.messaging.context import VARIABLES
from plugin.messaging.errors import TemplateRejected
from plugin.messaging.letter import (
    KINDS,
    STAGES,
    Letter,
    as_html,
    html_link,
    one_line,
    paragraphs,
    text_link,
)
from plugin.messaging.locale import SUPPORTED_LANGUAGES
from plugin.messaging.problems import TemplateProblem

PARTS = ("subject", "text", "html")
FILTERS = ("upper", "lower", "title", "capitalize", "trim", "default", "replace", "truncate")
KIND_NAMES = {
    "delayed_shipment": "delayed shipments",
    "delivery_exception": "delivery problems",
    "defective_item": "defective items",
    "wrong_item": "wrong items",
    "not_as_described": "items not as described",
    "manual": "cases opened by hand",
}
SAMPLE = {
    "customer_first_name": "Anna",
    "order_name": "#1042",
    "shop_name": "Example Shop",
    "next_update": "26 November 2026",
    "incident_url": "https://example.com/case/1042",
    "contact_email": "help@example.com",
    "compensation_kind": "",
    "code": "",
    "discount": "",
    "refund_amount": "",
    "valid_until": "",
}
COUPON_SAMPLE = SAMPLE | {
    "compensation_kind": "percent_coupon",
    "code": "SORRY-7K3F9Q2MXA",
    "discount": "10%",
    "valid_until": "21 January 2027",
}
FREE_SHIPPING_SAMPLE = COUPON_SAMPLE | {"compensation_kind": "free_shipping", "discount": ""}
REFUND_SAMPLE = SAMPLE | {"compensation_kind": "shipping_refund", "refund_amount": "€4.90"}


def validate_override(
    kind: str, stage: str, language: str, override: Mapping[str, Any]
) -> dict[str, str]:
    """Return the override as it will be stored, or raise TemplateRejected saying why.

    An override holds any of `subject`, `text` and `html`; a part left out keeps the
    built-in wording. An HTML version needs a text version beside it, so the two
    parts of one e-mail never say different things. The HTML is the message's body:
    it goes into the same document as the built-in messages. The text and the HTML
    must say what every message of the stage says: which order, when the customer
    hears next, the code or the amount refunded.
    """
    where = _where(kind, stage, language)
    problems = [
        TemplateProblem("not_a_part", values={"part": str(part)})
        for part in override
        if part not in PARTS
    ]
    given = {part: source for part, source in override.items() if part in PARTS}
    if not given and not problems:
        problems.append(TemplateProblem("changes_nothing"))
    if "html" in given and "text" not in given:
        problems.append(TemplateProblem("html_needs_text", "html"))
    for part, source in given.items():
        problems.extend(_problems(part, source, stage))
    if problems:
        sentences = tuple(str(problem) for problem in problems)
        raise TemplateRejected(
            f"{where} cannot be saved: {'; '.join(sentences)}.", sentences, tuple(problems)
        )
    return dict(given)


def override_letter(
    letter: Letter, override: Mapping[str, str], variables: dict[str, str]
) -> Letter:
    """Return `letter` with the parts the merchant rewrote; a text without HTML gives both."""
    subject, text, content = letter.subject, letter.text, letter.content
    if "subject" in override:
        subject = one_line(_compiled(override["subject"], html=False).render(variables))
    if "text" in override:
        text = _tidy(_compiled(override["text"], html=False).render(variables))
        content = as_html(paragraphs(escape(text)))
    if "html" in override:
        content = Markup(_compiled(override["html"], html=True).render(variables))
    return Letter(subject=subject, text=text, content=content)


def _where(kind: str, stage: str, language: str) -> str:
    if kind not in KINDS or stage not in STAGES or language not in SUPPORTED_LANGUAGES:
        raise TemplateRejected(
            f"There is no {language!r} {stage!r} message for {kind!r}.",
            (
                f"messages exist for {', '.join(KINDS)}, at {', '.join(STAGES)}, "
                f"in {', '.join(SUPPORTED_LANGUAGES)}",
            ),
        )
    language_name = Locale("en").languages[language]
    return f"The {language_name} {stage} for {KIND_NAMES[kind]}"


def _problems(part: str, source: Any, stage: str) -> list[TemplateProblem]:
    """Find what is wrong with one part of an override."""
    if not isinstance(source, str):
        return [TemplateProblem("not_text", part)]
    if not source.strip():
        return [TemplateProblem("empty", part)]
    if part == "subject" and "\n" in source.strip():
        return [TemplateProblem("subject_lines", part)]
    environment = _sandbox(html=part == "html")
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError as error:
        return [_syntax_problem(part, error)]
    problems = _forbidden(part, tree) + _unknown_variables(part, tree)
    if problems:
        return problems
    return _rehearse(part, source, stage)


def _forbidden(part: str, tree: nodes.Template) -> list[TemplateProblem]:
    """Refuse what a message template never needs and a sandbox must not allow."""
    problems: dict[int | str, TemplateProblem] = {}  # by line, or by filter name
    for reach in tree.find_all((nodes.Getattr, nodes.Getitem)):
        problems.setdefault(
            reach.lineno, TemplateProblem("reaches_inside", part, {"line": str(reach.lineno)})
        )
    for outside in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        problems.setdefault(
            -outside.lineno, TemplateProblem("brings_in", part, {"line": str(outside.lineno)})
        )
    usable = f"|{', |'.join(FILTERS)} and |link"
    for used in tree.find_all(nodes.Filter):
        if used.name not in _sandbox(html=False).filters:
            problems[used.name] = TemplateProblem(
                "unknown_filter",
                part,
                {"filter": used.name, "line": str(used.lineno), "filters": usable},
            )
    return list(problems.values())


def _unknown_variables(part: str, tree: nodes.Template) -> list[TemplateProblem]:
    try:
        unknown = sorted(find_undeclared_variables(tree) - set(VARIABLES))
    except TemplateAssertionError:
        return []  # an unknown filter, which `_forbidden` has named already
    if not unknown:
        return []
    known = ", ".join(f"{{{{ {variable} }}}}" for variable in VARIABLES)
    used = ", ".join(f"{{{{ {variable} }}}}" for variable in unknown)
    return [TemplateProblem("unknown_variable", part, {"used": used, "known": known})]


def _rehearse(part: str, source: str, stage: str) -> list[TemplateProblem]:
    """Render with sample values in every case sending meets; check what must be said."""
    template = _compiled(source, html=part == "html")
    found: dict[str, TemplateProblem] = {}
    try:
        for variables, musts in rehearsals(stage):
            shown = template.render(variables)
            for code, value in musts if part != "subject" else ():
                if value not in shown:
                    found.setdefault(code, TemplateProblem(code, part))
    except SecurityError:
        return [TemplateProblem("forbidden", part)]
    except TemplateError as error:
        return [TemplateProblem("sample_failure", part, {"detail": str(error.message)})]
    except (TypeError, ValueError, ArithmeticError) as error:
        return [TemplateProblem("sample_failure", part, {"detail": str(error)})]
    return list(found.values())


def rehearsals(stage: str) -> list[tuple[dict[str, str], list[tuple[str, str]]]]:
    """Return the sample cases of a stage, each with what its message must show.

    Every message names the order; one sent while the case is open says when the
    customer hears next; a compensation message gives the code, or the amount of
    shipping refunded. The optional values are left out in one more case.
    """
    order = ("missing_order", SAMPLE["order_name"])
    if stage == "compensation":
        cases = [
            (COUPON_SAMPLE, [order, ("missing_code", COUPON_SAMPLE["code"])]),
            (FREE_SHIPPING_SAMPLE, [order, ("missing_code", FREE_SHIPPING_SAMPLE["code"])]),
            (REFUND_SAMPLE, [order, ("missing_refund", REFUND_SAMPLE["refund_amount"])]),
        ]
    elif stage == "resolution":
        cases = [(SAMPLE, [order])]
    else:
        cases = [(SAMPLE, [order, ("missing_next_update", SAMPLE["next_update"])])]
    variables, musts = cases[0]
    return [*cases, (variables | {"customer_first_name": "", "incident_url": ""}, musts)]


def _syntax_problem(part: str, error: TemplateSyntaxError) -> TemplateProblem:
    """Turn Jinja's parser message into what the merchant should change."""
    message = error.message or ""
    line = {"line": str(error.lineno)}
    closing = re.search(r"looking for the following tags: .*'(end\w+)'", message)
    if closing:
        return TemplateProblem("unclosed_block", part, line | {"tag": closing.group(1)})
    unknown_tag = re.search(r"unknown tag '(\w+)'", message)
    if unknown_tag:
        return TemplateProblem("unknown_tag", part, line | {"tag": unknown_tag.group(1)})
    if message == "unexpected '}'":
        return TemplateProblem("single_brace", part, line)
    if "unexpected end of template" in message:
        return TemplateProblem("unclosed", part, line)
    if "unexpected" in message:
        return TemplateProblem("out_of_place", part, line | {"detail": message})
    return TemplateProblem("syntax", part, line | {"detail": message})


@functools.lru_cache(maxsize=512)
def _compiled(source: str, *, html: bool) -> Template:
    return _sandbox(html=html).from_string(source)


@functools.cache
def _sandbox(*, html: bool) -> SandboxedEnvironment:
    """Build the sandbox merchants' templates run in: their variables and a few filters."""
    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=html)
    environment.globals.clear()
    environment.filters = {name: environment.filters[name] for name in FILTERS}
    environment.filters["link"] = html_link if html else text_link
    return environment


def _tidy(text: str) -> str:
    """Return a merchant's text with its own line breaks, minus trailing spaces."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
