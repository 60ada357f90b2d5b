"""Access tokens the store honours: the configured one and those it issued.

Shopify issues offline tokens (`shpat_`, no expiry unless asked for an expiring one:
1 h, with a 90-day refresh token), online tokens (`shpua_`, per user, 24 h here) and
one-time authorization codes (platforms/shopify.md §5.4, §5.6). Expiry is judged on
the sandbox clock. Not thread-safe by itself: the store's lock guards it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

ACCESS_TOKEN_SECONDS = 3600
REFRESH_TOKEN_SECONDS = 7_776_000
ONLINE_TOKEN_SECONDS = 86_400


@dataclass
class Grant:
    """What a token lets its bearer do, and until when."""

    app: str
    scope: str
    expires_at: float | None = None
    online: bool = False


@dataclass
class CodeGrant:
    """A one-time authorization code from the OAuth redirect."""

    app: str
    scope: str
    redirect_uri: str
    online: bool
    used: bool = False


@dataclass
class TokenBook:
    """Every token, refresh token and authorization code the store knows."""

    access: dict[str, Grant] = field(default_factory=dict)
    refresh: dict[str, Grant] = field(default_factory=dict)
    codes: dict[str, CodeGrant] = field(default_factory=dict)

    def grant_for(self, token: str | None, now: float) -> Grant | None:
        """Return the grant of a live access token, or None."""
        grant = self.access.get(token or "")
        if grant is None or (grant.expires_at is not None and grant.expires_at <= now):
            return None
        return grant

    def accept(self, token: str, app: str, scope: str) -> None:
        """Honour a token handed to the sandbox at start (non-expiring, offline)."""
        self.access[token] = Grant(app=app, scope=scope)

    def issue_code(self, app: str, scope: str, redirect_uri: str, online: bool) -> str:
        """Return a fresh authorization code."""
        code = secrets.token_hex(16)
        self.codes[code] = CodeGrant(app, scope, redirect_uri, online)
        return code

    def redeem_code(self, code: str, app: str | None) -> CodeGrant | None:
        """Use an authorization code once; None when unknown, used, or another app's."""
        grant = self.codes.get(code)
        if grant is None or grant.used or (app is not None and grant.app != app):
            return None
        grant.used = True
        return grant

    def issue(
        self, app: str, scope: str, now: float, *, online: bool = False, expiring: bool = False
    ) -> dict[str, object]:
        """Issue an access token; return the OAuth answer's fields."""
        prefix = "shpua_" if online else "shpat_"
        token = prefix + secrets.token_hex(16)
        answer: dict[str, object] = {"access_token": token, "scope": scope}
        expires_at = None
        if online:
            expires_at = now + ONLINE_TOKEN_SECONDS
            answer["expires_in"] = ONLINE_TOKEN_SECONDS
        elif expiring:
            expires_at = now + ACCESS_TOKEN_SECONDS
            refresh_token = "shprt_" + secrets.token_hex(16)
            self.refresh[refresh_token] = Grant(app, scope, now + REFRESH_TOKEN_SECONDS)
            answer.update(
                expires_in=ACCESS_TOKEN_SECONDS,
                refresh_token=refresh_token,
                refresh_token_expires_in=REFRESH_TOKEN_SECONDS,
            )
        self.access[token] = Grant(app, scope, expires_at, online)
        return answer

    def use_refresh(self, refresh_token: str, app: str | None, now: float) -> Grant | None:
        """Return the grant behind a live refresh token, or None.

        The previous refresh token stays valid until it expires: Shopify keeps it for
        a grace period after a refresh, and the sandbox does not time that period.
        """
        grant = self.refresh.get(refresh_token)
        if grant is None or (app is not None and grant.app != app):
            return None
        if grant.expires_at is not None and grant.expires_at <= now:
            return None
        return grant

    def revoke_all(self) -> None:
        """Forget every token and code (the app was uninstalled)."""
        self.access.clear()
        self.refresh.clear()
        self.codes.clear()
