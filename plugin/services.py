"""The services one Amends process shares: settings, database, credentials, connectors.

Built by the wiring (plugin.runtime); the surfaces receive it ready-made, so they
never import a connector themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from plugin import roles
from plugin.clock import Clock
from plugin.config import Settings
from plugin.platforms import Connector
from plugin.queue import RetryPolicy
from plugin.storage.credentials import CredentialBox
from plugin.storage.db import Database
from plugin.storage.models import InboxDelivery

R = TypeVar("R")


@dataclass
class Runtime:
    """The services of one Amends process."""

    settings: Settings
    database: Database
    credentials: CredentialBox
    connectors: dict[str, Connector]

    @property
    def clock(self) -> Clock:
        """Return the clock every part of this process reads the time from."""
        return self.database.clock

    def use_clock(self, clock: Clock) -> None:
        """Read the time from `clock` from now on (tests and replays)."""
        self.database.use_clock(clock)

    @property
    def retry_policy(self) -> RetryPolicy:
        """Return the inbox retry policy the settings describe."""
        return RetryPolicy(
            max_attempts=self.settings.inbox_max_attempts,
            base_seconds=self.settings.inbox_retry_base_seconds,
            max_seconds=self.settings.inbox_retry_max_seconds,
        )

    @property
    def outbox_policy(self) -> RetryPolicy:
        """Return the outbox retry policy the settings describe."""
        return RetryPolicy(
            max_attempts=self.settings.outbox_max_attempts,
            base_seconds=self.settings.outbox_retry_base_seconds,
            max_seconds=self.settings.outbox_retry_max_seconds,
        )

    def parse(self, delivery: InboxDelivery) -> list[Any] | None:
        """Parse a stored delivery with its platform's connector."""
        return self.connectors[delivery.platform].parse(delivery.topic, delivery.body)

    def playing(self, role: type[R]) -> dict[str, R]:
        """Return the connectors, by platform, that play `role` (a plugin.platforms protocol)."""
        return roles.playing(self.connectors, role)

    def connector_for(self, platform: str, role: type[R]) -> R:
        """Return the connector of `platform` in `role`; ConfigurationError if it lacks it."""
        return roles.connector_for(self.connectors, platform, role)
