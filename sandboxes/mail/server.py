"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts.

`running(mailbox, ...)` starts one on a free port and stops it afterwards; the
mailbox records each accepted message exactly as it arrived, or answers RCPT or
DATA with a reply chosen for the occasion, as a real server would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope


@dataclass
class Mailbox:
    """The server's side: what it accepted, and the replies it gives instead of accepting."""

    envelopes: list[Envelope] = field(default_factory=list)
    # The login each accepted message was sent under (None: not logged in).
    logins: list[bytes | None] = field(default_factory=list)
    rcpt_reply: str | None = None
    data_reply: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Any, envelope: Envelope, address: str, options: list
    ) -> str:
        """Take the recipient, unless told to refuse it."""
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Envelope) -> str:  # noqa: N802
        """Keep the message as it arrived, unless told to refuse it."""
        if self.data_reply:
            return self.data_reply
        with self.lock:
            self.envelopes.append(envelope)
            self.logins.append(session.auth_data.login if session.authenticated else None)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        """Return the accepted messages, parsed from the exact bytes that arrived."""
        with self.lock:
            envelopes = list(self.envelopes)
        return [
            message_from_bytes(envelope.original_content, policy=policy.default)
            for envelope in envelopes
        ]


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


@contextmanager
def running(mailbox: Mailbox, **options: Any) -> Iterator[LoopbackController]:
    """Run an SMTP server for `mailbox` while the block runs; `options` go to aiosmtpd."""
    controller = LoopbackController(mailbox, **options)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()
