"""The customer's link to their incident's page: signed, naming one incident, expiring.

Each message carries a fresh link, valid for `LINK_DAYS` from when it was written.
The token names the shop and the incident and is signed with the app's secret key,
so nothing of another incident or shop can be reached by changing it; its expiry is
inside the signed value and read against Amends' own clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from plugin.errors import InvalidInput

SALT = "amends.customer.incident"
LINK_DAYS = 30
PATH = "/incident/"


class BadLink(InvalidInput):
    """The link was changed or was never Amends'."""


class ExpiredLink(InvalidInput):
    """The link was Amends' but its time is over."""


@dataclass(frozen=True)
class LinkTarget:
    """The incident a link leads to, and the shop it belongs to."""

    shop_id: int
    incident_id: int


class IncidentLinks:
    """Write and read the customer's links, with the app's secret key and clock."""

    def __init__(self, secret_key: str, public_url: str, now: Callable[[], datetime]) -> None:
        """Sign with `secret_key`; links start with `public_url`; `now` tells the time."""
        self.serializer = URLSafeSerializer(secret_key, salt=SALT)
        self.public_url = public_url.rstrip("/")
        self.now = now

    def token(self, shop_id: int, incident_id: int) -> str:
        """Return a token for the incident, valid for LINK_DAYS from now."""
        until = self.now() + timedelta(days=LINK_DAYS)
        return str(self.serializer.dumps([shop_id, incident_id, int(until.timestamp())]))

    def url(self, shop_id: int, incident_id: int) -> str:
        """Return the link a message carries to the incident's page."""
        return f"{self.public_url}{PATH}{self.token(shop_id, incident_id)}"

    def read(self, token: str) -> LinkTarget:
        """Return what a token leads to; refuse one changed, foreign or expired."""
        try:
            shop_id, incident_id, until = self.serializer.loads(token)
        except (BadSignature, TypeError, ValueError) as problem:
            raise BadLink("this link is not valid") from problem
        if not all(isinstance(part, int) for part in (shop_id, incident_id, until)):
            raise BadLink("this link is not valid")
        if self.now() >= datetime.fromtimestamp(until, tz=UTC):
            raise ExpiredLink("this link has expired")
        return LinkTarget(shop_id, incident_id)
