"""Read what an SMTP server said and decide: try again later, or stop.

SMTP says it in the reply's first digit: 4 is "not now" and 5 is "never" (RFC 5321,
section 4.2.1). A connection that breaks or times out is "not now" too.
"""

from __future__ import annotations

import re
import smtplib
import ssl

from plugin.errors import PlatformError
from plugin.messaging.errors import (
    MailLoginRefused,
    MailServerRefused,
    MailServerUnavailable,
    RecipientRefused,
)

# "try again in 5 minutes", "retry after 300 seconds", "please try again in 1 hour"
RETRY_IN = re.compile(
    r"(?:try|retry)\b[^0-9]{0,20}?(\d+)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|h)\b",
    re.IGNORECASE,
)
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}


def failure_of(error: Exception, server: str, timeout: float) -> PlatformError:
    """Return the product error for an `smtplib` or socket failure talking to `server`."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _recipients_refused(error, server)
    if isinstance(error, smtplib.SMTPAuthenticationError) and error.smtp_code // 100 == 5:
        return MailLoginRefused(
            f"{server} refused the credentials in AMENDS_SMTP_URL ({_reply(error)})",
            code=str(error.smtp_code),
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return _by_reply(error.smtp_code, _reply(error), server)
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailServerRefused(f"{server} does not offer what AMENDS_SMTP_URL asks: {error}")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib reports a reply that never came as a disconnection, from the timeout.
        if isinstance(error.__context__, TimeoutError):
            return MailServerUnavailable(f"{server} did not answer within {timeout:g} s")
        return MailServerUnavailable(f"{server} closed the connection: {error}")
    if isinstance(error, ssl.SSLCertVerificationError):
        return MailServerRefused(f"{server} has a certificate that cannot be trusted: {error}")
    if isinstance(error, TimeoutError):
        return MailServerUnavailable(f"{server} did not answer within {timeout:g} s")
    if isinstance(error, OSError):
        return MailServerUnavailable(f"{server} cannot be reached: {error}")
    return MailServerRefused(f"{server} could not take the message: {error}")


def _recipients_refused(error: smtplib.SMTPRecipientsRefused, server: str) -> PlatformError:
    """Refuse for good only when every refusal was permanent."""
    replies = {
        address: (code, text.decode(errors="replace") if isinstance(text, bytes) else str(text))
        for address, (code, text) in error.recipients.items()
    }
    said = "; ".join(f"{address}: {code} {text}" for address, (code, text) in replies.items())
    if all(code // 100 == 5 for code, _text in replies.values()):
        code = str(next(iter(replies.values()))[0])
        return RecipientRefused(f"{server} refused the recipient ({said})", code=code)
    texts = " ".join(text for _code, text in replies.values())
    return MailServerUnavailable(
        f"{server} cannot take the recipient now ({said})", retry_after=retry_after(texts)
    )


def _by_reply(code: int, text: str, server: str) -> PlatformError:
    if code // 100 == 5:
        return MailServerRefused(f"{server} refused the message: {code} {text}", code=str(code))
    return MailServerUnavailable(
        f"{server} answered {code} {text}", retry_after=retry_after(text), code=str(code)
    )


def retry_after(reply: str) -> float | None:
    """Return the delay a "not now" reply asks for, in seconds, when it names one."""
    match = RETRY_IN.search(reply)
    if match is None:
        return None
    return float(int(match.group(1)) * UNIT_SECONDS[match.group(2)[0].lower()])


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)
