"""The panel in the merchant's language: en, es, it, ru, de, fr.

The host passes the merchant's admin locale (`locale`, e.g. `es-ES` from Shopify);
the nearest language the panel speaks is used for the whole request. Sentences are
`_()` calls in the templates and `gettext()` here, translated in
`admin_ui/translations/<lang>/LC_MESSAGES/panel.po`, read with Babel at start-up
as the customer messages are (no compile step).
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from importlib import resources
from io import BytesIO
from typing import Any

from babel.dates import format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, g, request

from plugin.messaging.locale import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, supported_language

DOMAIN = "panel"
TRANSLATIONS = resources.files("admin_ui") / "translations"


@functools.cache
def translations_for(language: str) -> NullTranslations:
    """Return the panel's translations for `language`; English is the source text."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    with (TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def use_locale(identifier: str | None) -> str:
    """Speak the language nearest to `identifier` (else the browser's) for this request."""
    language = supported_language(identifier)
    if language is None and request:
        language = request.accept_languages.best_match(SUPPORTED_LANGUAGES)
    g.amends_language = language or DEFAULT_LANGUAGE
    return g.amends_language


def language() -> str:
    """Return the language of this request."""
    return g.get("amends_language") or DEFAULT_LANGUAGE


def _gettext(message: str) -> str:
    return translations_for(language()).gettext(message)


def _ngettext(singular: str, plural: str, number: int) -> str:
    return translations_for(language()).ngettext(singular, plural, number)


def gettext(message: str, **variables: Any) -> str:
    """Return `message` in this request's language, with `%(name)s` filled in."""
    text = _gettext(message)
    return text % variables if variables else text


def when(moment: datetime | str | None) -> str:
    """Return a time as the merchant reads it in their language (UTC)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return format_datetime(moment, "medium", tzinfo=UTC, locale=language()) + " UTC"


def init_app(app: Flask) -> None:
    """Let the panel's templates translate with `_()` and `{% trans %}`, and show times."""
    from admin_ui.labels import GLOBALS

    app.jinja_env.filters["when"] = when
    app.jinja_env.globals.update(GLOBALS)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=True
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True
