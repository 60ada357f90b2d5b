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

PARTS = {"subject": "subject", "text": "text", "html": "HTML version"}
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
    "compensation_kind": "percent_coupon",
    "code": "SORRY-7K3F9Q2MXA",
    "discount": "10%",
    "refund_amount": "",
    "valid_until": "21 January 2027",
}


def validate_override(
    kind: str, stage: str, language: str, override: Mapping[str, Any]
) -> dict[str, str]:
    """Return the override as it will be stored, or raise TemplateRejected saying why.

    An override holds any of `subject`, `text` and `html`; a part left out keeps the
    built-in wording. An HTML version needs a text version beside it, so the two
    parts of one e-mail never say different things. The HTML is the message's body:
    it goes into the same document as the built-in messages.
    """
    where = _where(kind, stage, language)
    problems = [f"“{part}” is not part of a message" for part in override if part not in PARTS]
    given = {part: source for part, source in override.items() if part in PARTS}
    if not given and not problems:
        problems.append("it changes nothing: give a subject, a text or an HTML version")
    if "html" in given and "text" not in given:
        problems.append("an HTML version needs a text version too, saying the same thing")
    for part, source in given.items():
        problems.extend(_problems(part, source))
    if problems:
        raise TemplateRejected(f"{where} cannot be saved: {'; '.join(problems)}.", tuple(problems))
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


def _problems(part: str, source: Any) -> list[str]:
    """Say what is wrong with one part of an override, in sentences a merchant reads."""
    name = PARTS[part]
    if not isinstance(source, str):
        return [f"the {name} must be text"]
    if not source.strip():
        return [f"the {name} is empty; leave it out to keep the built-in one"]
    if part == "subject" and "\n" in source.strip():
        return ["the subject must fit on one line"]
    environment = _sandbox(html=part == "html")
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError as error:
        return [f"the {name} has a mistake on line {error.lineno}: {_explain(error)}"]
    problems = _forbidden(name, tree) + _unknown_variables(name, tree)
    if problems:
        return problems
    return _rehearse(name, source, html=part == "html")


def _forbidden(name: str, tree: nodes.Template) -> list[str]:
    """Refuse what a message template never needs and a sandbox must not allow."""
    problems: dict[int | str, str] = {}  # by line, or by filter name
    for reach in tree.find_all((nodes.Getattr, nodes.Getitem)):
        problems.setdefault(
            reach.lineno,
            f"the {name} reaches inside a value on line {reach.lineno}; a template shows "
            "variables as they are (use a filter such as |upper to change them)",
        )
    for outside in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        problems.setdefault(
            -outside.lineno,
            f"the {name} brings in another template on line {outside.lineno}; "
            "a message template stands on its own",
        )
    for used in tree.find_all(nodes.Filter):
        if used.name not in _sandbox(html=False).filters:
            problems[used.name] = (
                f"the {name} uses the filter |{used.name} on line {used.lineno}, which "
                f"does not exist here; you can use |{', |'.join(FILTERS)} and |link"
            )
    return list(problems.values())


def _unknown_variables(name: str, tree: nodes.Template) -> list[str]:
    try:
        unknown = sorted(find_undeclared_variables(tree) - set(VARIABLES))
    except TemplateAssertionError:
        return []  # an unknown filter, which `_forbidden` has named already
    if not unknown:
        return []
    known = ", ".join(f"{{{{ {variable} }}}}" for variable in VARIABLES)
    used = ", ".join(f"{{{{ {variable} }}}}" for variable in unknown)
    return [f"the {name} uses {used}, which Amends does not know; you can use {known}"]


def _rehearse(name: str, source: str, *, html: bool) -> list[str]:
    """Render with sample values, with and without the optional ones, as sending will."""
    optional_missing = SAMPLE | {"customer_first_name": "", "incident_url": ""}
    try:
        for variables in (SAMPLE, optional_missing):
            _compiled(source, html=html).render(variables)
    except SecurityError:
        return [f"the {name} tries to use something a message template may not touch"]
    except TemplateError as error:
        return [f"the {name} cannot be shown with sample values: {error.message}"]
    except (TypeError, ValueError, ArithmeticError) as error:
        return [f"the {name} cannot be shown with sample values: {error}"]
    return []


def _explain(error: TemplateSyntaxError) -> str:
    """Turn Jinja's parser message into what the merchant should change."""
    message = error.message or ""
    closing = re.search(r"looking for the following tags: .*'(end\w+)'", message)
    if closing:
        return f"a block is not closed, it needs {{% {closing.group(1)} %}}"
    unknown_tag = re.search(r"unknown tag '(\w+)'", message)
    if unknown_tag:
        return f"{{% {unknown_tag.group(1)} %}} is not something a template can use"
    if message == "unexpected '}'":
        return "a {{ is closed with a single } instead of }}"
    if "unexpected end of template" in message:
        return "something opened is not closed (a {{ without }}, or a {% without %})"
    if "unexpected" in message:
        return f"something is out of place ({message})"
    return message


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
