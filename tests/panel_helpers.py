"""What the panel's tests share: session tokens as Shopify's admin signs them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import jwt

from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET, TEST_NOW

API_KEY = "test-api-key"  # the settings_overrides fixture's shopify_api_key
OTHER_DOMAIN = "other-shop.myshopify.com"


def session_token(
    shop: str = SHOPIFY_DOMAIN,
    secret: str = SHOPIFY_SECRET,
    now: datetime = TEST_NOW,
    drop: tuple[str, ...] = (),
    **claims: Any,
) -> str:
    """Return a session token as Shopify's admin signs it (a minute's life from `now`)."""
    stamp = int(now.timestamp())
    payload = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": API_KEY,
        "sub": "42",
        "exp": stamp + 60,
        "nbf": stamp - 5,
        "iat": stamp - 5,
        "jti": "f6a1c0de",
        "sid": "s1",
    } | claims
    for name in drop:
        payload.pop(name)
    return jwt.encode(payload, secret, algorithm="HS256")


def bearer(token: str | None = None, **options: Any) -> dict[str, str]:
    """Return the Authorization header App Bridge adds to the panel's fetches."""
    return {"Authorization": f"Bearer {token or session_token(**options)}"}
