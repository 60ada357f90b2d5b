"""A customer message as text and as HTML, built from the same paragraphs.

Templates write a letter as paragraphs separated by a blank line; a line break
inside a paragraph is kept (a sign-off under its greeting). The plain-text part
and the HTML part come from that one shape, so they always say the same thing.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from plugin.incidents import CUSTOMER_KINDS

# Every kind of incident a customer hears of has its messages; sorted, so listings
# read the same each time.
KINDS = tuple(sorted(CUSTOMER_KINDS))
STAGES = ("acknowledgement", "update", "resolution", "compensation")
TEXT_WIDTH = 76
LINKABLE_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class Letter:
    """A message before it becomes a document: its subject, its text and its HTML body."""

    subject: str
    text: str
    content: Markup


def paragraphs(rendered: str) -> list[list[str]]:
    """Split a rendered letter into paragraphs, each a list of non-blank lines."""
    blocks = re.split(r"\n[ \t]*\n", rendered.strip())
    found = ([line.strip() for line in block.splitlines() if line.strip()] for block in blocks)
    return [lines for lines in found if lines]


def as_text(letter_paragraphs: list[list[str]]) -> str:
    """Write paragraphs as plain text, wrapped for mail readers; links are never broken."""
    return "\n\n".join(
        "\n".join(
            textwrap.fill(line, TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)
            for line in lines
        )
        for lines in letter_paragraphs
    )


def as_html(escaped_paragraphs: list[list[str]]) -> Markup:
    """Write paragraphs as HTML; their text must come escaped (autoescaped rendering)."""
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(Markup(line) for line in lines))
        for lines in escaped_paragraphs
    )


def one_line(subject: str) -> str:
    """Return a subject on one line: a header never carries a line break."""
    return " ".join(subject.split())


def text_link(value: str) -> str:
    """Show a link in plain text: the address itself."""
    return value


def html_link(value: str) -> Markup:
    """Show a web address or an e-mail address as a link; anything else as escaped text."""
    href = _href(value)
    if href is None:
        return escape(value)
    return Markup('<a href="{}">{}</a>').format(href, value)


def _href(value: str) -> str | None:
    scheme = urlsplit(value).scheme.lower()
    if scheme in LINKABLE_SCHEMES:
        return value
    if not scheme and re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+", value):
        return f"mailto:{value}"
    return None
