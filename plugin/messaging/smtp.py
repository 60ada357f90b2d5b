"""Send e-mail through the SMTP server named by AMENDS_SMTP_URL.

    smtp://host:port                        plain, as to a relay on the same network
    smtp://user:pass@host:port?starttls=1   upgraded with STARTTLS, then logged in
    smtp+starttls://user:pass@host:port     the same, port 587 unless given
    smtps://user:pass@host:port             TLS from the first byte, port 465 unless given

Credentials travel only inside TLS. Every connection has a timeout; every failure
becomes an error of the product's family that says whether to try again.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from functools import cached_property
from typing import Literal
from urllib.parse import parse_qs, unquote, urlsplit

from plugin.errors import ConfigurationError, PlatformError
from plugin.messaging.smtp_errors import failure_of

log = logging.getLogger("amends.messaging")

Security = Literal["none", "starttls", "tls"]
SCHEMES: dict[str, tuple[Security, int]] = {
    "smtp": ("none", 25),
    "smtp+starttls": ("starttls", 587),
    "smtps": ("tls", 465),
}
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class SmtpSender:
    """One SMTP server and how to talk to it; each `send` is one connection."""

    host: str
    port: int
    security: Security = "none"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_url(
        cls, url: str, *, timeout: float = 10.0, ssl_context: ssl.SSLContext | None = None
    ) -> SmtpSender:
        """Read AMENDS_SMTP_URL; refuse a form that would fail, or leak a password, later.

        `ssl_context` decides which certificates are trusted: the system's by default.
        """
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise ConfigurationError(
                f"AMENDS_SMTP_URL must start with {', '.join(f'{s}://' for s in SCHEMES)}; "
                f"got {scheme + '://' if scheme else 'no scheme'}"
            )
        security, default_port = SCHEMES[scheme]
        security = _starttls_option(scheme, parts.query, security)
        try:
            port = parts.port or default_port
        except ValueError as error:
            raise ConfigurationError(f"AMENDS_SMTP_URL has a bad port: {error}") from error
        if not parts.hostname:
            raise ConfigurationError("AMENDS_SMTP_URL names no host, e.g. smtp://mail.example:25")
        username = unquote(parts.username) if parts.username else None
        if username and security == "none":
            raise ConfigurationError(
                "AMENDS_SMTP_URL would send its password unencrypted: use smtp+starttls://, "
                "smtps://, or add ?starttls=1"
            )
        password = unquote(parts.password) if parts.password else None
        return cls(parts.hostname, port, security, username, password, timeout, ssl_context)

    def send(self, message: EmailMessage, on_accepted: Callable[[], None] | None = None) -> None:
        """Hand `message` to the server; raise a PlatformError saying whether to retry.

        Once the server has accepted the message, nothing that happens while saying
        goodbye makes this fail: reporting a failure then would send it twice. For
        the same reason `on_accepted` is called as soon as the server has taken it,
        before the goodbye (a server may take its time answering QUIT): whoever
        must remember that the message went records it there.
        """
        try:
            client = self._connect()
        except (smtplib.SMTPException, OSError) as error:
            raise self._failure(error) from error
        try:
            refused = client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            client.close()
            raise self._failure(error) from error
        try:
            if not refused and on_accepted is not None:
                on_accepted()
        finally:
            _quit(client)
        if refused:
            raise self._failure(smtplib.SMTPRecipientsRefused(refused))
        log.debug(
            "messaging.smtp.sent",
            extra={"host": self.host, "message_id": message["Message-ID"]},
        )

    def _connect(self) -> smtplib.SMTP:
        """Open a session: TLS as configured, then log in when credentials were given."""
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host,
                self.port,
                local_hostname=self._local_hostname,
                timeout=self.timeout,
                context=self._tls_context,
            )
        else:
            client = smtplib.SMTP(
                self.host, self.port, local_hostname=self._local_hostname, timeout=self.timeout
            )
        try:
            if self.security == "starttls":
                client.starttls(context=self._tls_context)
            if self.username:
                client.login(self.username, self.password or "")
        except (smtplib.SMTPException, OSError):
            client.close()
            raise
        return client

    @cached_property
    def _tls_context(self) -> ssl.SSLContext:
        """Return the TLS context, the system's trust store read once per sender.

        Reading the trust store costs tens of milliseconds of CPU, more than the rest
        of a message's sending; a plain smtp:// connection never needs it.
        """
        return self.ssl_context or ssl.create_default_context()

    @cached_property
    def _local_hostname(self) -> str:
        """Return the name this host greets with (EHLO), looked up once per sender.

        smtplib would look it up (a reverse DNS query) for every connection, which on
        a host with a slow resolver costs more than sending the message.
        """
        return socket.getfqdn()

    def _failure(self, error: Exception) -> PlatformError:
        return failure_of(error, f"the mail server {self.host}:{self.port}", self.timeout)


def _starttls_option(scheme: str, query: str, security: Security) -> Security:
    """Read `?starttls=1`, the only option a URL takes, and only on smtp://."""
    options = parse_qs(query, keep_blank_values=True)
    unknown = set(options) - {"starttls"}
    if unknown:
        raise ConfigurationError(
            f"AMENDS_SMTP_URL has unknown option(s) {', '.join(sorted(unknown))}; "
            "the only one is ?starttls=1"
        )
    if "starttls" not in options:
        return security
    value = options["starttls"][-1].lower()
    if scheme != "smtp" or value not in TRUE | FALSE:
        raise ConfigurationError(
            "AMENDS_SMTP_URL: ?starttls=1 or ?starttls=0 goes with smtp:// only"
        )
    return "starttls" if value in TRUE else "none"


def _quit(client: smtplib.SMTP) -> None:
    """Say goodbye politely; the message is delivered whatever the answer."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
