"""The HMAC both platforms sign webhook bodies with: base64(HMAC-SHA256(secret, body))."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence


def sign(body: bytes, secret: str) -> str:
    """Return the base64 HMAC-SHA256 of the raw `body` under `secret`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_valid(body: bytes, signature: str, secrets: Sequence[str]) -> bool:
    """Tell whether `signature` signs the raw `body` under any of `secrets`.

    The comparison is constant-time and every secret is tried, so timing tells
    nothing about which one (if any) matched. An empty secret never matches: anyone
    can sign with it.
    """
    matched = False
    for secret in secrets:
        if not secret:
            continue
        matched |= hmac.compare_digest(
            sign(body, secret).encode(), signature.encode("ascii", "replace")
        )
    return matched
