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
