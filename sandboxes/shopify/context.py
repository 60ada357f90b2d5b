"""What a GraphQL resolver may use while answering one request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandboxes.shopify.delivery import WebhookHub
from sandboxes.shopify.state import SandboxState
from sandboxes.shopify.store import SandboxShop
from sandboxes.shopify.tokens import Grant


@dataclass
class RequestContext:
    """The store, the API version served, and the app calling (graphql `context_value`)."""

    state: SandboxState
    version: str
    grant: Grant

    @property
    def shop(self) -> SandboxShop:
        """Return the store."""
        return self.state.shop

    @property
    def hub(self) -> WebhookHub:
        """Return the webhook hub."""
        return self.state.hub

    def publish(self, notifications: list[tuple[str, dict[str, Any]]]) -> None:
        """Send the webhooks one mutation caused, as one event."""
        self.state.publish(notifications)
