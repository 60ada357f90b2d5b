"""A real SMTP server on loopback for the tests (the sandbox mailbox), and its test extras.

The server and its mailbox are sandboxes.mail's; here are what only tests need: a
login the server checks, a server that never answers QUIT, and a self-signed
certificate for SMTPS and STARTTLS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOGIN = b"shop@amends.example"
PASSWORD = b"s3cret p@ss/:"


def check_login(server: SMTP, session: Any, envelope: Envelope, mechanism: str, data: Any):
    """Accept the one test account, as a provider's submission server would."""
    accepted = isinstance(data, LoginPassword) and (data.login, data.password) == (LOGIN, PASSWORD)
    # handled=False: aiosmtpd then answers a refusal with 535 itself.
    return AuthResult(success=accepted, handled=False, auth_data=data if accepted else None)


class SilentAtQuit(SMTP):
    """A server that takes the message, then never answers QUIT."""

    async def smtp_QUIT(self, arg: str) -> None:
        await asyncio.sleep(3600)


# aiosmtpd offers AUTH only after STARTTLS unless told otherwise; over implicit TLS
# (SMTPS) the connection is encrypted from the start, so it may offer it at once.
SMTPS_LOGIN = {"auth_require_tls": False, "authenticator": check_login}


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
