"""The built-in messages: in the customer's language, about their order, from their shop."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from lingua import Language, LanguageDetectorBuilder

from plugin.errors import InvalidInput
from plugin.incidents import KINDS as INCIDENT_KINDS
from plugin.messaging import (
    KINDS,
    STAGES,
    SUPPORTED_LANGUAGES,
    GivenCompensation,
    MessageContext,
    render,
)

MESSAGING = Path(__file__).parent.parent / "plugin" / "messaging"
LANGUAGES = {
    "en": Language.ENGLISH,
    "es": Language.SPANISH,
    "it": Language.ITALIAN,
    "ru": Language.RUSSIAN,
    "de": Language.GERMAN,
    "fr": Language.FRENCH,
}
# Languages a careless translation drifts into: a test that could only choose among
# the six would call near-Portuguese "Spanish" and near-Ukrainian "Russian".
NEIGHBOURS = (
    Language.PORTUGUESE,
    Language.CATALAN,
    Language.ROMANIAN,
    Language.LATIN,
    Language.UKRAINIAN,
    Language.BELARUSIAN,
    Language.BULGARIAN,
    Language.DUTCH,
    Language.DANISH,
)
CONTEXT = MessageContext(
    order_name="#1042",
    shop_name="Lumen & Co",
    contact_email="help@lumen.example",
    customer_first_name="Anna",
    next_update=date(2026, 11, 26),
    incident_url="https://amends.example/case/7?token=a1&b=2",
    compensation=GivenCompensation(
        "percent_coupon",
        Decimal("5.38"),
        "EUR",
        percent=Decimal("10"),
        code="SORRY-7K3F9Q2MXA",
        valid_until=date(2027, 1, 21),
    ),
)
EVERY_MESSAGE = [
    (language, kind, stage)
    for language in SUPPORTED_LANGUAGES
    for kind in KINDS
    for stage in STAGES
]


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values(), *NEIGHBOURS).build()


@pytest.mark.parametrize(("language", "kind", "stage"), EVERY_MESSAGE)
def test_every_message_is_written_in_its_language_about_the_order(detector, language, kind, stage):
    message = render(kind, stage, language, CONTEXT)

    assert message.language == language
    assert detector.detect_language_of(message.text) == LANGUAGES[language]
    assert "#1042" in message.subject
    assert "#1042" in message.text
    assert "Lumen & Co" in message.text
    assert "Lumen &amp; Co" in message.html
    assert f'lang="{language}"' in message.html
    if language != "en":
        assert message.subject != render(kind, stage, "en", CONTEXT).subject


@pytest.mark.parametrize(("language", "kind", "stage"), EVERY_MESSAGE)
def test_the_text_and_the_html_say_the_same_thing(language, kind, stage):
    message = render(kind, stage, language, CONTEXT)

    assert _paragraphs_of_html(message.html) == _paragraphs_of_text(message.text)


@pytest.mark.parametrize(
    ("language", "promise"),
    [
        ("en", "We will write to you again by November 26, 2026 at the latest"),
        ("es", "Le escribiremos de nuevo como muy tarde el 26 de noviembre de 2026"),
        ("it", "Le scriveremo di nuovo entro il 26 novembre 2026"),
        ("ru", "Мы напишем Вам снова не позднее 26 ноября 2026\u202fг."),
        ("de", "Spätestens am 26. November 2026 melden wir uns wieder bei Ihnen"),
        ("fr", "Nous vous écrirons à nouveau au plus tard le 26 novembre 2026"),
    ],
)
def test_an_open_case_says_when_the_customer_hears_next_in_their_own_date_format(language, promise):
    for kind in KINDS:
        for stage in ("acknowledgement", "update"):
            text = render(kind, stage, language, CONTEXT).text
            assert " ".join(promise.split()) in " ".join(text.split())


def test_a_resolution_apologises_thanks_and_promises_nothing_more():
    for kind in KINDS:
        text = " ".join(render(kind, "resolution", "en", CONTEXT).text.split())

        assert "We are sorry for the trouble" in text
        assert "we thank you for your patience" in text
        assert "November 26, 2026" not in text
        assert "write to us at help@lumen.example" in text


def test_an_acknowledgement_says_what_happened_what_we_do_and_how_to_reach_us():
    text = render("delayed_shipment", "acknowledgement", "en", CONTEXT).text

    assert text == (
        "Hello Anna,\n\n"
        "Your order #1042 is taking longer to reach you than we promised, and we are\n"
        "sorry about that.\n\n"
        "We are already looking into it with our team and the carrier, to find out\n"
        "exactly where it is and to get it to you as quickly as possible.\n\n"
        "We will write to you again by November 26, 2026 at the latest, or sooner if\n"
        "there is news.\n\n"
        "You can follow your case at any time on this page:\n"
        "https://amends.example/case/7?token=a1&b=2\n\n"
        "If you have a question or anything to add, simply reply to this e-mail or\n"
        "write to us at help@lumen.example.\n\n"
        "Kind regards,\n"
        "The Lumen & Co team"
    )


def test_links_in_the_html_are_links_and_escaped():
    message = render("defective_item", "update", "fr", CONTEXT)

    assert '<a href="https://amends.example/case/7?token=a1&amp;b=2">' in message.html
    assert '<a href="mailto:help@lumen.example">help@lumen.example</a>' in message.html


def test_what_shops_and_customers_type_is_escaped_in_the_html_and_kept_in_the_text():
    context = MessageContext(
        order_name="#1042",
        shop_name='Tom & Jerry\'s "Best" <Shop>',
        contact_email="help@lumen.example",
        customer_first_name="<script>alert(1)</script>",
        next_update=date(2026, 11, 26),
    )

    message = render("wrong_item", "acknowledgement", "it", context)

    assert "<script>" not in message.html
    assert "Gentile &lt;script&gt;alert(1)&lt;/script&gt;," in message.html
    assert "Il team di Tom &amp; Jerry&#39;s &#34;Best&#34; &lt;Shop&gt;" in message.html
    assert "Gentile <script>alert(1)</script>," in message.text
    assert 'Il team di Tom & Jerry\'s "Best" <Shop>' in message.text


@pytest.mark.parametrize(
    ("language", "name", "named", "unnamed"),
    [
        ("en", "Anna", "Hello Anna,", "Hello,"),
        ("es", "Lucía", "Hola, Lucía:", "Hola:"),
        ("it", "Giulia", "Gentile Giulia,", "Gentile cliente,"),
        ("ru", "Анна", "Здравствуйте, Анна!", "Здравствуйте!"),
        ("de", "Jonas", "Hallo Jonas,", "Guten Tag,"),
        ("fr", "Chloé", "Bonjour Chloé,", "Bonjour,"),
    ],
)
def test_the_customer_is_greeted_by_first_name_or_without_one_as_each_language_writes(
    detector, language, name, named, unnamed
):
    anonymous = MessageContext(
        order_name="#1042",
        shop_name="Lumen & Co",
        contact_email="help@lumen.example",
        next_update=date(2026, 11, 26),
        compensation=CONTEXT.compensation,  # what the compensation stage tells of
    )
    for kind in KINDS:
        for stage in STAGES:
            with_name = render(kind, stage, language, replace(anonymous, customer_first_name=name))
            without = render(kind, stage, language, anonymous)

            assert with_name.text.startswith(named + "\n\n")
            assert f"<p>{html.escape(named, quote=False)}</p>" in with_name.html
            assert without.text.startswith(unnamed + "\n\n")
            assert detector.detect_language_of(without.text) == LANGUAGES[language]
            for message in (with_name, without):
                assert "None" not in message.text
                assert "None" not in message.html
                assert "https://" not in message.text  # no link to follow: no sentence about one


def test_the_message_kinds_are_the_incident_kinds_a_customer_hears_of():
    assert set(KINDS) == set(INCIDENT_KINDS) - {"quality"}


def test_the_catalogs_translate_every_sentence_the_templates_use():
    with (MESSAGING / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    extracted = extract_from_dir(str(MESSAGING), method_map, options_map)
    used = {message for _file, _line, message, _comments, _context in extracted}

    assert {message.id for message in _catalog("messages.pot") if message.id} == used
    for language in SUPPORTED_LANGUAGES[1:]:
        catalog = _catalog(f"{language}/LC_MESSAGES/messages.po", language)
        translated = {message.id for message in catalog if message.id and message.string}
        assert translated == used, language
        assert [message.id for message in catalog if message.fuzzy and message.id] == []
        assert [(message.id, errors) for message, errors in catalog.check()] == []


@pytest.mark.parametrize(
    ("kind", "stage", "locale", "reason"),
    [
        ("lost_parcel", "acknowledgement", "en", "no messages for incident kind 'lost_parcel'"),
        ("manual", "reminder", "en", "no message stage 'reminder'"),
        ("manual", "update", "pt", "no messages in 'pt'"),
        ("manual", "update", "de-CH", "choose one of en, es, it, ru, de, fr with resolve_locale"),
    ],
)
def test_a_message_amends_has_no_words_for_is_refused(kind, stage, locale, reason):
    with pytest.raises(InvalidInput, match=re.escape(reason)):
        render(kind, stage, locale, CONTEXT)


def test_an_open_case_without_a_next_date_is_refused_rather_than_promising_nothing():
    context = MessageContext(order_name="#1042", shop_name="Lumen", contact_email="a@b.example")

    with pytest.raises(InvalidInput, match="give next_update"):
        render("delayed_shipment", "update", "en", context)

    assert "#1042" in render("delayed_shipment", "resolution", "en", context).text


def _catalog(name: str, language: str | None = None) -> Catalog:
    with (MESSAGING / "translations" / name).open("rb") as source:
        return read_po(source, locale=language)


def _paragraphs_of_text(text: str) -> list[str]:
    return [" ".join(paragraph.split()) for paragraph in text.split("\n\n")]


def _paragraphs_of_html(document: str) -> list[str]:
    found = re.findall(r"<p>(.*?)</p>", document, flags=re.DOTALL)
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", p.replace("<br>", " "))).split())
        for p in found
    ]


GIVEN = {
    "percent_coupon": GivenCompensation(
        "percent_coupon",
        Decimal("5.38"),
        "EUR",
        percent=Decimal("10"),
        code="SORRY-7K3F9Q2MXA",
        valid_until=date(2027, 1, 21),
    ),
    "fixed_coupon": GivenCompensation(
        "fixed_coupon", Decimal("5"), "EUR", code="SORRY-7K3F9Q2MXB", valid_until=date(2027, 1, 21)
    ),
    "free_shipping": GivenCompensation(
        "free_shipping",
        Decimal("4.90"),
        "EUR",
        code="SORRY-7K3F9Q2MXC",
        valid_until=date(2027, 1, 21),
    ),
    "shipping_refund": GivenCompensation("shipping_refund", Decimal("4.90"), "EUR"),
}
# What each language says of each compensation: the discount, the refund, the last day.
SAID = {
    "en": ("10%", "€5.00", "free shipping", "€4.90", "until January 21, 2027"),
    "es": ("10\xa0%", "5,00\xa0€", "envío gratuito", "4,90\xa0€", "hasta el 21 de enero de 2027"),
    "it": ("10%", "5,00\xa0€", "spedizione gratuita", "4,90\xa0€", "fino al 21 gennaio 2027"),
    "ru": ("10\xa0%", "5,00\xa0€", "бесплатную доставку", "4,90\xa0€", "до 21 января 2027\u202fг."),
    "de": ("10\xa0%", "5,00\xa0€", "kostenlosen Versand", "4,90\xa0€", "bis zum 21. Januar 2027"),
    "fr": (
        "10\xa0%",
        "5,00\xa0€",
        "livraison offerte",
        "4,90\xa0€",
        "jusqu’au 21 janvier 2027",
    ),
}


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("kind", sorted(GIVEN))
def test_the_customer_is_told_what_they_were_given_in_their_language(detector, language, kind):
    context = MessageContext(
        order_name="#1042",
        shop_name="Lumen & Co",
        contact_email="help@lumen.example",
        compensation=GIVEN[kind],
    )

    message = render("delayed_shipment", "compensation", language, context)

    text = " ".join(message.text.split("\n"))
    percent, fixed, free, refund, until = SAID[language]
    expected = {
        "percent_coupon": [percent, "SORRY-7K3F9Q2MXA", until],
        "fixed_coupon": [fixed, "SORRY-7K3F9Q2MXB", until],
        "free_shipping": [free, "SORRY-7K3F9Q2MXC", until],
        "shipping_refund": [refund],
    }[kind]
    for words in expected:
        assert words in text, (words, text)
    assert ".." not in text  # a date that ends in a dot ends the sentence too (ru: "г.")
    assert "#1042" in message.subject
    assert detector.detect_language_of(message.text) == LANGUAGES[language]
    assert ("SORRY-" in message.text) == (kind != "shipping_refund")


def test_a_compensation_message_without_what_was_given_is_refused():
    context = MessageContext(order_name="#1042", shop_name="Lumen", contact_email="a@b.example")

    with pytest.raises(InvalidInput, match="give compensation"):
        render("defective_item", "compensation", "en", context)
