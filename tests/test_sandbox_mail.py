"""The sandbox mailbox shows every message it received as its reader sees it."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import pytest

from sandboxes.mail import Mailbox, create_viewer, running


@pytest.fixture
def delivered() -> Mailbox:
    mailbox = Mailbox()
    message = EmailMessage()
    message["From"], message["To"] = "Casa Olivar <care@amends.example>", "lucia@example.es"
    message["Subject"] = "Su pedido #1042 se está retrasando"
    message.set_content("Hola Lucía, su pedido se está retrasando.")
    message.add_alternative("<p>Hola <b>Lucía</b>, su pedido se está retrasando.</p>", "html")
    message["Content-Language"] = "es"  # after the parts: setting content clears Content-*
    with running(mailbox) as server, smtplib.SMTP("127.0.0.1", server.port) as smtp:
        smtp.send_message(message)
    return mailbox


def test_the_list_names_each_message_with_its_language(delivered):
    client = create_viewer(delivered).test_client()

    page = client.get("/").get_data(as_text=True)
    listing = client.get("/messages.json").get_json()["messages"]

    assert "Su pedido #1042 se está retrasando" in page
    assert [(m["to"], m["language"]) for m in listing] == [("lucia@example.es", "es")]


def test_a_message_shows_its_html_and_its_text(delivered):
    client = create_viewer(delivered).test_client()

    html, text = client.get("/messages/1"), client.get("/messages/1.txt")

    assert html.content_type.startswith("text/html")
    assert "<b>Lucía</b>" in html.get_data(as_text=True)
    assert text.get_data(as_text=True).strip() == "Hola Lucía, su pedido se está retrasando."


def test_a_message_that_never_arrived_is_not_found(delivered):
    assert create_viewer(delivered).test_client().get("/messages/2").status_code == 404
