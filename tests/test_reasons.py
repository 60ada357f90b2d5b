"""Free-text return and refund reasons -> canonical reasons, in six languages."""

from __future__ import annotations

import dataclasses
import types

import pytest

from connectors import reasons
from connectors.reasons import PRECEDENCE, ReasonMatch, classify_reason, normalize, reason_of
from plugin.events import CANONICAL_REASONS

ENGLISH = [
    ("Broken handle", "defective"),
    ("Doesn't work", "defective"),
    ("doesnt work", "defective"),
    ("Stopped working after two days", "defective"),
    ("Item is faulty", "defective"),
    ("Defective Item", "defective"),
    ("Dead on arrival", "defective"),
    ("It broke after a week", "defective"),
    ("The box was fine but the lamp is broken", "defective"),
    ("Arrived broken", "damaged_in_transit"),
    ("Damaged in shipping", "damaged_in_transit"),
    ("ARRIVED DAMAGED", "damaged_in_transit"),
    ("Crushed box, the vase inside is cracked", "damaged_in_transit"),
    ("Wrong item", "wrong_item"),
    ("You sent the wrong colour", "wrong_item"),
    ("Wrong size sent", "wrong_item"),
    ("This is not what I ordered", "wrong_item"),
    ("Not as described", "not_as_described"),
    ("Looks different from the photo", "not_as_described"),
    ("Very poor quality", "not_as_described"),
    ("Too small", "size_too_small"),
    ("Runs small, I need a bigger size", "size_too_small"),
    ("TOO BIG", "size_too_large"),
    ("The sleeves are too long", "size_too_large"),
    ("Doesn't fit", "other"),  # which way, unsaid: the words are kept
    ("Wrong size", "other"),
    ("I ordered the wrong size", "other"),
    ("not broken, just too big", "size_too_large"),
    ("I ordered the wrong colour", "colour"),
    ("Don't like the color, too bright", "colour"),
    ("Not my style", "style"),
    ("I don't like the design", "style"),
    ("Changed my mind", "unwanted"),
    ("No longer needed", "unwanted"),
    ("Ordered by mistake", "unwanted"),
    ("works fine but I changed my mind", "unwanted"),
    ("Order fully refunded.", "other"),
    ("Not broken at all", "other"),
]

SPANISH = [
    ("Está roto", "defective"),
    ("No funciona", "defective"),
    ("Producto defectuoso", "defective"),
    ("Dejó de funcionar a la semana", "defective"),
    ("Llegó dañado", "damaged_in_transit"),
    ("llego danado", "damaged_in_transit"),
    ("Caja aplastada", "damaged_in_transit"),
    ("El paquete llegó roto", "damaged_in_transit"),
    ("Producto equivocado", "wrong_item"),
    ("No es lo que pedí", "wrong_item"),
    ("Me enviaron una talla equivocada", "wrong_item"),
    ("No coincide con la descripción", "not_as_described"),
    ("no coincide con la descripcion", "not_as_described"),
    ("Mala calidad", "not_as_described"),
    ("Talla pequeña", "size_too_small"),
    ("Me queda muy ajustado", "size_too_small"),
    ("talla grande", "size_too_large"),
    ("No me queda", "other"),
    ("no está roto, solo es pequeño", "size_too_small"),
    ("No me gusta el color", "colour"),
    ("Pedí el color equivocado", "colour"),
    ("No es mi estilo", "style"),
    ("Ya no lo quiero", "unwanted"),
    ("Me arrepentí", "unwanted"),
    ("Lo pedí por error", "unwanted"),
    ("Reembolso del pedido", "other"),
]

ITALIAN = [
    ("Rotto", "defective"),
    ("Non funziona", "defective"),
    ("Prodotto difettoso", "defective"),
    ("Ha smesso di funzionare", "defective"),
    ("Arrivato danneggiato", "damaged_in_transit"),
    ("pacco schiacciato", "damaged_in_transit"),
    ("Articolo sbagliato", "wrong_item"),
    ("Non è quello che ho ordinato", "wrong_item"),
    ("Non corrisponde alla descrizione", "not_as_described"),
    ("non e conforme alla descrizione", "not_as_described"),
    ("Taglia", "other"),
    ("Troppo piccolo", "size_too_small"),
    ("troppo grande", "size_too_large"),
    ("Non mi sta bene", "other"),
    ("non è rotto ma è troppo grande", "size_too_large"),
    ("Il colore non mi piace", "colour"),
    ("Colore troppo scuro", "colour"),
    ("Non è il mio stile", "style"),
    ("Non mi serve più", "unwanted"),
    ("non mi serve piu", "unwanted"),
    ("Ho cambiato idea", "unwanted"),
    ("Rimborso parziale", "other"),
]

RUSSIAN = [
    ("Сломан", "defective"),
    ("сломана ручка", "defective"),
    ("Не работает", "defective"),
    ("НЕ РАБОТАЕТ", "defective"),
    ("Брак", "defective"),
    ("Бракованный товар", "defective"),
    ("Дефект на ткани", "defective"),
    ("Повреждён при доставке", "damaged_in_transit"),
    ("пришло повреждённым", "damaged_in_transit"),
    ("пришло поврежденным", "damaged_in_transit"),
    ("Прислали не тот товар", "wrong_item"),
    ("Прислали не тот размер", "wrong_item"),
    ("Не соответствует описанию", "not_as_described"),
    ("Не подошёл размер", "other"),
    ("Маленький", "size_too_small"),
    ("Маломерит, жмёт", "size_too_small"),
    ("Большой", "size_too_large"),
    ("Заказала не тот размер", "other"),
    ("не сломан, просто маленький", "size_too_small"),
    ("Не понравился цвет", "colour"),
    ("Не подошёл по фасону", "style"),
    ("Передумал", "unwanted"),
    ("Передумала", "unwanted"),
    ("Больше не нужно", "unwanted"),
    ("Возврат денег", "other"),
]

GERMAN = [
    ("Kaputt", "defective"),
    ("Defekt", "defective"),
    ("Funktioniert nicht", "defective"),
    ("Lässt sich nicht einschalten", "defective"),
    ("Beschädigt angekommen", "damaged_in_transit"),
    ("beschaedigt angekommen", "damaged_in_transit"),
    ("Transportschaden", "damaged_in_transit"),
    ("Falscher Artikel", "wrong_item"),
    ("Falsche Ware", "wrong_item"),
    ("Entspricht nicht der Beschreibung", "not_as_described"),
    ("Zu klein", "size_too_small"),
    ("Fällt eine Nummer zu klein aus", "size_too_small"),
    ("Zu groß", "size_too_large"),
    ("zu gross", "size_too_large"),
    ("Passt nicht", "other"),
    ("nicht kaputt, nur zu klein", "size_too_small"),
    ("Die Farbe gefällt mir nicht", "colour"),
    ("Nicht mein Stil", "style"),
    ("Nicht mehr benötigt", "unwanted"),
    ("Gefällt mir nicht", "unwanted"),
    ("gefallt mir nicht", "unwanted"),
    ("Rückerstattung", "other"),
]

FRENCH = [
    ("Cassé", "defective"),
    ("Ne fonctionne pas", "defective"),
    ("Défectueux", "defective"),
    ("defectueux", "defective"),
    ("Arrivé endommagé", "damaged_in_transit"),
    ("arrive endommage", "damaged_in_transit"),
    ("Colis abîmé", "damaged_in_transit"),
    ("Mauvais article", "wrong_item"),
    ("Ce n'est pas ce que j'ai commandé", "wrong_item"),
    ("Ne correspond pas à la description", "not_as_described"),
    ("Trop petit", "size_too_small"),
    ("tres petit", "size_too_small"),
    ("Trop grand", "size_too_large"),
    ("Taille", "other"),
    ("Ne me va pas", "other"),
    ("pas cassé, juste trop petit", "size_too_small"),
    ("La couleur ne me plaît pas", "colour"),
    ("Pas à mon goût", "style"),
    ("J'ai changé d'avis", "unwanted"),
    ("Plus besoin", "unwanted"),
    ("Remboursement", "other"),
]

TABLES = {
    "en": ENGLISH,
    "es": SPANISH,
    "it": ITALIAN,
    "ru": RUSSIAN,
    "de": GERMAN,
    "fr": FRENCH,
}
ALL = [(text, reason) for table in TABLES.values() for text, reason in table]


@pytest.mark.parametrize(("text", "reason"), ENGLISH)
def test_english(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize(("text", "reason"), SPANISH)
def test_spanish(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize(("text", "reason"), ITALIAN)
def test_italian(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize(("text", "reason"), RUSSIAN)
def test_russian(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize(("text", "reason"), GERMAN)
def test_german(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize(("text", "reason"), FRENCH)
def test_french(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize("language", sorted(TABLES))
def test_every_table_covers_every_canonical_reason_words_can_give(language):
    # "unknown" is the reason of no words at all (below), in every language
    assert {reason for _, reason in TABLES[language]} == CANONICAL_REASONS - {"unknown"}


@pytest.mark.parametrize(("text", "reason"), ALL)
def test_the_reason_is_canonical_and_the_text_is_kept_unchanged(text, reason):
    match = classify_reason(text)

    assert match.reason in CANONICAL_REASONS
    assert match.text is text


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_no_words_are_unknown(text):
    assert classify_reason(text) == ReasonMatch("unknown", text, None, None)


@pytest.mark.parametrize("text", ["asdf qwerty", "12345", "???", "Lorem ipsum dolor sit amet"])
def test_nonsense_is_other(text):
    match = classify_reason(text)

    assert match.reason == "other"
    assert match.evidence is None


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("It arrived broken!", "arrived broken"),
        ("Llegó dañado", "Llegó dañado"),
        ("The handle is BROKEN.", "BROKEN"),
        ("Zu groß, leider", "Zu groß"),
        ("Прислали не тот товар", "Прислали не тот товар"),
        ("Größe passt nicht, zu eng", "zu eng"),
        ("J'ai changé d'avis", "changé d'avis"),
        ("Item looks different from the photo.", "looks different from the photo"),
        ("Crushed box, the vase inside is cracked", "Crushed box"),
        ("Wrong size sent", "Wrong size sent"),
    ],
)
def test_evidence_is_the_deciding_phrase_as_written(text, evidence):
    assert classify_reason(text).evidence == evidence


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Too small", "en"),
        ("Llegó dañado", "es"),
        ("Troppo piccolo", "it"),
        ("Не работает", "ru"),
        ("Привет", "ru"),
        ("Zu klein", "de"),
        ("Trop petit", "fr"),
        ("asdf", None),
    ],
)
def test_the_language_is_guessed_from_script_and_lexicon(text, language):
    assert classify_reason(text).language == language


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Arrived broken and doesn't work", "damaged_in_transit"),
        ("Too big and the zipper is broken", "defective"),
        ("Doesn't work, and it's the wrong colour", "defective"),
        ("Wrong item, and too small anyway", "wrong_item"),
        ("Too small, not as described", "not_as_described"),
        ("Changed my mind, too small", "size_too_small"),
        ("Not my style, and too big anyway", "size_too_large"),
        ("No damage to the box, but it doesn't work", "defective"),
        ("Package arrived on time, but the glass is cracked", "defective"),
    ],
)
def test_the_store_fault_takes_precedence_over_the_customer_side(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("It isn't broken, it's just too tight", "size_too_small"),
        ("Nothing damaged, no longer needed", "unwanted"),
        ("Sin daños, pero me queda grande", "size_too_large"),
        ("Nessun danno, ho cambiato idea", "unwanted"),
        ("Нет дефектов, передумала", "unwanted"),
        ("Kein Defekt, gefällt mir nicht", "unwanted"),
        ("Ce n'est pas défectueux, la taille est trop grande", "size_too_large"),
        ("Не работает, но не сломан", "defective"),
    ],
)
def test_a_negated_fault_does_not_count(text, reason):
    assert classify_reason(text).reason == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Not my size, too small", "size_too_small"),
        ("No es mi talla, me queda pequeño", "size_too_small"),
        ("Не мой размер, велик", "size_too_large"),
        ("Nicht meine Größe, zu groß", "size_too_large"),
        ("I don't like it", "unwanted"),
        ("I don't like the colour", "colour"),
        ("No me gusta el estilo", "style"),
    ],
)
def test_size_and_change_of_mind_are_never_negated_away(text, reason):
    assert classify_reason(text).reason == reason


def test_the_two_sizes_rank_alike_and_the_first_said_wins():
    assert classify_reason("Too tight at the chest, too long in the sleeves").reason == (
        "size_too_small"
    )
    assert classify_reason("Too long in the sleeves, too tight at the chest").reason == (
        "size_too_large"
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("It broke after a week", "defective"),
        ("It broke in shipping", "damaged_in_transit"),
        ("Se rompió a los dos días", "defective"),
        ("Se rompió en el envío", "damaged_in_transit"),
        ("Si è rotto dopo un giorno", "defective"),
        ("Si è rotto durante la spedizione", "damaged_in_transit"),
        ("Сломался через неделю", "defective"),
        ("Разбилось в дороге", "damaged_in_transit"),
        ("Ist nach einer Woche kaputt gegangen", "defective"),
        ("Ist beim Transport kaputt gegangen", "damaged_in_transit"),
        ("Il s'est cassé au bout d'une semaine", "defective"),
        ("Il s'est cassé pendant le transport", "damaged_in_transit"),
    ],
)
def test_breaking_in_use_is_a_defect_and_on_the_way_is_transit(text, reason):
    assert classify_reason(text).reason == reason


def test_shopify_joined_notes_read_as_one_text():
    match = classify_reason("Too small / Size too small / Too small")

    assert (match.reason, match.evidence) == ("size_too_small", "Too small")


def test_a_lexicon_pattern_must_be_written_folded():
    table = types.ModuleType("connectors.reasons.xx")
    table.LANGUAGE = "xx"
    table.PATTERNS = (("size_too_large", r"zu groß"),)

    with pytest.raises(ValueError, match="without"):
        reasons._compile(table)


def test_a_lexicon_pattern_must_name_a_known_kind():
    table = types.ModuleType("connectors.reasons.xx")
    table.LANGUAGE = "xx"
    table.PATTERNS = (("too_small", r"zu klein"),)

    with pytest.raises(ValueError, match="unknown kind"):
        reasons._compile(table)


def test_the_precedence_names_every_canonical_reason():
    assert set(PRECEDENCE) == CANONICAL_REASONS


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("  Llegó   DAÑADO!! ", "llego danado"),
        ("Größe", "grosse"),
        ("Повреждён, ЙОГУРТ", "поврежден, йогурт"),
        ("doesn't fit", "doesn t fit"),
        ("not broken ... just too big", "not broken. just too big"),
        ("Cœur brisé; colis", "coeur brise. colis"),
    ],
)
def test_normalize_folds_case_accents_and_punctuation(text, folded):
    assert normalize(text) == folded


def test_a_match_is_frozen():
    match = classify_reason("Too small")

    with pytest.raises(dataclasses.FrozenInstanceError):
        match.reason = "other"


@pytest.mark.parametrize("text", [None, "Llegó roto, se rompió el asa", "Too small", "asdf"])
def test_reason_of_is_the_reason_alone(text):
    assert reason_of(text) == classify_reason(text).reason
