"""The WordPress plugin in five more languages: every sentence translated, compiled as shipped.

WordPress loads `languages/amends-for-woocommerce-<locale>.mo`; the `.po` beside it
is its source, compiled with `make wordpress-mo`. A sentence added to the `.pot`
without its translations, or a `.po` changed without compiling it, fails here, and
so does a `.mo` WordPress' own reader (Debian's wordpress package) cannot load.
"""

from __future__ import annotations

import gettext
import io
import json
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LANGUAGES = Path(__file__).parents[1] / "admin_ui/wordpress/amends-for-woocommerce/languages"
DOMAIN = "amends-for-woocommerce"
LOCALES = ["es_ES", "it_IT", "ru_RU", "de_DE", "fr_FR"]
WORDPRESS = Path("/usr/share/wordpress")
READ_MO = Path(__file__).parent / "wordpress" / "read_mo.php"


def catalog(path: Path, locale: str | None = None):
    # xgettext leaves the .pot's plural header as a placeholder Babel cannot read.
    raw = path.read_bytes().replace(b"nplurals=INTEGER; plural=EXPRESSION;", b"nplurals=2;")
    return read_po(io.BytesIO(raw), locale=locale)


def wanted() -> set:
    return {message.id for message in catalog(LANGUAGES / f"{DOMAIN}.pot") if message.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_every_sentence_of_the_plugin_is_translated(locale):
    translations = catalog(LANGUAGES / f"{DOMAIN}-{locale}.po", locale)
    translated = {
        message.id
        for message in translations
        if message.id
        and not message.fuzzy
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }

    assert wanted() - translated == set()
    assert translations.num_plurals == len(
        next(m.string for m in translations if isinstance(m.id, tuple))
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_the_shipped_mo_says_what_its_po_says(locale):
    source = catalog(LANGUAGES / f"{DOMAIN}-{locale}.po", locale)
    with (LANGUAGES / f"{DOMAIN}-{locale}.mo").open("rb") as compiled:
        shipped = gettext.GNUTranslations(compiled)

    for message in source:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id
            assert shipped.ngettext(singular, plural, 1) == message.string[0], message.id
            assert shipped.ngettext(singular, plural, 5) == message.string[shipped.plural(5)]
        else:
            assert shipped.gettext(message.id) == message.string, message.id
    assert shipped.info()["plural-forms"] == source.plural_forms


MENU = [
    ("es_ES", "Incidencias"),
    ("it_IT", "Segnalazioni"),
    ("ru_RU", "Инциденты"),
    ("de_DE", "Vorfälle"),
    ("fr_FR", "Incidents"),
]


@pytest.mark.parametrize(("locale", "sentence"), MENU)
def test_the_menu_is_named_in_each_language(locale, sentence):
    with (LANGUAGES / f"{DOMAIN}-{locale}.mo").open("rb") as compiled:
        assert gettext.GNUTranslations(compiled).gettext("Incidents") == sentence


@pytest.mark.parametrize(("locale", "sentence"), MENU)
def test_wordpress_reads_every_shipped_mo(locale, sentence):
    source = catalog(LANGUAGES / f"{DOMAIN}-{locale}.po", locale)
    done = subprocess.run(
        [
            "php",
            str(READ_MO),
            str(WORDPRESS),
            str(LANGUAGES / f"{DOMAIN}-{locale}.mo"),
            "Incidents",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )

    assert json.loads(done.stdout) == {
        "read": True,
        "entries": len([message for message in source if message.id]),
        "translation": sentence,
    }
