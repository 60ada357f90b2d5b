"""Messages to the merchant (a quality alert): written when decided, in plain words."""

from __future__ import annotations

from markupsafe import escape

from plugin.messaging.letter import as_html, as_text, paragraphs
from plugin.messaging.render import RenderedMessage
from plugin.messaging.templates import html_document

LANGUAGE = "en"


def merchant_message(subject: str, text: str) -> RenderedMessage:
    """Turn a subject and paragraphs of text into a message, as text and as HTML."""
    blocks = paragraphs(text)
    escaped = [[str(escape(line)) for line in lines] for lines in blocks]
    html = html_document(LANGUAGE, subject, as_html(escaped))
    return RenderedMessage(language=LANGUAGE, subject=subject, text=as_text(blocks), html=html)
