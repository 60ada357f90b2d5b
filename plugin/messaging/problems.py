"""What can be wrong with a merchant's template, as data the panel can word in any language.

Each problem has a code, the part of the message it is in and the values its
sentence needs; `str()` gives the English sentence the CLI and the logs use, and
the panel words the same code in the merchant's language beside the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PART_NAMES = {"subject": "subject", "text": "text", "html": "HTML version"}

# The English sentence of each code; `{name}` is the part's name.
ENGLISH = {
    "not_a_part": "“{part}” is not part of a message",
    "changes_nothing": "it changes nothing: give a subject, a text or an HTML version",
    "html_needs_text": "an HTML version needs a text version too, saying the same thing",
    "not_text": "the {name} must be text",
    "empty": "the {name} is empty; leave it out to keep the built-in one",
    "subject_lines": "the subject must fit on one line",
    "unclosed_block": "the {name} has a mistake on line {line}: a block is not closed, "
    "it needs {{% {tag} %}}",
    "unknown_tag": "the {name} has a mistake on line {line}: {{% {tag} %}} is not something "
    "a template can use",
    "single_brace": "the {name} has a mistake on line {line}: a {{{{ is closed with a single }} "
    "instead of }}}}",
    "unclosed": "the {name} has a mistake on line {line}: something opened is not closed "
    "(a {{{{ without }}}}, or a {{% without %}})",
    "out_of_place": "the {name} has a mistake on line {line}: something is out of place ({detail})",
    "syntax": "the {name} has a mistake on line {line}: {detail}",
    "reaches_inside": "the {name} reaches inside a value on line {line}; a template shows "
    "variables as they are (use a filter such as |upper to change them)",
    "brings_in": "the {name} brings in another template on line {line}; "
    "a message template stands on its own",
    "unknown_filter": "the {name} uses the filter |{filter} on line {line}, which does not "
    "exist here; you can use {filters}",
    "unknown_variable": "the {name} uses {used}, which Amends does not know; you can use {known}",
    "forbidden": "the {name} tries to use something a message template may not touch",
    "sample_failure": "the {name} cannot be shown with sample values: {detail}",
    "missing_order": "the {name} never names the order; write {{{{ order_name }}}} in it",
    "missing_next_update": "the {name} does not say when the customer hears from the shop "
    "next; write {{{{ next_update }}}} in it",
    "missing_code": "the {name} does not give the customer their code when the compensation "
    "is a discount code; write {{{{ code }}}} in it",
    "missing_refund": "the {name} does not say how much shipping was refunded when the "
    "compensation is a shipping refund; write {{{{ refund_amount }}}} in it",
}


@dataclass(frozen=True)
class TemplateProblem:
    """One thing to change before a template can be saved."""

    code: str
    part: str | None = None  # subject, text or html; None when about the whole message
    values: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        """Say the problem in English, naming the part it is in."""
        name = PART_NAMES.get(self.part or "", "")
        return ENGLISH[self.code].format(name=name, **self.values)

    def as_json(self) -> dict[str, object]:
        """Return the problem as the panel's API gives it."""
        return {"code": self.code, "part": self.part, "values": self.values, "message": str(self)}
