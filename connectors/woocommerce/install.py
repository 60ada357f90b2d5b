"""Connect a store with WooCommerce's own key flow (`/wc-auth/v1/authorize`).

The merchant approves a read/write key in the store; the store posts the key pair
to our callback (which must answer exactly 200 or the key is deleted), then sends
the merchant back to our return URL, where the webhooks are registered.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from plugin.errors import InvalidInput
from plugin.platforms import Installation

APP_NAME = "Amends"


def authorize_url(store: str, state: str, callback_url: str, return_url: str) -> str:
    """Return the store's page where the merchant approves a read/write key for Amends."""
    query = urlencode(
        {
            "app_name": APP_NAME,
            "scope": "read_write",
            "user_id": state,
            "return_url": return_url,
            "callback_url": callback_url,
        }
    )
    return f"{store}wc-auth/v1/authorize?{query}"


def new_webhook_secret() -> str:
    """Return a random alphanumeric secret (WooCommerce mis-signs with some specials, #22500)."""
    return "".join(c for c in secrets.token_urlsafe(32) if c.isalnum())[:32]


def installation(store: str, keys: Mapping[str, Any]) -> Installation:
    """Return what to keep of the key pair a store posted to the callback."""
    if not keys.get("consumer_key") or not keys.get("consumer_secret"):
        raise InvalidInput("expected JSON with consumer_key and consumer_secret")
    if keys.get("key_permissions") != "read_write":
        raise InvalidInput("Amends needs a read_write key")
    credentials = {
        "consumer_key": str(keys["consumer_key"]),
        "consumer_secret": str(keys["consumer_secret"]),
        "webhook_secret": new_webhook_secret(),
        "key_id": str(keys.get("key_id") or ""),
    }
    return Installation(domain=store, api_url=store, credentials=credentials)
