"""The built-in wording of a message as a merchant edits it: plain text with {{ placeholders }}.

The built-in messages are Jinja2 templates whose sentences come from translation
catalogs; a merchant edits one message in one language. So the editor starts from
the built-in message rendered with each value replaced by its placeholder, and
where the message says different things in different cases (a greeting with or
without the first name, the link to the case when there is one, a code or a
refund) those paragraphs come back as `{% if %}` blocks, so the starting point
says what the built-in message says in every case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plugin.messaging.context import VARIABLES
from plugin.messaging.templates import builtin_paragraphs

TOKEN = "[[{}]]"
PLACEHOLDERS = {name: TOKEN.format(name) for name in VARIABLES}


@dataclass(frozen=True)
class Branch:
    """One case of a message: the condition a template tests, and the values that make it."""

    condition: str | None  # None: the case every other branch falls back to
    values: dict[str, str]


def cases(stage: str) -> list[list[Branch]]:
    """Return the ways a stage's message varies, each a list of branches."""
    found = [
        [Branch("customer_first_name", {}), Branch(None, {"customer_first_name": ""})],
        [Branch("incident_url", {}), Branch(None, {"incident_url": ""})],
    ]
    if stage == "compensation":
        free = {"compensation_kind": "free_shipping"}
        refund = {"compensation_kind": "shipping_refund", "code": ""}
        found.append(
            [
                Branch('compensation_kind == "free_shipping"', free),
                Branch('compensation_kind == "shipping_refund"', refund),
                Branch(None, {}),
            ]
        )
    return found


def default_wording(kind: str, stage: str, language: str) -> dict[str, str]:
    """Return the built-in subject and text of a message, as an override would write them."""
    base = PLACEHOLDERS | {"compensation_kind": "percent_coupon"}
    subject, shown = builtin_paragraphs(kind, stage, language, base)
    blocks = [_paragraph(lines) for lines in shown]
    regions = []
    for branches in cases(stage):
        rendered = [
            [
                _paragraph(lines)
                for lines in builtin_paragraphs(kind, stage, language, base | b.values)[1]
            ]
            for b in branches
        ]
        regions.append(_region(blocks, branches, rendered))
    text = "\n\n".join(_assemble(blocks, sorted(regions)))
    return {"subject": _placeholders(subject), "text": _placeholders(text)}


def _paragraph(lines: list[str]) -> str:
    return "\n".join(lines)


def _region(
    blocks: list[str], branches: list[Branch], rendered: list[list[str]]
) -> tuple[int, int, str]:
    """Find where the branches differ from the base message; write that stretch as {% if %}."""
    prefix = min(_common(blocks, other) for other in rendered)
    suffix = min(_common(blocks[::-1], other[::-1]) for other in rendered)
    suffix = min(suffix, *(len(other) - prefix for other in rendered), len(blocks) - prefix)
    middles = ["\n\n".join(other[prefix : len(other) - suffix]) for other in rendered]
    tags = []
    for number, (branch, middle) in enumerate(zip(branches, middles, strict=True)):
        if branch.condition is None:
            tags.append("{% else %}" + middle if middle else "")
        else:
            tags.append(
                ("{% if " if number == 0 else "{% elif ") + branch.condition + " %}" + middle
            )
    return prefix, len(blocks) - suffix, "".join(tags) + "{% endif %}"


def _common(first: list[str], second: list[str]) -> int:
    count = 0
    for one, other in zip(first, second, strict=False):
        if one != other:
            break
        count += 1
    return count


def _assemble(blocks: list[str], regions: list[tuple[int, int, str]]) -> list[str]:
    """Replace each region of the base message by its {% if %} block; regions never overlap."""
    out: list[str] = []
    position = 0
    for start, end, block in regions:
        if start < position:
            raise ValueError("two cases of a built-in message change the same paragraphs")
        out += blocks[position:start]
        out.append(block)
        position = end
    return out + blocks[position:]


def _placeholders(text: str) -> str:
    return re.sub(r"\[\[(\w+)\]\]", r"{{ \1 }}", text)
