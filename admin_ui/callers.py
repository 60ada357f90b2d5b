"""What the panel knows of its caller beyond the shop scope: for the timeline and the page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g


@dataclass(frozen=True)
class Caller:
    """What the panel knows of its caller beyond the scope: for the timeline and the page."""

    via: str  # "shopify", "login", ...
    actor: str  # how the timeline names them: "staff:<who>"
    shop_domain: str | None = None  # the shop whose admin frames the page, if any
    panel_pass: str | None = None  # carried in links and forms of an embedded page
    locale: str | None = None


def remember(caller: Caller) -> None:
    """Keep what an authenticator learned of the caller for the rest of the request."""
    g.amends_caller = caller


def current_caller() -> Caller:
    """Return the caller an authenticator remembered (staff, when it said nothing)."""
    return g.get("amends_caller") or Caller(via="unknown", actor="staff")
