"""The translations of the built-in messages, read from the `.po` files shipped with them.

The `.po` sources are what the package ships: they are read once per process with
Babel and compiled in memory, so a fresh checkout needs no build step and a
catalog can never be older than its source.
"""

from __future__ import annotations

import functools
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from plugin.messaging.locale import DEFAULT_LANGUAGE

DOMAIN = "messages"
TRANSLATIONS = resources.files("plugin.messaging") / "translations"


@functools.cache
def translations_for(language: str) -> NullTranslations:
    """Return the gettext translations for `language`; English is the source text itself."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    catalog_file = TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with catalog_file.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)
