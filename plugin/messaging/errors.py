"""What can go wrong with a customer message, in the product's error family.

To whoever sends messages the mail server is one more platform: a reply that says
"later" is retried, a reply that says "never" parks the message for a person to
look at. `retryable` answers that question on every class here.
"""

from __future__ import annotations

from plugin.errors import (
    InvalidInput,
    PlatformRejected,
    PlatformUnauthorized,
    PlatformUnavailable,
)
from plugin.messaging.problems import TemplateProblem


class TemplateRejected(InvalidInput):
    """A merchant's template cannot be saved; `problems` says why, one sentence each."""

    def __init__(
        self,
        message: str,
        problems: tuple[str, ...],
        details: tuple[TemplateProblem, ...] = (),
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.details = details  # the same problems as data, for the panel to word


class MailServerUnavailable(PlatformUnavailable):
    """The mail server could not be reached or said "try again later"; retry with backoff.

    `retry_after` is the delay in seconds the server asked for, when its reply named
    one, and None otherwise.
    """

    def __init__(
        self, message: str, *, retry_after: float | None = None, code: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class MailServerRefused(PlatformRejected):
    """The mail server refused the message for good (a 5xx reply); sending it again fails too."""


class RecipientRefused(MailServerRefused):
    """The mail server refused the customer's address; correct the address, do not retry."""


class MailLoginRefused(PlatformUnauthorized):
    """The mail server refused the credentials in AMENDS_SMTP_URL; fix them, then retry."""
