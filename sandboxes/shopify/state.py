"""The sandbox's parts, as one object in `app.extensions`, and the way views reach it."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from sandboxes.shopify.clock import SandboxClock
from sandboxes.shopify.config import SandboxConfig
from sandboxes.shopify.delivery import WebhookHub
from sandboxes.shopify.store import SandboxShop

EXTENSION = "shopify_sandbox"


@dataclass
class SandboxState:
    """Everything one sandbox store is made of."""

    config: SandboxConfig
    clock: SandboxClock
    shop: SandboxShop
    hub: WebhookHub

    def publish(self, notifications: list, delay: float = 0.0) -> str | None:
        """Send the webhooks of one merchant action (nothing when there are none)."""
        if not notifications:
            return None
        return self.hub.publish(notifications, delay)

    def close(self) -> None:
        """Stop the background delivery thread."""
        self.hub.close()


def current_state() -> SandboxState:
    """Return the sandbox of the app handling the current request."""
    return current_app.extensions[EXTENSION]
