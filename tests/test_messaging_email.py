"""The e-mail around a message: who it is from, where replies go, and how a retry is known."""

from __future__ import annotations

from datetime import date, timedelta
from email import message_from_bytes, policy
from email.headerregistry import Address

import pytest

from plugin.errors import InvalidInput
from plugin.messaging import MessageContext, build_message, render
from plugin.messaging.render import RenderedMessage
from tests.conftest import TEST_NOW

CONTEXT = MessageContext(
    order_name="#1042",
    shop_name="Lumen & Co",
    contact_email="help@lumen.example",
    next_update=date(2026, 11, 26),
)


def build(rendered: RenderedMessage | None = None, **changes):  # noqa: ANN201
    options = {
        "recipient": "anna@example.org",
        "shop_name": "Lumen & Co",
        "sender": "care@amends.example",
        "reply_to": "help@lumen.example",
        "message_key": "incident:7:acknowledgement:1",
        "sent_at": TEST_NOW,
    }
    rendered = rendered or render("defective_item", "acknowledgement", "de", CONTEXT)
    return build_message(rendered, **(options | changes))


def test_the_email_carries_text_then_html_and_says_its_language():
    rendered = render("defective_item", "acknowledgement", "de", CONTEXT)

    message = message_from_bytes(bytes(build(rendered)), policy=policy.default)

    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert message.get_body(("plain",)).get_content() == rendered.text + "\n"
    assert message.get_body(("html",)).get_content() == rendered.html + "\n"
    assert message["Content-Language"] == "de"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "Ihre Meldung zu Bestellung #1042 ist bei uns angekommen"
    assert message["From"].addresses == (Address("Lumen & Co", "care", "amends.example"),)
    assert message["Reply-To"].addresses == (Address("", "help", "lumen.example"),)


def test_a_retry_of_one_message_carries_the_same_message_id():
    first = build()
    again = build(sent_at=TEST_NOW + timedelta(minutes=5))
    next_update = build(message_key="incident:7:update:1")

    assert first["Message-ID"] == again["Message-ID"]
    # The first 32 hex digits of SHA-256("incident:7:acknowledgement:1").
    assert first["Message-ID"] == "<amends.dbbfddbb2df399c1624ddd19642f2497@amends.example>"
    assert next_update["Message-ID"] != first["Message-ID"]


def test_the_date_is_the_runtime_clocks():
    assert build(sent_at=TEST_NOW + timedelta(days=3, hours=2))["Date"] == (
        "Thu, 26 Nov 2026 11:00:00 +0000"
    )


def test_without_a_reply_to_there_is_no_reply_to_header():
    assert build(reply_to=None)["Reply-To"] is None


def test_a_shop_name_or_subject_cannot_smuggle_headers_in():
    rendered = RenderedMessage("en", "Late\r\nBcc: everyone@example.org", "text", "<p>html</p>")

    message = message_from_bytes(
        bytes(build(rendered, shop_name="Lumen\r\nBcc: everyone@example.org")),
        policy=policy.default,
    )

    assert message["Bcc"] is None
    assert message["Subject"] == "Late Bcc: everyone@example.org"
    assert message["From"].addresses[0].display_name == "Lumen Bcc: everyone@example.org"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("recipient", "anna", "the customer's e-mail address 'anna' is not an e-mail address"),
        ("recipient", "anna@example.org\r\nBcc: x@example.org", "customer's e-mail address"),
        ("recipient", "", "the customer's e-mail address '' is not an e-mail address"),
        ("sender", "Amends <care@amends.example>", "the sender 'Amends <care@amends."),
        ("reply_to", "help at lumen", "the reply-to address 'help at lumen' is not an"),
    ],
)
def test_an_address_that_is_not_one_is_refused_naming_which(field, value, reason):
    with pytest.raises(InvalidInput) as refused:
        build(**{field: value})

    assert reason in str(refused.value)
