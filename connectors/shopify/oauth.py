"""Installing the app on a shop: the OAuth authorization-code grant and token exchange.

The install request, the callback and the admin's links carry an `hmac`: hex
HMAC-SHA256 of the other query parameters as `k=v` pairs, sorted, joined with
`&`, keyed with the app's client secret (shopify.dev .../authorization-code-grant).
Webhooks use base64 over the body instead; the two must not be confused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import requests

from connectors.shopify.consts import SHOP_DOMAIN
from plugin.errors import PlatformRejected, PlatformUnauthorized, PlatformUnavailable

MAX_CALLBACK_AGE_SECONDS = 24 * 3600
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
OFFLINE_TOKEN = "urn:shopify:params:oauth:token-type:offline-access-token"


@dataclass(frozen=True)
class Grant:
    """An access token Shopify granted, with what it allows and until when."""

    access_token: str
    scope: str
    expires_in: int | None = None
    refresh_token: str | None = None


def valid_shop_domain(domain: str | None) -> bool:
    """Tell whether `domain` is a bare `<name>.myshopify.com` (nothing before or after)."""
    return domain is not None and SHOP_DOMAIN.fullmatch(domain) is not None


def query_hmac(params: Mapping[str, str | Sequence[str]], secret: str) -> str:
    """Return the hex HMAC Shopify puts in install, callback and admin-link URLs.

    Shopify signs the decoded parameters, so a `%`, `&` or `=` inside a key or a
    value is escaped first (`%25`, `%26`, `%3D`; `=` only in keys) or a value could
    pose as a pair of its own. An array (`ids[]=1&ids[]=2`, from a bulk-action link)
    is signed as one pair, `ids=["1", "2"]`. This is ShopifyAPI's
    `Session.calculate_hmac`, but for the legacy `signature` parameter, which is
    left out as shopify-api-js and the Ruby gem leave it out.
    """
    pairs = (
        _signed_pair(key, value)
        for key, value in params.items()
        if key not in ("hmac", "signature")
    )
    message = "&".join(sorted(pairs))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _signed_pair(key: str, value: str | Sequence[str]) -> str:
    """Write one parameter as Shopify signs it: `key=value`, delimiters escaped.

    Only an array parameter (`key[]`) takes a list; a single value under `key[]` is
    an array of one, as Shopify's admin sends it for one selected item.
    """
    if key.endswith("[]"):
        key = key.removesuffix("[]")
        text = json.dumps([value] if isinstance(value, str) else [str(v) for v in value])
    elif isinstance(value, str):
        text = value
    else:
        text = value[-1] if value else ""  # a plain key sent twice: the last one counts
    key = key.replace("%", "%25").replace("=", "%3D")
    text = text.replace("%", "%25")
    return f"{key}={text}".replace("&", "%26")


def query_signed(
    params: Mapping[str, str | Sequence[str]], secrets: Sequence[str], now: datetime
) -> bool:
    """Tell whether the query is signed by one of `secrets` and, as of `now`, not a day old."""
    given = params.get("hmac") or ""
    stamp = params.get("timestamp") or "0"
    if not isinstance(given, str) or not isinstance(stamp, str):
        return False  # sent more than once: not a link Shopify signed
    try:
        age = now.timestamp() - int(stamp)
    except ValueError:
        return False
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(query_hmac(params, secret), given)
    return matched and -60 <= age <= MAX_CALLBACK_AGE_SECONDS


def admin_base(shop: str, override: str | None) -> str:
    """Return where the shop's admin answers: https://<shop>, or a sandbox's URL."""
    return (override or f"https://{shop}").rstrip("/")


def authorize_url(
    shop: str, api_key: str, scopes: str, redirect_uri: str, state: str, override: str | None
) -> str:
    """Return the URL that asks the merchant to grant the app its scopes."""
    query = urlencode(
        {"client_id": api_key, "scope": scopes, "redirect_uri": redirect_uri, "state": state}
    )
    return f"{admin_base(shop, override)}/admin/oauth/authorize?{query}"


def exchange_code(
    shop: str, code: str, api_key: str, secret: str, override: str | None, timeout: float = 10
) -> Grant:
    """Trade the one-time code of the callback for an offline access token."""
    return _token_request(
        admin_base(shop, override),
        {"client_id": api_key, "client_secret": secret, "code": code},
        timeout,
    )


def exchange_id_token(
    shop: str, id_token: str, api_key: str, secret: str, override: str | None, timeout: float = 10
) -> Grant:
    """Trade an embedded load's session token for an expiring offline access token."""
    return _token_request(
        admin_base(shop, override),
        {
            "client_id": api_key,
            "client_secret": secret,
            "grant_type": TOKEN_EXCHANGE,
            "subject_token": id_token,
            "subject_token_type": ID_TOKEN,
            "requested_token_type": OFFLINE_TOKEN,
            "expiring": "1",
        },
        timeout,
    )


def refresh_access_token(
    shop: str,
    refresh_token: str,
    api_key: str,
    secret: str,
    override: str | None,
    timeout: float = 10,
) -> Grant:
    """Trade a refresh token for a new expiring access token (and a new refresh token)."""
    return _token_request(
        admin_base(shop, override),
        {
            "client_id": api_key,
            "client_secret": secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        },
        timeout,
    )


def _token_request(base: str, form: Mapping[str, str], timeout: float) -> Grant:
    try:
        response = requests.post(
            f"{base}/admin/oauth/access_token",
            data=form,
            timeout=timeout,
            headers={"Accept": "application/json"},
        )
    except requests.RequestException as error:
        raise PlatformUnavailable(f"token request to {base} failed: {error}") from error
    if response.status_code >= 500:
        raise PlatformUnavailable(f"token request: HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as error:
        raise PlatformRejected(f"token request: HTTP {response.status_code}, not JSON") from error
    if response.status_code != 200 or "access_token" not in body:
        reason = ": ".join(
            str(part)
            for part in (body.get("error"), body.get("error_description") or body.get("errors"))
            if part
        )
        error_type = (
            PlatformUnauthorized if response.status_code in (400, 401) else PlatformRejected
        )
        raise error_type(f"token request refused: {reason}", status=response.status_code)
    return Grant(
        body["access_token"],
        body.get("scope", ""),
        body.get("expires_in"),
        body.get("refresh_token"),
    )
