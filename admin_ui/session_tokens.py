"""Verify the session tokens (ID tokens) Shopify's admin gives the embedded panel.

Modelled on ShopifyAPI's `shopify/session_token.py`: PyJWT decodes and checks the
signature (HS256 with the app's client secret, or the previous one while a rotation
propagates), the audience (the app's API key) and the required claims; then `iss`
must be a shop's admin and name the same shop as `dest`.
(shopify.dev/docs/apps/build/authentication-authorization/session-tokens)

`exp` and `nbf` are checked here against the clock Amends runs on, with PyJWT's
own check turned off: PyJWT reads the wall clock, and every part of Amends tells
the time by one injected clock (plugin/clock.py), so a replay or a test agrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import jwt

from admin_ui.errors import Unauthorized

ALGORITHM = "HS256"
BEARER = "Bearer "
REQUIRED_CLAIMS = ("iss", "dest", "aud", "sub", "exp", "nbf")
# Shopify's own libraries allow this much clock skew between the admin and the app.
LEEWAY_SECONDS = 10
# A bare `<name>.myshopify.com`: what `dest` must name.
_SHOP = "myshopify.com"


class InvalidSessionToken(Unauthorized):
    """A session token that does not prove the shop: App Bridge fetches a new one."""

    retry_with_new_token = True


@dataclass(frozen=True)
class SessionClaims:
    """What a verified session token says: the shop, the staff member, the raw token."""

    shop: str  # the shop's myshopify domain, from `dest`
    user: str  # `sub`: the staff member's id
    token: str


def bearer_token(authorization: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization or not authorization.startswith(BEARER):
        return None
    return authorization[len(BEARER) :].strip() or None


def verify(token: str, api_key: str, secrets: Sequence[str], now: datetime) -> SessionClaims:
    """Return the claims of a session token signed for this app, or raise InvalidSessionToken."""
    if not api_key or not secrets:
        raise InvalidSessionToken("the app's API key and secret are not configured")
    claims = _decode(token, api_key, secrets)
    _check_times(claims, now.timestamp())
    shop = _shop_of(claims)
    return SessionClaims(shop=shop, user=str(claims["sub"]), token=token)


def _decode(token: str, api_key: str, secrets: Sequence[str]) -> dict[str, Any]:
    """Decode with the current secret, then the previous one: a rotation may be under way."""
    options: Any = {
        "require": list(REQUIRED_CLAIMS),
        "verify_exp": False,
        "verify_nbf": False,
        "verify_iat": False,
    }
    for secret in secrets:
        try:
            return jwt.decode(
                token, secret, algorithms=[ALGORITHM], audience=api_key, options=options
            )
        except jwt.InvalidSignatureError:
            continue
        except jwt.InvalidAudienceError as error:
            raise InvalidSessionToken("the session token is for another app") from error
        except jwt.MissingRequiredClaimError as error:
            raise InvalidSessionToken(f"the session token has no {error.claim!r} claim") from error
        except jwt.PyJWTError as error:
            raise InvalidSessionToken(f"the session token is unreadable: {error}") from error
    raise InvalidSessionToken("the session token is not signed with the app's secret")


def _check_times(claims: dict[str, Any], now: float) -> None:
    expires, not_before = claims["exp"], claims["nbf"]
    if not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in (expires, not_before)
    ):
        raise InvalidSessionToken("the session token's exp and nbf must be numbers")
    if now > expires + LEEWAY_SECONDS:
        raise InvalidSessionToken("the session token has expired")
    if now < not_before - LEEWAY_SECONDS:
        raise InvalidSessionToken("the session token is not valid yet")


def _shop_of(claims: dict[str, Any]) -> str:
    """Return the shop `dest` names, once `iss` is that shop's admin."""
    dest, issuer = urlsplit(str(claims["dest"])), urlsplit(str(claims["iss"]))
    shop = (dest.hostname or "").lower()
    if dest.scheme != "https" or not is_shop_domain(shop):
        raise InvalidSessionToken("the session token's dest is not a shop")
    if issuer.scheme != "https" or (issuer.hostname or "").lower() != shop:
        raise InvalidSessionToken("the session token's iss and dest name different shops")
    return shop


def is_shop_domain(host: str) -> bool:
    """Tell whether `host` is a bare `<name>.myshopify.com`."""
    name, _, domain = host.partition(".")
    allowed = name.replace("-", "").isalnum() and name[:1].isalnum()
    return domain == _SHOP and allowed
