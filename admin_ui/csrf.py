"""Form tokens: every form of the panel carries one, bound to its caller and short-lived.

A token names who the page was rendered for (the caller's actor and shop, and the
sign-in of a standalone session), is signed with the app's secret and lasts two
hours. A form posted from another site cannot carry a token for the merchant.
"""

from __future__ import annotations

import secrets

from flask import g, session

from admin_ui import signed
from admin_ui.callers import current_caller
from admin_ui.errors import Forbidden

SALT = "amends.panel.form"
MAX_AGE_SECONDS = 2 * 3600
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


class CsrfRefused(Forbidden):
    """A form or call without a valid token for its caller."""


def _binding() -> dict[str, object]:
    """Return what a token is bound to.

    That is the sign-in of a standalone session (a nonce kept in its cookie, new at
    each sign-in), or an embedded page's staff member and shop.
    """
    caller = current_caller()
    if caller.via in ("login", "unknown"):
        return {"nonce": session.setdefault("csrf", secrets.token_urlsafe(16))}
    scope = g.get("scope")
    return {"who": caller.actor, "shop": scope.shop_id if scope is not None else None}


def form_token() -> str:
    """Return a token for the forms of the page being rendered."""
    return signed.dumps(SALT, _binding())


def check(token: str | None) -> None:
    """Refuse a token that is missing, forged, too old or another caller's."""
    value = signed.loads(SALT, token or "", MAX_AGE_SECONDS)
    if value is None or value != _binding():
        raise CsrfRefused(
            "the form has expired or was not sent from this panel; reload the page and try again"
        )
