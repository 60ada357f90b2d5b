"""The built-in messages: Jinja2 templates whose sentences come from the Babel catalogs.

Each kind and stage has a template under `templates/<kind>/<stage>.j2`; it fills
the blocks of a shared letter (`_letter.j2`, through `_ongoing.j2` or
`_resolution.j2`), so every message greets, says what happened and what the shop is
doing, when the customer hears next, where to follow the case and how to reach
the shop; the merchant's alerts (`templates/merchant/`) are letters of their own.
Every sentence is a `{% trans %}` block, translated whole in
`translations/<language>/LC_MESSAGES/messages.po`, so each language is written as
its speakers write it rather than word for word.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from plugin.messaging.catalogs import translations_for
from plugin.messaging.letter import (
    Letter,
    as_html,
    as_text,
    html_link,
    one_line,
    paragraphs,
    text_link,
)

LAYOUT = "_layout.html.j2"


def builtin_letter(kind: str, stage: str, language: str, variables: dict[str, str]) -> Letter:
    """Render the built-in message of `kind` at `stage` in `language`."""
    return template_letter(f"{kind}/{stage}.j2", language, variables)


def template_letter(name: str, language: str, variables: Mapping[str, object]) -> Letter:
    """Render the template called `name` as a letter: its subject, its text, its HTML."""
    text_template = _environment(language, html=False).get_template(name)
    html_template = _environment(language, html=True).get_template(name)
    return Letter(
        subject=one_line(text_template.render(variables, part="subject")),
        text=as_text(paragraphs(text_template.render(variables, part="body"))),
        content=as_html(paragraphs(html_template.render(variables, part="body"))),
    )


def builtin_paragraphs(
    kind: str, stage: str, language: str, variables: dict[str, str]
) -> tuple[str, list[list[str]]]:
    """Render the built-in message's subject and its paragraphs, before any wrapping."""
    template = _environment(language, html=False).get_template(f"{kind}/{stage}.j2")
    subject = one_line(template.render(variables, part="subject"))
    return subject, paragraphs(template.render(variables, part="body"))


def html_document(language: str, subject: str, content: Markup) -> str:
    """Put a message's HTML body into the document every customer message shares."""
    layout = _environment(language, html=True).get_template(LAYOUT)
    return layout.render(language=language, subject=subject, content=content)


@functools.cache
def _environment(language: str, *, html: bool) -> Environment:
    """Build the environment for one language, escaping for HTML or not at all for text."""
    environment = Environment(
        loader=PackageLoader("plugin.messaging"),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        autoescape=html,
        lstrip_blocks=True,
        auto_reload=False,
    )
    # A sentence wrapped over several template lines is one sentence to translators.
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_translations(translations_for(language), newstyle=True)  # type: ignore[attr-defined]
    environment.filters["link"] = html_link if html else text_link
    return environment
