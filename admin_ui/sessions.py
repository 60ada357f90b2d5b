"""Cookie sessions for the admin only.

Flask opens the signed session cookie on every request, before routing. Only the
admin reads or writes it (the OAuth state of a store connection); webhook
deliveries and health checks carry no cookie worth reading, and on the intake's
hot path building the signer for each request is measurable. Outside the admin,
requests get Flask's null session, which refuses to be written to.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class AdminSessions(SecureCookieSessionInterface):
    """Signed cookie sessions under `prefix`; none elsewhere."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip("/") + "/"

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Open the cookie for admin paths; elsewhere return None (Flask's null session)."""
        if request.path != self.prefix.rstrip("/") and not request.path.startswith(self.prefix):
            return None
        return super().open_session(app, request)
