"""The refusals every way of calling the panel shares."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue


class Unauthorized(Exception):
    """The request does not prove who is calling (401); `reason` says what to do."""

    status = 401
    # A Shopify session token that failed: App Bridge asks for a new one and retries.
    retry_with_new_token = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Forbidden(Unauthorized):
    """The caller is known but may not do this yet (403), e.g. no shop is chosen."""

    status = 403


class NotSignedIn(Unauthorized):
    """The request carries no credentials at all: send the person to where they sign in.

    On the API, App Bridge answers it as it answers an expired token: with a new one.
    """

    retry_with_new_token = True


def error_page(status: int, message: str) -> ResponseReturnValue:
    """Render a refusal as a page of the panel."""
    return render_template("panel/error.html", status=status, message=message), status
