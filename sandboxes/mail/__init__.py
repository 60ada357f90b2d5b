"""A sandbox mailbox: the customers' side of the mail, on loopback.

A real SMTP server (aiosmtpd) takes every message Amends sends and keeps the
exact bytes that arrived; a small web page lists them and shows each one as its
reader sees it, in its language. The demo points Amends' AMENDS_SMTP_URL at it;
the tests use the same recording server.
"""

from sandboxes.mail.server import LoopbackController, Mailbox, running
from sandboxes.mail.viewer import create_viewer

__all__ = ["LoopbackController", "Mailbox", "create_viewer", "running"]
