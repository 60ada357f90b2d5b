"""How both platforms sign a webhook body, written from their docs, not from Amends.

Shopify (shopify.dev/docs/apps/build/webhooks/subscribe/https, "Verify webhooks")
and WooCommerce (`WC_Webhook::generate_signature`: `base64_encode(hash_hmac('sha256',
$payload, $secret, true))`) both send base64 of the raw HMAC-SHA256 digest of the
exact body bytes, keyed with the secret's UTF-8 bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(body: bytes, secret: str) -> str:
    """Return the base64 HMAC-SHA256 of the raw `body` under `secret`."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
