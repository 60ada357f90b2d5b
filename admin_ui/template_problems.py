"""What is wrong with a merchant's template, said in the panel's language beside its field."""

from __future__ import annotations

from admin_ui.i18n import gettext
from admin_ui.labels import N_
from plugin.messaging.problems import TemplateProblem

# `%(line)s` and the like are the problem's values; `%%` is a literal per cent sign.
SENTENCES = {
    "not_a_part": N_("“%(part)s” is not part of a message."),
    "changes_nothing": N_("Nothing here differs from the built-in wording."),
    "html_needs_text": N_("An HTML version needs a text version too, saying the same thing."),
    "not_text": N_("Write text here."),
    "empty": N_("Write something here, or keep the built-in wording."),
    "subject_lines": N_("The subject must fit on one line."),
    "unclosed_block": N_("Line %(line)s: a block is not closed; it needs {%% %(tag)s %%}."),
    "unknown_tag": N_("Line %(line)s: {%% %(tag)s %%} is not something a template can use."),
    "single_brace": N_("Line %(line)s: a {{ is closed with a single } instead of }}."),
    "unclosed": N_(
        "Line %(line)s: something opened is not closed (a {{ without }}, or a {%% without %%})."
    ),
    "out_of_place": N_("Line %(line)s: something is out of place (%(detail)s)."),
    "syntax": N_("Line %(line)s: %(detail)s"),
    "reaches_inside": N_(
        "Line %(line)s reaches inside a value; show variables as they are "
        "(a filter such as |upper changes them)."
    ),
    "brings_in": N_(
        "Line %(line)s brings in another template; a message template stands on its own."
    ),
    "unknown_filter": N_(
        "Line %(line)s uses the filter |%(filter)s, which does not exist here; "
        "you can use %(filters)s."
    ),
    "unknown_variable": N_("Amends does not know %(used)s; you can use %(known)s."),
    "forbidden": N_("This tries to use something a message template may not touch."),
    "sample_failure": N_("This cannot be shown with sample values: %(detail)s"),
    "missing_order": N_("Name the order: write {{ order_name }} in it."),
    "missing_next_update": N_(
        "Say when the customer will hear from you next: write {{ next_update }} in it."
    ),
    "missing_code": N_(
        "Give the customer their code when the compensation is a discount code: "
        "write {{ code }} in it."
    ),
    "missing_refund": N_(
        "Say how much shipping was refunded when the compensation is a shipping refund: "
        "write {{ refund_amount }} in it."
    ),
}


def problem_message(problem: TemplateProblem) -> str:
    """Say one problem in the panel's language, without naming its field (it sits beside it)."""
    sentence = SENTENCES.get(problem.code)
    if sentence is None:
        return str(problem)
    return gettext(sentence, **problem.values)


def problem_json(problem: TemplateProblem) -> dict[str, object]:
    """Return a problem as the API gives it: code, field, sentence in the caller's language."""
    return problem.as_json() | {"message": problem_message(problem)}


def by_field(problems: tuple[TemplateProblem, ...]) -> dict[str, list[str]]:
    """Group the problems' sentences by the field they belong beside ("form" for the whole)."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.part or "form", []).append(problem_message(problem))
    return grouped
