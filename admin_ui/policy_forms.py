"""Read a policy the panel was sent: YAML text (the editor, the CLI's file) or a JSON document.

Both go through the validator `amends policy import` uses, so the panel and the CLI
accept and refuse the same policies, with the same problems on the same lines.
"""

from __future__ import annotations

from typing import Any

from plugin.compensation.documents import PolicyInvalid, read_policy, read_policy_text
from plugin.compensation.policy import Policy
from plugin.compensation.problems import Problem

MAX_TEXT = 100_000  # characters: a policy of 50 rules is a few thousand


def policy_from(yaml_text: Any = None, document: Any = None) -> Policy:
    """Validate the policy given as `yaml_text`, else as `document`; raise PolicyInvalid."""
    if yaml_text is not None:
        if not isinstance(yaml_text, str):
            raise PolicyInvalid([Problem((), "", "send the policy as YAML text")])
        if len(yaml_text) > MAX_TEXT:
            message = f"is longer than {MAX_TEXT} characters; a policy is far shorter"
            raise PolicyInvalid([Problem((), "", message)])
        return read_policy_text(yaml_text)
    return read_policy(document)


def problems_json(invalid: PolicyInvalid) -> list[dict[str, Any]]:
    """Return each problem with its line, its place in words and the keys it is at."""
    return [
        {
            "line": problem.line,
            "place": problem.place,
            "message": problem.message,
            "path": list(problem.path),
            "text": str(problem),
        }
        for problem in invalid.problems
    ]
