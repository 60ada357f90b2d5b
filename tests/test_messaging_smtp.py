"""Customer e-mail goes through a real SMTP server: what arrives, and what a failure means."""

from __future__ import annotations

import socket
import threading
from datetime import date
from email.headerregistry import Address
from urllib.parse import quote

import pytest

from plugin.errors import ConfigurationError
from plugin.messaging import MessageContext, SmtpSender, build_message, render
from plugin.messaging.errors import (
    MailLoginRefused,
    MailServerRefused,
    MailServerUnavailable,
    RecipientRefused,
)
from sandboxes.mail import Mailbox, running
from tests.conftest import TEST_NOW
from tests.mailserver import (
    LOGIN,
    PASSWORD,
    SMTPS_LOGIN,
    Certificate,
    SilentAtQuit,
    check_login,
    self_signed,
)

SHOP = "Магазин «Люмен» & Co"
CREDENTIALS = f"{quote(LOGIN.decode(), safe='')}:{quote(PASSWORD.decode(), safe='')}"


@pytest.fixture
def smtp_port(mailbox: Mailbox):  # noqa: ANN201
    """Run a plain SMTP server on loopback; return its port."""
    with running(mailbox) as server:
        yield server.port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def message():  # noqa: ANN201
    """Return the Russian acknowledgement of a late order #1042, as an e-mail."""
    context = MessageContext(
        order_name="#1042",
        shop_name=SHOP,
        contact_email="help@lumen.example",
        customer_first_name="Анна",
        next_update=date(2026, 11, 26),
        incident_url="https://amends.example/case/7",
    )
    rendered = render("delayed_shipment", "acknowledgement", "ru", context)
    return build_message(
        rendered,
        recipient="anna@example.org",
        shop_name=SHOP,
        sender="care@amends.example",
        reply_to="help@lumen.example",
        message_key="incident:7:acknowledgement:1",
        sent_at=TEST_NOW,
    )


def test_the_message_arrives_with_its_headers_and_both_parts(mailbox, smtp_port, message):
    SmtpSender.from_url(f"smtp://127.0.0.1:{smtp_port}").send(message)

    (envelope,) = mailbox.envelopes
    assert envelope.mail_from == "care@amends.example"
    assert envelope.rcpt_tos == ["anna@example.org"]
    (received,) = mailbox.messages()
    assert received["Subject"] == "Ваш заказ #1042 задерживается"
    assert received["From"].addresses == (Address(SHOP, "care", "amends.example"),)
    assert received["To"].addresses == (Address("", "anna", "example.org"),)
    assert received["Reply-To"].addresses == (Address("", "help", "lumen.example"),)
    assert received["Message-ID"] == message["Message-ID"]
    assert received["Date"] == "Mon, 23 Nov 2026 09:00:00 +0000"
    assert received["Content-Language"] == "ru"
    assert received.get_content_type() == "multipart/alternative"
    text, html = received.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert text.get_content_charset() == "utf-8"
    assert text.get_content() == message.get_body(("plain",)).get_content()
    assert text.get_content().startswith("Здравствуйте, Анна!\n\nВаш заказ #1042")
    assert html.get_content_type() == "text/html"
    assert "Команда магазина Магазин «Люмен» &amp; Co" in html.get_content()


def test_starttls_with_credentials_logs_in_inside_tls(mailbox, message, certificate):
    options = {"tls_context": certificate.server, "require_starttls": True}
    with running(mailbox, authenticator=check_login, auth_required=True, **options) as server:
        url = f"smtp://{CREDENTIALS}@127.0.0.1:{server.port}?starttls=1"
        SmtpSender.from_url(url, ssl_context=certificate.client).send(message)

        url = f"smtp+starttls://{CREDENTIALS}@127.0.0.1:{server.port}"
        SmtpSender.from_url(url, ssl_context=certificate.client).send(message)

    assert [m["Message-ID"] for m in mailbox.messages()] == [message["Message-ID"]] * 2
    assert mailbox.logins == [LOGIN, LOGIN]


def test_smtps_with_credentials_speaks_tls_from_the_first_byte(mailbox, message, certificate):
    with running(mailbox, ssl_context=certificate.server, **SMTPS_LOGIN) as server:
        url = f"smtps://{CREDENTIALS}@127.0.0.1:{server.port}"
        SmtpSender.from_url(url, ssl_context=certificate.client).send(message)

    assert [m["Subject"] for m in mailbox.messages()] == ["Ваш заказ #1042 задерживается"]
    assert mailbox.logins == [LOGIN]


def test_a_refused_password_stops_until_the_settings_change(mailbox, message, certificate):
    with running(mailbox, ssl_context=certificate.server, **SMTPS_LOGIN) as server:
        url = f"smtps://{quote(LOGIN.decode())}:wrong@127.0.0.1:{server.port}"
        with pytest.raises(MailLoginRefused, match="refused the credentials") as refused:
            SmtpSender.from_url(url, ssl_context=certificate.client).send(message)

    assert refused.value.retryable is False
    assert "wrong" not in str(refused.value)
    assert mailbox.envelopes == []


def test_an_untrusted_certificate_is_refused_not_retried(mailbox, message, certificate):
    with running(mailbox, ssl_context=certificate.server) as server:
        sender = SmtpSender.from_url(f"smtps://127.0.0.1:{server.port}")  # the system's CAs
        with pytest.raises(MailServerRefused, match="cannot be trusted") as refused:
            sender.send(message)

    assert refused.value.retryable is False
    assert mailbox.envelopes == []


def test_a_server_without_starttls_is_refused_rather_than_spoken_to_in_clear(mailbox, message):
    with running(mailbox) as server:
        sender = SmtpSender.from_url(f"smtp+starttls://127.0.0.1:{server.port}")
        with pytest.raises(MailServerRefused, match="STARTTLS") as refused:
            sender.send(message)

    assert refused.value.retryable is False
    assert mailbox.envelopes == []


def test_a_refused_recipient_is_not_retried(mailbox, smtp_port, message):
    mailbox.rcpt_reply = "550 5.1.1 <anna@example.org>: Recipient address rejected"

    with pytest.raises(RecipientRefused, match="Recipient address rejected") as refused:
        SmtpSender.from_url(f"smtp://127.0.0.1:{smtp_port}").send(message)

    assert refused.value.retryable is False
    assert refused.value.code == "550"
    assert mailbox.envelopes == []


def test_a_greylisted_recipient_is_retried_after_the_delay_the_server_names(
    mailbox, smtp_port, message
):
    mailbox.rcpt_reply = "451 4.7.1 Greylisted, please try again in 5 minutes"

    with pytest.raises(MailServerUnavailable) as deferred:
        SmtpSender.from_url(f"smtp://127.0.0.1:{smtp_port}").send(message)

    assert deferred.value.retryable is True
    assert deferred.value.retry_after == 300.0
    assert mailbox.envelopes == []


@pytest.mark.parametrize(
    ("reply", "error", "retry_after"),
    [
        ("452 4.3.1 Insufficient system storage", MailServerUnavailable, None),
        ("421 4.7.0 Try again in 90 seconds", MailServerUnavailable, 90.0),
        ("554 5.7.1 Message refused as spam", MailServerRefused, None),
    ],
)
def test_a_reply_to_the_content_says_whether_to_try_again(
    mailbox, smtp_port, message, reply, error, retry_after
):
    mailbox.data_reply = reply

    with pytest.raises(error) as failed:
        SmtpSender.from_url(f"smtp://127.0.0.1:{smtp_port}").send(message)

    assert failed.value.retryable is (reply[0] == "4")
    assert getattr(failed.value, "retry_after", None) == retry_after
    assert failed.value.code == reply[:3]


def test_a_server_that_cannot_be_reached_is_retried(message):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    # The port is free again: nothing listens there.

    with pytest.raises(MailServerUnavailable, match="cannot be reached") as unavailable:
        SmtpSender.from_url(f"smtp://127.0.0.1:{port}").send(message)

    assert unavailable.value.retryable is True
    assert unavailable.value.retry_after is None


def test_a_server_that_never_greets_times_out_and_is_retried(message):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens, never answers
        sender = SmtpSender.from_url(f"smtp://127.0.0.1:{silent.getsockname()[1]}", timeout=0.2)
        with pytest.raises(MailServerUnavailable, match="did not answer within 0.2 s") as late:
            sender.send(message)

    assert late.value.retryable is True


def test_once_the_server_took_the_message_a_silent_goodbye_is_no_failure(mailbox, message):
    with running(mailbox, server_class=SilentAtQuit) as server:
        SmtpSender.from_url(f"smtp://127.0.0.1:{server.port}", timeout=0.2).send(message)

    assert [m["Message-ID"] for m in mailbox.messages()] == [message["Message-ID"]]


def test_the_caller_hears_the_message_was_taken_before_the_goodbye(mailbox, message):
    goodbye = threading.Event()

    class NotesGoodbye(SilentAtQuit):
        async def smtp_QUIT(self, arg: str) -> None:
            goodbye.set()
            await super().smtp_QUIT(arg)

    heard_goodbye_first = []
    with running(mailbox, server_class=NotesGoodbye) as server:
        SmtpSender.from_url(f"smtp://127.0.0.1:{server.port}", timeout=0.2).send(
            message, on_accepted=lambda: heard_goodbye_first.append(goodbye.is_set())
        )

    # Recorded while the server was still to be told goodbye, which it never answers.
    assert (heard_goodbye_first, goodbye.is_set()) == ([False], True)


def test_a_refused_message_is_never_said_to_be_taken(mailbox, smtp_port, message):
    mailbox.data_reply = "554 5.7.1 Message rejected as spam"
    taken = []

    with pytest.raises(MailServerRefused):
        SmtpSender.from_url(f"smtp://127.0.0.1:{smtp_port}").send(
            message, on_accepted=lambda: taken.append(True)
        )

    assert taken == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", ("mail.example", 25, "none", None, None)),
        ("smtp://127.0.0.1:2525", ("127.0.0.1", 2525, "none", None, None)),
        (
            "smtp://user:pass@mail.example:587?starttls=1",
            ("mail.example", 587, "starttls", "user", "pass"),
        ),
        ("smtp://mail.example?starttls=0", ("mail.example", 25, "none", None, None)),
        (
            "smtp+starttls://apikey:p%40ss%2Fw%3Ard@smtp.provider.example",
            ("smtp.provider.example", 587, "starttls", "apikey", "p@ss/w:rd"),
        ),
        (
            "smtps://care%40shop.example:secret@smtp.provider.example",
            ("smtp.provider.example", 465, "tls", "care@shop.example", "secret"),
        ),
        ("SMTPS://smtp.provider.example:2465", ("smtp.provider.example", 2465, "tls", None, None)),
    ],
)
def test_the_url_forms_amends_smtp_url_takes(url, expected):
    sender = SmtpSender.from_url(url)

    assert (sender.host, sender.port, sender.security, sender.username, sender.password) == expected
    assert sender.timeout == 10.0


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mail.example:25", "must start with smtp://, smtp+starttls://, smtps://"),
        ("http://mail.example", "must start with smtp://"),
        ("smtp://", "names no host"),
        ("smtp://mail.example:smtp", "bad port"),
        ("smtp://user:pass@mail.example", "would send its password unencrypted"),
        ("smtp://mail.example?tls=1", "unknown option(s) tls"),
        ("smtps://mail.example?starttls=1", "goes with smtp:// only"),
        ("smtp://mail.example?starttls=maybe", "?starttls=1 or ?starttls=0"),
    ],
)
def test_a_url_that_would_fail_later_is_refused_at_once(url, reason):
    with pytest.raises(ConfigurationError) as refused:
        SmtpSender.from_url(url)

    assert reason in str(refused.value)
    assert "pass" not in str(refused.value).replace("password", "")


def test_the_password_is_never_shown():
    sender = SmtpSender.from_url("smtps://user:hunter2@mail.example")

    assert "hunter2" not in repr(sender)
