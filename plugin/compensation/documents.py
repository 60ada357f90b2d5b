"""Read a policy from the file a merchant wrote, and write it out for them to edit.

A file is YAML (JSON is read too, being nearly YAML). Reading finds every problem
at once, each with its line, so a merchant fixes a file in one pass; a file with
any problem gives no policy at all.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from pydantic import ValidationError

from plugin.compensation.policy import Policy
from plugin.compensation.problems import Problem, problem_at, problems_of, shown
from plugin.errors import InvalidInput


class PolicyInvalid(InvalidInput):
    """A policy document has problems; `problems` lists every one, with its place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        listed = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"the compensation policy has {count}:\n{listed}")


def read_policy(document: Any) -> Policy:
    """Validate a policy document (parsed YAML or JSON); raise PolicyInvalid with every problem."""
    if not isinstance(document, dict):
        message = (
            "a policy is a group of settings "
            "(version, currency, vip, caps, approval, refunds, rules), "
            + ("but this one is empty" if document is None else f"got {shown(document)}")
        )
        raise PolicyInvalid([Problem((), "", message)])
    try:
        policy = Policy.model_validate(document)
        problems: list[Problem] = []
    except ValidationError as error:
        problems = problems_of(error, document)
    problems += _across_rules(document)
    if problems:
        raise PolicyInvalid(problems)
    return policy


def read_policy_text(text: str) -> Policy:
    """Read a policy from a file's text; problems carry the line they are on."""
    try:
        document = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise PolicyInvalid([Problem((), "", f"cannot be read: {error.problem}", line)]) from error
    except yaml.YAMLError as error:
        raise PolicyInvalid([Problem((), "", f"cannot be read: {error}")]) from error
    try:
        return read_policy(document)
    except PolicyInvalid as invalid:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        located = [_with_line(problem, root) for problem in invalid.problems]
        located.sort(key=lambda problem: problem.line or 0)
        raise PolicyInvalid(located) from invalid


def policy_yaml(policy: Policy, header: str = "") -> str:
    """Write a policy as YAML a merchant edits, keys in the order they are explained."""
    comment = "".join(f"# {line}\n" for line in header.splitlines())
    body = yaml.safe_dump(policy.document(), sort_keys=False, allow_unicode=True)
    return comment + body


def policy_json(policy: Policy) -> str:
    """Write a policy as JSON."""
    return json.dumps(policy.document(), indent=2, ensure_ascii=False)


def _across_rules(document: dict[str, Any]) -> list[Problem]:
    """Find what no single rule shows: two rules of one name, a VIP rule without VIPs."""
    rules = document.get("rules")
    if not isinstance(rules, list):
        return []
    found: list[Problem] = []
    seen: dict[str, int] = {}
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        name = rule.get("name")
        if isinstance(name, str) and name.strip():
            first = seen.setdefault(name.strip().casefold(), index)
            if first != index:
                message = f"is also rule {first + 1}'s name; give each rule its own"
                found.append(problem_at(("rules", index, "name"), document, message))
        when = rule.get("when")
        if isinstance(when, dict) and when.get("customer") == "vip" and not document.get("vip"):
            message = "is vip, but the policy has no vip section saying who is a VIP"
            found.append(problem_at(("rules", index, "when", "customer"), document, message))
    return found


def _with_line(problem: Problem, root: yaml.Node | None) -> Problem:
    """Return the problem with the line of the deepest part of its path the file has.

    A setting's line is its key's; a list item's is where the item starts.
    """
    node, line = root, root.start_mark.line + 1 if root is not None else None
    for key in problem.path:
        found = _child(node, key)
        if found is None:
            break
        node, line = found[0], found[1].start_mark.line + 1
    return Problem(problem.path, problem.place, problem.message, line)


def _child(node: yaml.Node | None, key: str | int) -> tuple[yaml.Node, yaml.Node] | None:
    """Return the node under `key` of a mapping or item `key` of a sequence, and where it starts."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return value_node, key_node
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key], node.value[key]
    return None


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice instead of keeping the last."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping; say where a key repeats."""
        keys: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(
                    None, None, f"{key!r} is given twice", key_node.start_mark
                )
            keys.add(key)
        return super().construct_mapping(node, deep=deep)
