"""What can go wrong with a customer message, in the product's error family."""

from __future__ import annotations

from plugin.errors import InvalidInput


class TemplateRejected(InvalidInput):
    """A merchant's template cannot be saved; `problems` says why, one sentence each."""

    def __init__(self, message: str, problems: tuple[str, ...]) -> None:
        super().__init__(message)
        self.problems = problems
