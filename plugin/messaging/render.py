"""Render the message a customer receives: the built-in one, or the merchant's own."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import TemplateError

from plugin.errors import InvalidInput
from plugin.messaging.context import MessageContext, template_variables
from plugin.messaging.letter import KINDS, STAGES, Letter
from plugin.messaging.locale import SUPPORTED_LANGUAGES
from plugin.messaging.overrides import override_letter
from plugin.messaging.templates import builtin_letter, html_document

log = logging.getLogger("amends.messaging")

# A merchant's wording, by (kind, stage, language): {"subject": ..., "text": ..., "html": ...}.
Overrides = Mapping[tuple[str, str, str], Mapping[str, str]]


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready to become an e-mail."""

    language: str
    subject: str
    text: str
    html: str


def as_message(letter: Letter, language: str) -> RenderedMessage:
    """Put a rendered letter in `language` into the HTML document every message shares."""
    return RenderedMessage(
        language=language,
        subject=letter.subject,
        text=letter.text,
        html=html_document(language, letter.subject, letter.content),
    )


def render(
    kind: str,
    stage: str,
    locale: str,
    context: MessageContext,
    overrides: Overrides | None = None,
) -> RenderedMessage:
    """Render the message of `kind` at `stage` in `locale`, one of SUPPORTED_LANGUAGES.

    Use `resolve_locale` to choose the language. A merchant's override for this
    kind, stage and language replaces the parts it gives; it was checked when saved,
    and if it still fails on this case's values the built-in wording goes out
    instead, so the customer is never left without the message.
    """
    _check(kind, stage, locale, context)
    variables = template_variables(context, locale)
    letter = builtin_letter(kind, stage, locale, variables)
    override = (overrides or {}).get((kind, stage, locale))
    if override:
        try:
            letter = override_letter(letter, override, variables)
        except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
            log.warning(
                "messaging.override.failed",
                extra={"kind": kind, "stage": stage, "language": locale, "error": str(error)},
            )
    return as_message(letter, locale)


def _check(kind: str, stage: str, locale: str, context: MessageContext) -> None:
    """Refuse a message Amends has no words for, or one that would promise no date."""
    if kind not in KINDS:
        raise InvalidInput(f"no messages for incident kind {kind!r}; known: {', '.join(KINDS)}")
    if stage not in STAGES:
        raise InvalidInput(f"no message stage {stage!r}; known: {', '.join(STAGES)}")
    if locale not in SUPPORTED_LANGUAGES:
        raise InvalidInput(
            f"no messages in {locale!r}; choose one of {', '.join(SUPPORTED_LANGUAGES)} "
            "with resolve_locale"
        )
    if stage == "compensation":
        if context.compensation is None:
            raise InvalidInput("a compensation message tells what was given: give compensation")
        return
    if stage != "resolution" and context.next_update is None:
        raise InvalidInput(
            f"an {stage} tells the customer when they hear from the shop next: give next_update"
        )
