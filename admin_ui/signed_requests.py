"""Requests a WooCommerce store's WordPress plugin signs, server to server.

The Amends plugin for WordPress reads and acts through the panel's JSON API from
the store's own PHP; the browser never talks to Amends. Each request is signed
with the secret Amends generated for that store and registered as its WooCommerce
webhook secret: Amends keeps it sealed with the shop's credentials, and the plugin
reads it server side from WooCommerce's own webhook records, so it never passes
through a browser or a URL.

The signature is HMAC-SHA256, hex, over this text (one line each, joined by newlines):

    AMENDS-HMAC-SHA256
    <METHOD>
    <path, plus "?" and the query string as sent when there is one>
    <shop id>
    <timestamp: Unix seconds>
    <nonce>
    <hex SHA-256 of the raw body>

sent as `X-Amends-Shop`, `X-Amends-Timestamp`, `X-Amends-Nonce` and
`X-Amends-Signature`. The plugin's `Amends_Signer` (PHP) builds the same text.
A request is refused when the signature does not match, when its timestamp is
more than `MAX_SKEW` away from Amends' clock, or when its shop already used the
nonce. While a store's webhooks move to a new secret, the previous one signs too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn
from urllib.parse import quote

from flask import Request, current_app

from admin_ui.callers import Caller, remember
from admin_ui.errors import Unauthorized
from plugin.request_nonces import spend_nonce
from plugin.scope import ShopScope
from plugin.services import Runtime
from plugin.shops import ACTIVE
from plugin.storage.models import Shop

SCHEME = "AMENDS-HMAC-SHA256"
SHOP_HEADER = "X-Amends-Shop"
TIMESTAMP_HEADER = "X-Amends-Timestamp"
NONCE_HEADER = "X-Amends-Nonce"
SIGNATURE_HEADER = "X-Amends-Signature"
HEADERS = (SHOP_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER)
MAX_SKEW = timedelta(minutes=5)

_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
_DIGITS = re.compile(r"[0-9]{1,12}")
# Characters a path keeps as they are when it is written back into a request line.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

log = logging.getLogger("amends.admin.signed")


class SignatureRefused(Unauthorized):
    """A signed request that cannot be trusted: answered 401, with the reason."""

    def __init__(self, why: str) -> None:
        super().__init__(f"signed request refused: {why}")
        self.why = why  # the check that failed, in words


@dataclass(frozen=True)
class SignedRequest:
    """What a request says about itself in its signature headers."""

    method: str
    target: str
    shop_id: int
    timestamp: int
    nonce: str
    body: bytes

    def canonical(self) -> bytes:
        """Return the exact text the signature covers."""
        lines = (
            SCHEME,
            self.method.upper(),
            self.target,
            str(self.shop_id),
            str(self.timestamp),
            self.nonce,
            hashlib.sha256(self.body).hexdigest(),
        )
        return "\n".join(lines).encode()

    def signature(self, secret: str) -> str:
        """Return the signature `secret` gives this request."""
        return hmac.new(secret.encode(), self.canonical(), hashlib.sha256).hexdigest()


def request_target(request: Request) -> str:
    """Return the path and query the client sent, as it signed them."""
    path = quote(request.script_root + request.path, safe=_PATH_SAFE)
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def signed_request_scope(request: Request) -> ShopScope | None:
    """Return the scope of the shop that signed `request`, or None when it is not signed.

    A request with any of the signature headers must carry all of them and pass
    every check; otherwise `SignatureRefused` (401) says why.
    """
    present = [name for name in HEADERS if name in request.headers]
    if not present:
        return None
    runtime: Runtime = current_app.extensions["amends"]
    signed = _read(request)
    now = runtime.clock.now()
    moment = datetime.fromtimestamp(signed.timestamp, UTC)
    if abs(moment - now) > MAX_SKEW:
        _refuse(
            "stale",
            f"timestamp {signed.timestamp} is more than {int(MAX_SKEW.total_seconds())} s "
            "away from Amends' clock (check the server's time)",
            signed,
        )
    if not _matches(runtime, signed, request.headers[SIGNATURE_HEADER]):
        _refuse("bad-signature", "the signature does not match", signed)
    with runtime.database.transaction() as session:
        fresh = spend_nonce(session, signed.shop_id, signed.nonce, moment + MAX_SKEW)
    if not fresh:
        _refuse("replayed", "the nonce was used before (a replayed request)", signed)
    remember(Caller(via="wordpress", actor="staff:wordpress"))
    return ShopScope.only(signed.shop_id)


def _read(request: Request) -> SignedRequest:
    """Parse the signature headers; refuse a missing or malformed one by name."""
    values: dict[str, str] = {}
    for name in HEADERS:
        value = request.headers.get(name, "").strip()
        if not value:
            _refuse("incomplete", f"missing {name}")
        values[name] = value
    checks = (
        (SHOP_HEADER, _DIGITS, "a shop id"),
        (TIMESTAMP_HEADER, _DIGITS, "Unix seconds"),
        (NONCE_HEADER, _NONCE, "16 to 64 letters, digits, '-' or '_'"),
        (SIGNATURE_HEADER, _SIGNATURE, "64 lowercase hex digits"),
    )
    for name, pattern, expected in checks:
        if not pattern.fullmatch(values[name]):
            _refuse("malformed", f"{name} must be {expected}")
    return SignedRequest(
        method=request.method,
        target=request_target(request),
        shop_id=int(values[SHOP_HEADER]),
        timestamp=int(values[TIMESTAMP_HEADER]),
        nonce=values[NONCE_HEADER],
        body=request.get_data(cache=True),
    )


def _matches(runtime: Runtime, signed: SignedRequest, given: str) -> bool:
    """Tell whether a secret of the shop gives `given`; an unknown shop matches none."""
    with runtime.database.reading() as session:
        shop = session.get(Shop, signed.shop_id)
        if shop is None or shop.platform != "woocommerce" or shop.status != ACTIVE:
            log.warning("admin.signed.unknown-shop", extra={"shop": signed.shop_id})
            return False
        credentials = runtime.credentials.open(shop.credentials)
    secrets = (credentials.get("webhook_secret"), credentials.get("previous_webhook_secret"))
    results = [hmac.compare_digest(signed.signature(secret), given) for secret in secrets if secret]
    return any(results)


def _refuse(slug: str, reason: str, signed: SignedRequest | None = None) -> NoReturn:
    """Log why a signed request is refused, and refuse it."""
    extra = {"reason": reason}
    if signed is not None:
        extra |= {"shop": str(signed.shop_id), "target": signed.target}
    log.warning(f"admin.signed.{slug}", extra=extra)
    raise SignatureRefused(reason)
