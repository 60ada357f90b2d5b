"""The merchant hears when an incident misses the shop's targets: once per target, by e-mail.

Lucía returns a cracked mug from the Olivar shop in Madrid; the shop promises its
customers a first answer within an hour and a resolution within a week, and wants to
know at owner@olivar.example when either promise is broken. Time travels with the
injected clock; what is counted is what a real SMTP server on loopback accepted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest
from lingua import Language, LanguageDetectorBuilder
from sqlalchemy import select

from plugin import scheduler, worker
from plugin.errors import InvalidInput
from plugin.inbox.processing import process_due
from plugin.incidents.care import CareSettings
from plugin.messaging.email import message_id
from plugin.storage.models import Incident, OutboxEntry, Shop
from sandboxes.mail import Mailbox
from tests.conftest import TEST_NOW, fixture_bytes
from tests.test_messaging_templates import LANGUAGES, NEIGHBOURS

SENDER = "care@amends.example"
OWNER = "owner@olivar.example"
LUCIA = "lucia.fernandez@example.es"
# Shipped, so that the only incident is the return's.
ORDER = json.loads(fixture_bytes("shopify/orders_create.json")) | {
    "fulfillment_status": "fulfilled"
}
# The same order, bought by a guest who left no e-mail address Amends can see.
ORDER_WITHOUT_ADDRESS = ORDER | {"email": None, "contact_email": None, "customer": None}
RETURN = fixture_bytes("shopify/returns_request.json")
SETTINGS = {
    "care": {"timezone": "Europe/Madrid", "merchant_email": OWNER},
    "messages": {"shop_name": "Olivar", "locale": "es-ES"},
}
NOT_ANSWERED = "[Olivar] Pedido #1042: no se respondió al cliente a tiempo"
NOT_RESOLVED = "[Olivar] Pedido #1042: el caso no se resolvió dentro del plazo"


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
    }


@pytest.fixture
def shop(shopify_shop, runtime) -> Callable[..., int]:
    """Return a setter of the shop's settings (Olivar's by default), giving the shop's id."""

    def configure(settings: dict | None = None) -> int:
        with runtime.database.transaction() as session:
            session.get(Shop, shopify_shop).settings = SETTINGS if settings is None else settings
        return shopify_shop

    configure()
    return configure


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values(), *NEIGHBOURS).build()


def open_defective_return(post_shopify, order: dict = ORDER) -> None:
    """Deliver Lucía's order and her return of a cracked mug (not yet processed)."""
    post_shopify("orders/create", order)
    post_shopify("returns/request", RETURN)


def live(runtime, clock, days: float, every=timedelta(hours=6), runs: int = 1) -> None:
    """Let `days` pass: every `every`, the scheduler runs `runs` times, then the worker."""
    until = clock.now() + timedelta(days=days)
    while clock.now() < until:
        now = clock.advance(every)
        for _ in range(runs):
            scheduler.run_due(runtime, now=now)
        worker.run_once(runtime)


def text_of(message: EmailMessage) -> str:
    return " ".join(message.get_body(("plain",)).get_content().split())


def to(mailbox: Mailbox, address: str) -> list[EmailMessage]:
    return [message for message in mailbox.messages() if message["To"] == address]


def breaches(cli) -> list[dict]:
    """Return the details of the incident's `sla_breached` timeline entries."""
    shown = json.loads(cli("incidents", "show", "1", "--json").stdout)
    return [entry["detail"] for entry in shown["timeline"] if entry["type"] == "sla_breached"]


def test_an_incident_still_open_after_a_week_alerts_the_merchant_once_in_the_shops_language(
    shop, post_shopify, runtime, clock, cli, mailbox, detector
):
    open_defective_return(post_shopify)
    worker.run_once(runtime)  # Lucía is answered at once

    live(runtime, clock, days=10)

    (alert,) = to(mailbox, OWNER)
    assert (alert["Subject"], alert["Content-Language"]) == (NOT_RESOLVED, "es")
    assert alert["From"] == f"Amends <{SENDER}>"
    assert parsedate_to_datetime(alert["Date"]) == TEST_NOW + timedelta(days=7)
    assert alert["Message-ID"] == message_id("incident:1:sla:resolution", "amends.example")
    assert detector.detect_language_of(text_of(alert)) == Language.SPANISH
    assert (
        "El caso del pedido #1042 (un artículo defectuoso) está abierto desde el 23 de "
        "noviembre de 2026, 10:00 y aún no se ha resuelto; el plazo para resolverlo es de "
        "7 días." in text_of(alert)
    )
    assert "En Amends es el caso 1: http://127.0.0.1:8000/admin/incidents/1" in text_of(alert)
    assert (
        '<a href="http://127.0.0.1:8000/admin/incidents/1">'
        in alert.get_body(("html",)).get_content()
    )
    assert breaches(cli) == [
        {
            "breach": "resolution",
            "due_at": (TEST_NOW + timedelta(days=7)).isoformat(),
            "target_days": 7,
            "alert": "incident:1:sla:resolution",
        }
    ]
    listed = json.loads(cli("outbox", "list", "--json").stdout)
    assert [(m["stage"], m["status"]) for m in listed if m["kind"] == "merchant_email"] == [
        ("sla:resolution", "sent")
    ]
    # Lucía's own messages go on as before, and the alert is not one of them.
    assert len(to(mailbox, LUCIA)) == 4  # acknowledged, then an update every three days
    shown = json.loads(cli("incidents", "show", "1", "--json").stdout)
    assert {m["idempotency_key"].split(":")[2] for m in shown["messages"]} == {
        "acknowledgement",
        "update",
    }


def test_a_customer_who_could_not_be_answered_within_the_hour_is_reported_at_the_hour(
    shop, post_shopify, runtime, clock, cli, mailbox, detector
):
    open_defective_return(post_shopify, ORDER_WITHOUT_ADDRESS)
    worker.run_once(runtime)

    live(runtime, clock, days=0.5, every=timedelta(hours=1))

    (alert,) = mailbox.messages()
    assert (alert["To"], alert["Subject"]) == (OWNER, NOT_ANSWERED)
    assert parsedate_to_datetime(alert["Date"]) == TEST_NOW + timedelta(hours=1)
    assert detector.detect_language_of(text_of(alert)) == Language.SPANISH
    assert (
        "El caso se abrió el 23 de noviembre de 2026, 10:00, y el plazo para este primer "
        "mensaje es de 1 hora." in text_of(alert)
    )
    assert "No se conoce ninguna dirección de correo electrónico de este cliente" in text_of(alert)
    (breach,) = breaches(cli)
    assert (breach["breach"], breach["acknowledgement"], breach["target_hours"]) == (
        "acknowledgement",
        "no_address",
        1,
    )


def test_an_acknowledgement_that_went_out_late_is_reported_with_when_it_went(
    shop, post_shopify, runtime, clock, mailbox
):
    open_defective_return(post_shopify)
    process_due(runtime.database, runtime.parse, runtime.retry_policy)  # no mail sent yet
    clock.advance(timedelta(hours=2))
    worker.run_once(runtime)  # Lucía is answered, an hour late

    scheduler.run_due(runtime, now=clock.now())
    worker.run_once(runtime)

    (alert,) = to(mailbox, OWNER)
    assert alert["Subject"] == NOT_ANSWERED
    assert "El mensaje salió el 23 de noviembre de 2026, 12:00, fuera de plazo." in text_of(alert)


def test_an_acknowledgement_still_waiting_for_the_mail_server_is_reported_as_waiting(
    shop, post_shopify, runtime, clock, mailbox
):
    open_defective_return(post_shopify)
    process_due(runtime.database, runtime.parse, runtime.retry_policy)

    scheduler.run_due(runtime, now=clock.advance(timedelta(hours=1)))
    worker.run_once(runtime)  # the mail server is back: both go

    assert [m["To"] for m in mailbox.messages()] == [LUCIA, OWNER]
    alert = mailbox.messages()[1]
    assert "El mensaje sigue pendiente de envío" in text_of(alert)


def test_both_targets_missed_are_alerted_exactly_once_however_often_the_job_runs(
    shop, post_shopify, runtime, clock, cli, mailbox
):
    open_defective_return(post_shopify, ORDER_WITHOUT_ADDRESS)
    worker.run_once(runtime)

    live(runtime, clock, days=0.25, every=timedelta(minutes=30), runs=2)
    live(runtime, clock, days=11.75, every=timedelta(hours=3), runs=2)

    assert [(m["Subject"], parsedate_to_datetime(m["Date"])) for m in mailbox.messages()] == [
        (NOT_ANSWERED, TEST_NOW + timedelta(hours=1)),
        (NOT_RESOLVED, TEST_NOW + timedelta(days=7)),
    ]
    assert [(b["breach"], b["alert"]) for b in breaches(cli)] == [
        ("acknowledgement", "incident:1:sla:acknowledgement"),
        ("resolution", "incident:1:sla:resolution"),
    ]
    with runtime.database.transaction() as session:
        assert session.scalar(select(Incident.sla_due_at)) is None  # nothing more is owed


def test_an_incident_resolved_in_time_alerts_nobody(
    shop, post_shopify, runtime, clock, cli, mailbox
):
    open_defective_return(post_shopify)
    worker.run_once(runtime)
    live(runtime, clock, days=6)

    assert cli("incidents", "resolve", "1").exit_code == 0
    live(runtime, clock, days=10)

    assert to(mailbox, OWNER) == []
    assert breaches(cli) == []
    with runtime.database.transaction() as session:
        assert session.scalar(select(Incident.sla_due_at)) is None


def test_without_a_merchant_address_each_breach_is_noted_once_and_nothing_is_sent(
    shop, post_shopify, runtime, clock, cli, mailbox
):
    shop({"care": {"timezone": "Europe/Madrid"}})
    open_defective_return(post_shopify, ORDER_WITHOUT_ADDRESS)
    worker.run_once(runtime)

    live(runtime, clock, days=10, runs=2)

    assert mailbox.messages() == []
    reason = "no alert: the shop has no merchant_email in its care settings"
    assert [(b["breach"], b["alert"], b["reason"]) for b in breaches(cli)] == [
        ("acknowledgement", None, reason),
        ("resolution", None, reason),
    ]
    with runtime.database.transaction() as session:
        alerts = select(OutboxEntry).where(OutboxEntry.kind == "merchant_email")
        assert session.scalars(alerts).all() == []


def test_an_uninstalled_shop_is_sent_no_alert(shop, post_shopify, runtime, clock, cli, mailbox):
    open_defective_return(post_shopify, ORDER_WITHOUT_ADDRESS)
    worker.run_once(runtime)
    post_shopify("app/uninstalled", fixture_bytes("shopify/app_uninstalled.json"))
    worker.run_once(runtime)

    live(runtime, clock, days=10)

    assert mailbox.messages() == []
    assert breaches(cli) == []
    with runtime.database.transaction() as session:
        assert session.scalar(select(Incident.sla_due_at)) is None


def test_a_target_set_for_the_kind_and_the_hours_set_by_the_shop_are_the_ones_kept(
    shop, post_shopify, runtime, clock, mailbox
):
    shop(
        SETTINGS
        | {
            "care": SETTINGS["care"]
            | {"acknowledge_within_hours": 4, "resolve_within_days": {"defective_item": 2}}
        }
    )
    open_defective_return(post_shopify, ORDER_WITHOUT_ADDRESS)
    worker.run_once(runtime)

    live(runtime, clock, days=5, every=timedelta(hours=2))

    assert [(m["Subject"], parsedate_to_datetime(m["Date"])) for m in mailbox.messages()] == [
        (NOT_ANSWERED, TEST_NOW + timedelta(hours=4)),
        (NOT_RESOLVED, TEST_NOW + timedelta(days=2)),
    ]
    assert "el plazo para este primer mensaje es de 4 horas" in text_of(mailbox.messages()[0])


def test_a_reopened_incident_that_is_late_again_is_alerted_again_once(
    shop, post_shopify, runtime, clock, cli, mailbox
):
    open_defective_return(post_shopify)
    worker.run_once(runtime)
    live(runtime, clock, days=8)  # the first week missed
    cli("incidents", "resolve", "1")
    reopened = clock.now()
    cli("incidents", "reopen", "1")

    live(runtime, clock, days=10)

    alerts = to(mailbox, OWNER)
    assert [(m["Subject"], parsedate_to_datetime(m["Date"])) for m in alerts] == [
        (NOT_RESOLVED, TEST_NOW + timedelta(days=7)),
        (NOT_RESOLVED, reopened + timedelta(days=7)),
    ]
    assert alerts[1]["Message-ID"] == message_id("incident:1:sla:resolution:2", "amends.example")


def test_an_alert_waiting_to_be_sent_does_not_hold_back_the_customers_updates(
    shop, post_shopify, runtime, clock
):
    open_defective_return(post_shopify)
    worker.run_once(runtime)
    live(runtime, clock, days=6)  # acknowledged, updates on days 3 and 6

    for _ in range(4 * 4):  # days 6 to 10, the scheduler alone: nothing is sent
        scheduler.run_due(runtime, now=clock.advance(timedelta(hours=6)))

    with runtime.database.transaction() as session:
        waiting = session.scalars(
            select(OutboxEntry.idempotency_key)
            .where(OutboxEntry.status == "queued")
            .order_by(OutboxEntry.id)
        ).all()
    assert waiting == ["incident:1:sla:resolution", "incident:1:update:3"]


def test_targets_that_cannot_be_read_are_logged_and_checked_again_once_fixed(
    shop, post_shopify, runtime, clock, mailbox, caplog
):
    open_defective_return(post_shopify, ORDER_WITHOUT_ADDRESS)
    worker.run_once(runtime)
    shop({"care": {"merchant_email": "owner at olivar"}})

    live(runtime, clock, days=0.25, every=timedelta(hours=1))

    assert mailbox.messages() == []
    logged = [r for r in caplog.records if r.getMessage() == "incidents.sla-settings-invalid"]
    assert len(logged) == 6  # hours 1 to 6: when it fell due, then every hour until fixed
    assert logged[0].error.startswith("merchant_email must be one e-mail address")
    shop()
    live(runtime, clock, days=0.25, every=timedelta(hours=1))
    (alert,) = mailbox.messages()
    assert alert["Subject"] == NOT_ANSWERED


@pytest.mark.parametrize(
    ("care", "message"),
    [
        (
            {"acknowledge_within_hours": 0},
            "acknowledge_within_hours must be a whole number of hours from 1 to 168",
        ),
        ({"acknowledge_within_hours": "1"}, "acknowledge_within_hours must be a whole number"),
        ({"resolve_within_days": 0}, "resolve_within_days must be a whole number of days from 1"),
        (
            {"resolve_within_days": {"late": 3}},
            "resolve_within_days names no incident kind 'late'; kinds are: defective_item,",
        ),
        (
            {"resolve_within_days": {"defective_item": 120}},
            "resolve_within_days for defective_item must be a whole number of days from 1 to 90",
        ),
        (
            {"merchant_email": "owner at olivar"},
            "merchant_email must be one e-mail address such as owner@shop.example",
        ),
        (
            {"merchant_email": "a@olivar.example, b@olivar.example"},
            "merchant_email must be one e-mail address",
        ),
    ],
)
def test_bad_targets_say_what_to_fix(care, message):
    with pytest.raises(InvalidInput, match=message):
        CareSettings.of({"care": care})


def test_the_targets_act_without_any_configuration_but_alert_nobody():
    care = CareSettings.of({})

    assert (care.acknowledge_within_hours, care.merchant_email) == (1, None)
    assert {kind: care.resolve_within_days(kind) for kind in ("manual", "defective_item")} == {
        "manual": 7,
        "defective_item": 7,
    }
