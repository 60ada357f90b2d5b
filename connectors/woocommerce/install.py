"""Connect a store with WooCommerce's own key flow (`/wc-auth/v1/authorize`).

The merchant approves a read/write key in the store; the store posts the key pair
to our callback and sends the merchant back. Connecting again makes a new key and
leaves the old one active (woocommerce.md, "Observed again"), and WooCommerce's
REST API has no route to revoke a key (keys are deleted only from its admin page,
`WC_Admin_API_Keys::revoke_key`), so the merchant is told to delete the old one.
The store keeps signing with the webhook secret it has until its webhooks are
updated, so the previous secret is kept, and accepted, until then.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from plugin.errors import InvalidInput
from plugin.platforms import Installation

APP_NAME = "Amends"
KEYS_PAGE = "WooCommerce > Settings > Advanced > REST API"


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


def installation(
    store: str, keys: Mapping[str, Any], previous: Mapping[str, str] | None
) -> Installation:
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
    notices: tuple[str, ...] = ()
    if previous:
        # Until the store's webhooks carry the new secret, it signs with the one it has:
        # the one before the last reconnect if that one never reached the store.
        signing = previous.get("previous_webhook_secret") or previous.get("webhook_secret")
        if signing:
            credentials["previous_webhook_secret"] = signing
        if previous.get("consumer_key") not in (None, credentials["consumer_key"]):
            notices = (replaced_key_notice(previous),)
    return Installation(domain=store, api_url=store, credentials=credentials, notices=notices)


def replaced_key_notice(previous: Mapping[str, str]) -> str:
    """Tell the merchant which old key to delete; WooCommerce shows a key's last 7 characters."""
    ending = str(previous.get("consumer_key") or "")[-7:]
    key_id = previous.get("key_id")
    which = f"key {key_id}, " if key_id else ""
    return (
        f"An old API key remains ({which}consumer key ending in …{ending}); "
        f"delete it under {KEYS_PAGE}: WooCommerce cannot revoke it through its API."
    )
