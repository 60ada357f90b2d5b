"""The customer hears from the shop: at once, at the shop's cadence, and at the end, each once.

Against a real SMTP server on loopback: what is counted is what the server accepted.
"""

from __future__ import annotations

import json
import logging
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from plugin import scheduler, worker
from plugin.inbox.processing import process_due
from plugin.incidents import customer
from plugin.messaging.email import message_id
from plugin.storage.models import Incident, OutboxEntry, Shop
from sandboxes.mail import Mailbox
from tests.conftest import TEST_NOW, compensate_nothing, fixture_bytes

# Shipped, so that the only incident the scheduler finds is the return's.
ORDER = json.dumps(
    json.loads(fixture_bytes("shopify/orders_create.json")) | {"fulfillment_status": "fulfilled"}
).encode()
RETURN = fixture_bytes("shopify/returns_request.json")
SENDER = "care@amends.example"
ACKNOWLEDGED_ES = "Hemos recibido su aviso sobre el pedido #1042"
UPDATE_ES = "Novedades sobre el artículo defectuoso del pedido #1042"
RESOLVED_ES = "Artículo defectuoso del pedido #1042: problema resuelto"
THANKS_ES = "le agradecemos de corazón su paciencia y su confianza"


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
        "outbox_retry_base_seconds": 60,
    }


@pytest.fixture
def shopify_shop(shopify_shop, runtime) -> int:
    """A shop that compensates nothing: these tests count e-mail alone.

    What an incident earns, and its execution through the same outbox, is
    test_compensations.py's.
    """
    return compensate_nothing(runtime, shopify_shop)


def text_of(message: EmailMessage) -> str:
    """Return the plain-text part with its lines joined, as a reader reads it."""
    return " ".join(message.get_body(("plain",)).get_content().split())


def sent(mailbox: Mailbox) -> list[tuple[str, str, str]]:
    """Return (recipient, subject, Message-ID) of each message the server accepted."""
    return [(m["To"], m["Subject"], m["Message-ID"]) for m in mailbox.messages()]


def shown(cli, incident_id: int = 1) -> dict:
    result = cli("incidents", "show", str(incident_id), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def outbox(cli, *options: str) -> list[dict]:
    result = cli("outbox", "list", "--json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def open_defective_return(post_shopify, runtime) -> None:
    """Have Lucía's order and her return of a cracked mug reach the worker."""
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)


def test_a_defective_return_is_acknowledged_at_once_in_the_orders_language(
    shopify_shop, post_shopify, runtime, cli, mailbox
):
    open_defective_return(post_shopify, runtime)

    (message,) = mailbox.messages()
    assert (message["To"], message["Subject"], message["Content-Language"]) == (
        "lucia.fernandez@example.es",
        ACKNOWLEDGED_ES,
        "es",
    )
    assert message["From"] == f"amends-demo <{SENDER}>"
    assert message["Message-ID"] == message_id("incident:1:acknowledgement", "amends.example")
    # Opened on Monday 23 November: the next word is promised three days later.
    assert "Le escribiremos de nuevo como muy tarde el 26 de noviembre de 2026" in text_of(message)
    incident = shown(cli)
    assert incident["status"] == "acknowledged"
    assert [(e["type"], e["actor"]) for e in incident["timeline"]] == [
        ("incident_opened", "system"),
        ("message_queued", "system"),
        ("compensation_decided", "system"),  # nothing: this shop compensates nothing
        ("message_sent", "system"),
        ("status_changed", "system"),
    ]
    assert incident["timeline"][4]["detail"] == {
        "from": "open",
        "to": "acknowledged",
        "reason": "acknowledgement sent",
    }
    assert incident["messages"] == [
        {
            "channel": "email",
            "stage": "acknowledgement",
            "locale": "es",
            "status": "sent",
            "idempotency_key": "incident:1:acknowledgement",
            "queued_at": TEST_NOW.isoformat(),
            "sent_at": TEST_NOW.isoformat(),
        }
    ]


def test_the_shops_default_language_speaks_when_the_order_has_none(
    shopify_shop, post_shopify, runtime, mailbox
):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).settings = {"messages": {"locale": "it-IT"}}
    order = json.loads(ORDER) | {"customer_locale": None}
    post_shopify("orders/create", order)
    post_shopify("returns/request", RETURN)

    worker.run_once(runtime)

    (message,) = mailbox.messages()
    assert (message["Content-Language"], message["Subject"]) == (
        "it",
        "Abbiamo ricevuto la sua segnalazione sull'ordine #1042",
    )


@pytest.mark.parametrize(
    ("cadence", "days"),
    [(3, [0, 3, 6]), (2, [0, 2, 4, 6])],
)
def test_updates_come_every_cadence_period_across_the_weekend_and_never_between(
    shopify_shop, post_shopify, runtime, clock, mailbox, cadence, days
):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).settings = {"care": {"update_every_days": cadence}}
    opened = clock.advance(datetime(2026, 11, 27, 17, 0, tzinfo=UTC) - TEST_NOW)  # a Friday
    open_defective_return(post_shopify, runtime)

    every_two_hours = timedelta(hours=2)
    while clock.now() < opened + timedelta(days=7):
        now = clock.advance(every_two_hours)
        scheduler.run_due(runtime, now=now)
        worker.run_once(runtime)

    messages = mailbox.messages()
    dates = [parsedate_to_datetime(m["Date"]) for m in messages]
    assert dates == [opened + timedelta(days=day) for day in days]
    assert [m["Subject"] for m in messages] == [ACKNOWLEDGED_ES] + [UPDATE_ES] * (len(days) - 1)
    assert [m["Message-ID"] for m in messages][1:] == [
        message_id(f"incident:1:update:{n}", "amends.example") for n in range(1, len(days))
    ]


@pytest.mark.parametrize(
    ("timezone", "promised"),
    [("Europe/Madrid", "30 de noviembre de 2026"), ("Pacific/Auckland", "1 de diciembre de 2026")],
)
def test_the_promised_date_is_the_shops_own_day(
    shopify_shop, post_shopify, runtime, clock, mailbox, timezone, promised
):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).settings = {"care": {"timezone": timezone}}
    # Friday 17:00 UTC; three days on it is Monday evening in Madrid, Tuesday in Auckland.
    clock.advance(datetime(2026, 11, 27, 17, 0, tzinfo=UTC) - TEST_NOW)

    open_defective_return(post_shopify, runtime)

    (message,) = mailbox.messages()
    assert f"como muy tarde el {promised}," in text_of(message)


def test_resolving_sends_apology_and_thanks_and_ends_the_updates(
    shopify_shop, post_shopify, runtime, cli, clock, mailbox
):
    open_defective_return(post_shopify, runtime)

    assert cli("incidents", "resolve", "1").exit_code == 0
    worker.run_once(runtime)
    for _ in range(4):
        now = clock.advance(timedelta(days=3))
        scheduler.run_due(runtime, now=now)
        worker.run_once(runtime)

    acknowledgement, resolution = mailbox.messages()
    assert (resolution["Subject"], resolution["Content-Language"]) == (RESOLVED_ES, "es")
    assert THANKS_ES in text_of(resolution)
    assert resolution["Message-ID"] == message_id("incident:1:resolution", "amends.example")
    assert [(m["stage"], m["status"]) for m in shown(cli)["messages"]] == [
        ("acknowledgement", "sent"),
        ("resolution", "sent"),
    ]


def test_a_reopened_incident_is_kept_informed_and_a_second_resolution_is_told_again(
    shopify_shop, post_shopify, runtime, cli, clock, mailbox
):
    open_defective_return(post_shopify, runtime)
    cli("incidents", "resolve", "1")
    worker.run_once(runtime)
    cli("incidents", "reopen", "1")
    scheduler.run_due(runtime, now=clock.advance(timedelta(days=3)))
    worker.run_once(runtime)
    cli("incidents", "resolve", "1")

    worker.run_once(runtime)

    assert [m["idempotency_key"] for m in shown(cli)["messages"]] == [
        "incident:1:acknowledgement",
        "incident:1:resolution",
        "incident:1:update:1",
        "incident:1:resolution:2",
    ]
    assert [subject for _, subject, _ in sent(mailbox)] == [
        ACKNOWLEDGED_ES,
        RESOLVED_ES,
        UPDATE_ES,
        RESOLVED_ES,
    ]


def test_a_delivery_received_or_processed_again_sends_nothing_more(
    shopify_shop, post_shopify, runtime, cli, mailbox
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN, webhook_id="return-1")
    worker.run_once(runtime)

    post_shopify("returns/request", RETURN, webhook_id="return-1")  # Shopify's retry
    post_shopify("returns/request", RETURN, webhook_id="return-2")  # a second subscription
    assert cli("inbox", "retry", "2", "--force").exit_code == 0
    worker.run_once(runtime)

    assert len(sent(mailbox)) == 1
    assert [m["idempotency_key"] for m in outbox(cli)] == ["incident:1:acknowledgement"]


def test_a_decision_taken_twice_queues_one_message(shopify_shop, post_shopify, runtime, cli):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    process_due(runtime.database, runtime.parse, runtime.retry_policy)

    with runtime.database.transaction() as session:
        again = customer.acknowledge(session, session.get(Incident, 1))

    incident = shown(cli)
    assert again is None
    assert [m["idempotency_key"] for m in incident["messages"]] == ["incident:1:acknowledgement"]
    assert [e["type"] for e in incident["timeline"]] == [
        "incident_opened",
        "message_queued",
        "compensation_decided",
    ]


def test_a_mail_server_that_says_later_is_tried_again_when_it_asked_and_sends_once(
    shopify_shop, post_shopify, runtime, cli, clock, mailbox
):
    mailbox.data_reply = "421 4.3.2 System busy, try again in 5 minutes"
    open_defective_return(post_shopify, runtime)

    (waiting,) = outbox(cli)
    assert (waiting["status"], waiting["attempts"], waiting["next_attempt_at"]) == (
        "queued",
        1,
        (TEST_NOW + timedelta(minutes=5)).isoformat(),  # not the 60 s backoff: what it asked
    )
    assert waiting["last_error"].startswith("MailServerUnavailable: the mail server 127.0.0.1:")
    mailbox.data_reply = None
    clock.advance(timedelta(minutes=5) - timedelta(seconds=1))
    worker.run_once(runtime)
    assert (sent(mailbox), outbox(cli)[0]["attempts"]) == ([], 1)

    clock.advance(timedelta(seconds=1))
    worker.run_once(runtime)
    worker.run_once(runtime)

    assert [subject for _, subject, _ in sent(mailbox)] == [ACKNOWLEDGED_ES]
    assert (outbox(cli)[0]["status"], shown(cli)["status"]) == ("sent", "acknowledged")


def test_a_mail_server_that_is_down_loses_nothing_and_sends_once_it_is_back(
    shopify_shop, post_shopify, runtime, cli, clock, mailbox
):
    reachable = runtime.settings
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        down = f"smtp://127.0.0.1:{probe.getsockname()[1]}"
    runtime.settings = replace(reachable, smtp_url=down)
    open_defective_return(post_shopify, runtime)
    clock.advance(timedelta(seconds=60))
    worker.run_once(runtime)  # still down: the third attempt waits 120 s more

    (waiting,) = outbox(cli)
    assert (waiting["status"], waiting["attempts"]) == ("queued", 2)
    assert waiting["next_attempt_at"] == (TEST_NOW + timedelta(seconds=180)).isoformat()
    assert "cannot be reached" in waiting["last_error"]
    runtime.settings = reachable
    clock.advance(timedelta(seconds=120))
    worker.run_once(runtime)
    worker.run_once(runtime)

    assert [subject for _, subject, _ in sent(mailbox)] == [ACKNOWLEDGED_ES]
    assert (outbox(cli)[0]["status"], outbox(cli)[0]["attempts"]) == ("sent", 3)


def test_a_refused_address_parks_the_message_visibly_and_a_retry_sends_it(
    shopify_shop, post_shopify, runtime, cli, mailbox
):
    mailbox.rcpt_reply = "550 5.1.1 Recipient address rejected: User unknown"
    open_defective_return(post_shopify, runtime)

    (parked,) = outbox(cli, "--failed")
    assert (parked["id"], parked["status"], parked["attempts"]) == (1, "failed", 1)
    assert "RecipientRefused" in parked["last_error"]
    incident = shown(cli)
    assert incident["status"] == "open"
    failed = incident["timeline"][-1]
    assert (failed["type"], failed["detail"]["stage"], failed["detail"]["attempts"]) == (
        "message_failed",
        "acknowledgement",
        1,
    )

    mailbox.rcpt_reply = None
    retried = cli("outbox", "retry", "1")
    worker.run_once(runtime)

    assert (retried.exit_code, retried.output) == (0, "message 1 requeued\n")
    assert [subject for _, subject, _ in sent(mailbox)] == [ACKNOWLEDGED_ES]
    assert (outbox(cli, "--failed"), shown(cli)["status"]) == ([], "acknowledged")


def test_outbox_retry_refuses_what_is_not_failed_and_says_why(
    shopify_shop, post_shopify, runtime, cli, mailbox
):
    open_defective_return(post_shopify, runtime)

    again = cli("outbox", "retry", "1")
    unknown = cli("outbox", "retry", "9")

    assert (again.exit_code, again.output) == (
        1,
        f"Error: message 1 was sent already ({TEST_NOW.isoformat()}); a message is sent once\n",
    )
    assert (unknown.exit_code, unknown.output) == (1, "Error: no outbox message with id 9\n")
    assert len(sent(mailbox)) == 1


def test_without_an_smtp_server_messages_wait_queued_and_the_worker_says_so_once(
    shopify_shop, post_shopify, runtime, cli, mailbox, caplog
):
    configured = runtime.settings
    runtime.settings = replace(configured, smtp_url="")
    unconfigured = worker.outbox_runner(runtime)
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)

    with caplog.at_level(logging.WARNING, logger="amends.outbox"):
        worker.run_once(runtime, outbox=unconfigured)
        worker.run_once(runtime, outbox=unconfigured)

    warnings = [(r.msg, r.kind, r.needs) for r in caplog.records if r.name == "amends.outbox"]
    assert warnings == [("outbox.not-configured", "email", "AMENDS_SMTP_URL")]
    assert [(e["status"], e["attempts"]) for e in outbox(cli)] == [("queued", 0)]
    runtime.settings = configured
    worker.run_once(runtime)
    assert [subject for _, subject, _ in sent(mailbox)] == [ACKNOWLEDGED_ES]


def test_updates_do_not_pile_up_behind_a_message_still_waiting_to_go(
    shopify_shop, post_shopify, runtime, cli, clock, mailbox
):
    mailbox.data_reply = "421 4.3.0 Mail system temporarily unavailable"
    open_defective_return(post_shopify, runtime)
    for _ in range(3):  # nine days of a mail server saying "later"
        scheduler.run_due(runtime, now=clock.advance(timedelta(days=3)))
        worker.run_once(runtime)
    mailbox.data_reply = None

    clock.advance(timedelta(hours=1))  # past the last backoff
    worker.run_once(runtime)
    scheduler.run_due(runtime, now=clock.advance(timedelta(days=3)))
    worker.run_once(runtime)

    assert [subject for _, subject, _ in sent(mailbox)] == [ACKNOWLEDGED_ES, UPDATE_ES]


def test_a_customer_without_a_known_address_is_written_to_once_the_order_brings_it(
    shopify_shop, post_shopify, runtime, cli, mailbox
):
    post_shopify("returns/request", RETURN)  # the order is not known yet
    worker.run_once(runtime)

    (skipped,) = [e for e in shown(cli)["timeline"] if e["type"] == "message_skipped"]
    assert (skipped["type"], skipped["detail"]) == (
        "message_skipped",
        {"stage": "acknowledgement", "reason": "no e-mail address is known for the customer"},
    )
    assert (sent(mailbox), outbox(cli)) == ([], [])

    post_shopify("orders/create", ORDER)
    worker.run_once(runtime)

    assert [(to, subject) for to, subject, _ in sent(mailbox)] == [
        ("lucia.fernandez@example.es", ACKNOWLEDGED_ES)
    ]
    assert shown(cli)["status"] == "acknowledged"


def test_an_uninstalled_shops_customers_are_sent_nothing_and_owed_no_updates(
    shopify_shop, post_shopify, runtime, cli, clock, mailbox
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    post_shopify("app/uninstalled", fixture_bytes("shopify/app_uninstalled.json"))

    worker.run_once(runtime)
    for _ in range(3):
        scheduler.run_due(runtime, now=clock.advance(timedelta(days=3)))
        worker.run_once(runtime)

    assert sent(mailbox) == []
    assert [(e["stage"], e["status"], e["attempts"]) for e in outbox(cli)] == [
        ("acknowledgement", "queued", 0)
    ]
    with runtime.database.transaction() as session:
        assert session.scalar(select(Incident.next_due_at)) is None


def test_the_customers_redaction_leaves_no_address_in_the_outbox_and_sends_nothing_more(
    shopify_shop, post_shopify, runtime, cli, mailbox
):
    mailbox.data_reply = "421 4.3.2 System busy, try again in 5 minutes"
    open_defective_return(post_shopify, runtime)

    post_shopify("customers/redact", fixture_bytes("shopify/customers_redact.json"))
    worker.run_once(runtime)

    with runtime.database.transaction() as session:
        (entry,) = session.scalars(select(OutboxEntry))
        assert (entry.status, entry.last_error) == (
            "failed",
            "not sent: the customer's data was erased first",
        )
        assert entry.payload == {
            "incident_kind": "defective_item",
            "stage": "acknowledgement",
            "locale": "es",
            "next_update": "2026-11-26",
        }
