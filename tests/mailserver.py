"""A real SMTP server on loopback for the tests (aiosmtpd), and what it received.

`running(mailbox, ...)` starts one on a free port and stops it afterwards; the
mailbox records each accepted message exactly as it arrived, or answers RCPT or
DATA with a reply a test chooses, as a real server would.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOGIN = b"shop@amends.example"
PASSWORD = b"s3cret p@ss/:"


@dataclass
class Mailbox:
    """The server's side: what it accepted, and the replies it gives instead of accepting."""

    envelopes: list[Envelope] = field(default_factory=list)
    # The login each accepted message was sent under (None: not logged in).
    logins: list[bytes | None] = field(default_factory=list)
    rcpt_reply: str | None = None
    data_reply: str | None = None

    async def handle_RCPT(
        self, server: SMTP, session: Any, envelope: Envelope, address: str, options: list
    ) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Envelope) -> str:
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        self.logins.append(session.auth_data.login if session.authenticated else None)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        """Return the accepted messages, parsed from the exact bytes that arrived."""
        return [
            message_from_bytes(envelope.original_content, policy=policy.default)
            for envelope in self.envelopes
        ]


def check_login(server: SMTP, session: Any, envelope: Envelope, mechanism: str, data: Any):
    """Accept the one test account, as a provider's submission server would."""
    accepted = isinstance(data, LoginPassword) and (data.login, data.password) == (LOGIN, PASSWORD)
    # handled=False: aiosmtpd then answers a refusal with 535 itself.
    return AuthResult(success=accepted, handled=False, auth_data=data if accepted else None)


class SilentAtQuit(SMTP):
    """A server that takes the message, then never answers QUIT."""

    async def smtp_QUIT(self, arg: str) -> None:
        await asyncio.sleep(3600)


class LoopbackController(Controller):
    """aiosmtpd's controller on 127.0.0.1 and a port the system picks."""

    def __init__(self, handler: Any, server_class: type[SMTP] = SMTP, **options: Any) -> None:
        super().__init__(handler, hostname="127.0.0.1", port=0, **options)
        self.server_class = server_class

    def factory(self) -> SMTP:
        """Build the protocol, as Controller does, from `server_class`."""
        return self.server_class(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


# aiosmtpd offers AUTH only after STARTTLS unless told otherwise; over implicit TLS
# (SMTPS) the connection is encrypted from the start, so it may offer it at once.
SMTPS_LOGIN = {"auth_require_tls": False, "authenticator": check_login}


@contextmanager
def running(mailbox: Mailbox, **options: Any) -> Iterator[LoopbackController]:
    """Run an SMTP server for `mailbox` while the block runs; `options` go to aiosmtpd."""
    controller = LoopbackController(mailbox, **options)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1: the server's context and a client that trusts it."""

    server: ssl.SSLContext
    client: ssl.SSLContext


def self_signed(directory: Path) -> Certificate:
    """Make a certificate for 127.0.0.1 and the contexts using it.

    OpenSSL checks validity against the real time, not the test clock, so the
    certificate is valid around the real present, whatever date the tests run on.
    """
    now = datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    return Certificate(server=server, client=ssl.create_default_context(cafile=str(cert_file)))
