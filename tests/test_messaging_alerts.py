"""The merchant's alerts: in the shop's language, about the order, naming the target missed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from lingua import LanguageDetectorBuilder

from plugin.errors import InvalidInput
from plugin.messaging import SUPPORTED_LANGUAGES
from plugin.messaging.alerts import ACKNOWLEDGEMENT_FATES, SlaAlert, render_alert
from plugin.messaging.spikes import ReturnBehind, SpikeAlert, chance_in, render_spike_alert
from tests.test_messaging_templates import (
    LANGUAGES,
    NEIGHBOURS,
    _paragraphs_of_html,
    _paragraphs_of_text,
)

MADRID = ZoneInfo("Europe/Madrid")
LATE_ANSWER = SlaAlert(
    breach="acknowledgement",
    shop_name="Lumen & Co",
    order_name="#1042",
    incident_id=12,
    incident_kind="delayed_shipment",
    opened_at=datetime(2026, 11, 23, 10, 5, tzinfo=MADRID),
    target_hours=2,
    acknowledgement="sent_late",
    acknowledged_at=datetime(2026, 11, 23, 13, 40, tzinfo=MADRID),
)
STILL_OPEN = SlaAlert(
    breach="resolution",
    shop_name="Lumen & Co",
    order_name="#1042",
    incident_id=12,
    incident_kind="not_as_described",
    opened_at=datetime(2026, 11, 23, 10, 5, tzinfo=MADRID),
    target_days=7,
)
EVERY_ALERT = [
    (language, alert)
    for language in SUPPORTED_LANGUAGES
    for alert in [
        STILL_OPEN,
        *(replace(LATE_ANSWER, acknowledgement=fate) for fate in ACKNOWLEDGEMENT_FATES),
    ]
]


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values(), *NEIGHBOURS).build()


@pytest.mark.parametrize(("language", "alert"), EVERY_ALERT)
def test_every_alert_is_written_in_the_shops_language_about_the_order(detector, language, alert):
    message = render_alert(alert, language)

    assert detector.detect_language_of(message.text) == LANGUAGES[language]
    assert message.subject.startswith("[Lumen & Co] ")
    assert "#1042" in message.subject
    assert "#1042" in message.text
    assert "12" in message.text  # the case, as Amends numbers it
    assert f'lang="{language}"' in message.html
    assert _paragraphs_of_html(message.html) == _paragraphs_of_text(message.text)
    assert "None" not in message.text
    if language != "en":
        assert message.subject != render_alert(alert, "en").subject


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", ["November 23, 2026, 10:05\u202fAM", "2 hours", "1:40\u202fPM"]),
        ("es", ["23 de noviembre de 2026, 10:05", "2 horas", "13:40"]),
        ("it", ["23 novembre 2026, 10:05", "2 ore", "13:40"]),
        ("ru", ["23 ноября 2026\u202fг., 10:05", "2 часа", "13:40"]),
        ("de", ["23. November 2026, 10:05", "2 Stunden", "13:40"]),
        ("fr", ["23 novembre 2026, 10:05", "2 heures", "13:40"]),
    ],
)
def test_times_and_targets_are_written_as_the_language_writes_them(language, written):
    text = " ".join(render_alert(LATE_ANSWER, language).text.split())

    for words in written:
        assert " ".join(words.split()) in text


def test_an_alert_that_a_case_is_still_open_says_what_to_do():
    text = " ".join(render_alert(STILL_OPEN, "en").text.split())

    assert text == (
        "Hello Lumen & Co team, "
        "The case about order #1042 (an item not as described) has been open since "
        "November 23, 2026, 10:05 AM and is not resolved yet; the target for resolving it "
        "is 7 days. "
        "Please resolve it, or let the customer know what is happening. "
        "In Amends this is case 12. "
        "You receive one alert for each target a case misses. "
        "Amends"
    )


@pytest.mark.parametrize(
    ("alert", "problem"),
    [
        (replace(STILL_OPEN, breach="overdue"), "no alert for breach 'overdue'"),
        (replace(STILL_OPEN, target_days=None), "names its target"),
    ],
)
def test_an_alert_amends_cannot_write_is_refused(alert, problem):
    with pytest.raises(InvalidInput, match=problem):
        render_alert(alert, "en")


def test_an_alert_in_a_language_amends_does_not_write_is_refused():
    with pytest.raises(InvalidInput, match="no alerts in 'pt'"):
        render_alert(STILL_OPEN, "pt")


SPIKE = SpikeAlert(
    shop_name="Lumen & Co",
    product="Taza azul",
    sku="MUG-1",
    reason="defective",
    recent_returned=41,
    recent_sold=700,
    baseline_returned=60,
    baseline_sold=3000,
    p_value=0.000083,
    threshold=0.01 / 15,
    incident_id=7,
    returns=(
        ReturnBehind("#1042", datetime(2026, 11, 23, 10, 5, tzinfo=MADRID), 2, "llegó rota"),
        ReturnBehind("#1043", datetime(2026, 11, 24, 9, 0, tzinfo=MADRID), None),
    ),
    more_returns=3,
    panel_url="https://amends.example/admin/incidents/7",
)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_spike_alert_is_written_in_the_shops_language_about_the_product(detector, language):
    message = render_spike_alert(SPIKE, language)

    assert detector.detect_language_of(message.text) == LANGUAGES[language]
    assert message.subject.startswith("[Lumen & Co] Taza azul")
    assert "MUG-1" in message.text
    assert "#1042" in message.text
    assert "#1043" in message.text
    assert "https://amends.example/admin/incidents/7" in message.text
    assert _paragraphs_of_html(message.html) == _paragraphs_of_text(message.text)
    assert "None" not in message.text
    if language != "en":
        assert message.subject != render_spike_alert(SPIKE, "en").subject


def test_a_spike_alert_says_why_it_fired_in_figures_a_merchant_reads():
    text = " ".join(render_spike_alert(SPIKE, "en").text.split())

    assert (
        "In the last 7 days, 41 of the 700 units sold were returned with the reason "
        "“Defective”: 5.9%. In the 30 days before that, it was 60 of 3,000 units: 2.0%. "
        "That is 2.9 times its usual rate." in text
    )
    assert "by chance only about once in 12,000 times" in text
    assert "below one in 1,500" in text
    assert "- November 23, 2026, order #1042: 2 units · “llegó rota”" in text
    assert "- November 24, 2026, order #1043: quantity not given" in text
    assert "… and 3 more returns." in text


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("es", ["5,9 %", "3.000", "2,9 veces", "12.000"]),
        ("ru", ["5,9 %", "3 000", "в 2,9 раза", "2 единицы", "ещё 3 возврата"]),
        ("de", ["5,9 %", "3.000", "2,9-Fache", "23. November 2026"]),
        ("fr", ["5,9 %", "3 000", "2,9 fois", "3 autres retours"]),
    ],
)
def test_a_spike_alerts_figures_are_written_as_the_language_writes_them(language, written):
    text = " ".join(render_spike_alert(SPIKE, language).text.split())

    for words in written:
        assert " ".join(words.split()) in text


def test_a_spike_from_nothing_and_far_beyond_chance_is_said_so():
    text = " ".join(
        render_spike_alert(replace(SPIKE, baseline_returned=0, p_value=1e-12), "en").text.split()
    )

    assert "Before that, not one unit had come back for this reason." in text
    assert "less than once in 1,000,000 times" in text
    assert "times its usual rate" not in text


def test_odds_are_rounded_to_what_a_person_reads():
    assert chance_in(0.000083) == (False, 12000)
    assert chance_in(0.01 / 15) == (False, 1500)
    assert chance_in(0.5) == (False, 2)
    assert chance_in(1e-9) == (True, 1_000_000)
