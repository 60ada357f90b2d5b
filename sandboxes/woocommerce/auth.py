"""Authentication of wc/* REST calls, as WC_REST_Authentication does it.

Over HTTPS WooCommerce tries the consumer key and secret from the query string
or HTTP Basic; over plain HTTP only OAuth 1.0a one-legged is tried. A request
with no usable credentials is not refused here: it runs as nobody and the
route's permission check answers 401 (OBSERVED for wrong keys, Basic over HTTP,
query-string keys over HTTP). OAuth failures and a wrong secret are refused
with `woocommerce_rest_authentication_error`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from typing import Any
from urllib.parse import quote, unquote

from flask import Request

from sandboxes.woocommerce.consts import REST_PREFIX
from sandboxes.woocommerce.models import ApiKey
from sandboxes.woocommerce.params import php_query
from sandboxes.woocommerce.rest import RestError, wp_error
from sandboxes.woocommerce.store import SandboxStore

AUTH_ERROR = "woocommerce_rest_authentication_error"
OAUTH_PARAMS = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
WINDOW_SECONDS = 15 * 60
READ_METHODS = ("GET", "HEAD")
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def is_wc_route(path: str) -> bool:
    """Tell whether WooCommerce's authentication handles this path (wc/ and wc-* namespaces)."""
    return f"{REST_PREFIX}/wc/" in path or f"{REST_PREFIX}/wc-" in path


def authenticate(store: SandboxStore, request: Request) -> ApiKey | None:
    """Return the key the request authenticates with, None for nobody; raise a refusal."""
    if not is_wc_route(request.path):
        return None
    key = _basic(store, request) if request.scheme == "https" else None
    if key is None:
        key = _oauth(store, request)
    if key is not None:
        _check_scope(key, request.method)
    return key


def _basic(store: SandboxStore, request: Request) -> ApiKey | None:
    query = php_query(request.query_string.decode("latin-1"))
    consumer_key, consumer_secret = query.get("consumer_key"), query.get("consumer_secret")
    if not (consumer_key and consumer_secret) and request.authorization:
        consumer_key = request.authorization.username
        consumer_secret = request.authorization.password
    if not consumer_key or not consumer_secret:
        return None
    key = store.key_for(str(consumer_key))
    if key is None:
        return None
    if not hmac.compare_digest(key.consumer_secret.encode(), str(consumer_secret).encode()):
        raise wp_error(AUTH_ERROR, "Consumer secret is invalid.", 401)
    return key


def _oauth(store: SandboxStore, request: Request) -> ApiKey | None:
    params = _oauth_params(request)
    present = [name for name in OAUTH_PARAMS if params.get(name)]
    if not present:
        return None
    missing = [name for name in OAUTH_PARAMS if not params.get(name)]
    if missing:
        noun = "parameter" if len(missing) == 1 else "parameters"
        raise wp_error(
            "woocommerce_rest_authentication_missing_parameter",
            f"Missing OAuth {noun} {', '.join(missing)}",
            401,
        )
    key = store.key_for(str(params["oauth_consumer_key"]))
    if key is None:
        raise wp_error(AUTH_ERROR, "Consumer key is invalid.", 401)
    _check_signature(store, request, key, params)
    _check_timestamp_and_nonce(store, key, params)
    return key


def _oauth_params(request: Request) -> dict[str, Any]:
    """Gather $_GET + $_POST + the Authorization: OAuth header, as get_oauth_parameters()."""
    params = php_query(request.query_string.decode("latin-1"))
    if request.mimetype == "application/x-www-form-urlencoded":
        params.update(php_query(request.get_data(as_text=True)))
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("oauth "):
        for name, value in re.findall(r'(\w+)="([^"]*)"', header):
            params[name] = unquote(value)
    return params


def _check_signature(
    store: SandboxStore, request: Request, key: ApiKey, params: dict[str, Any]
) -> None:
    given = unquote(str(params["oauth_signature"]).replace(" ", "+"))
    signed = {name: value for name, value in params.items() if name != "oauth_signature"}
    method = str(params["oauth_signature_method"])
    if method not in ("HMAC-SHA1", "HMAC-SHA256"):
        raise wp_error(AUTH_ERROR, "Invalid signature - signature method is invalid.", 401)
    base_url = _site_url(store, request) + request.path
    base = f"{request.method.upper()}&{rawurlencode(base_url)}&{_normalized(signed)}"
    digest = hashlib.sha1 if method == "HMAC-SHA1" else hashlib.sha256
    expected = hmac.new(f"{key.consumer_secret}&".encode(), base.encode(), digest).digest()
    if not hmac.compare_digest(base64.b64encode(expected).decode(), given):
        raise wp_error(AUTH_ERROR, "Invalid signature - provided signature does not match.", 401)


def _site_url(store: SandboxStore, request: Request) -> str:
    """Return get_home_url() with the request's scheme, as the signature base uses."""
    url = store.url
    scheme = "https" if request.scheme == "https" else "http"
    return scheme + url[url.index("://") :]


def _normalized(params: dict[str, Any]) -> str:
    """Sort by key (strcmp), encode keys and values, join as WooCommerce does."""
    ordered = {name: params[name] for name in sorted(params, key=lambda k: k.encode())}
    return "%26".join(_joined(_encode_all(ordered)))


def _encode_all(value: Any) -> Any:
    if isinstance(value, dict):
        return {rawurlencode(str(k)): _encode_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return {rawurlencode(str(i)): _encode_all(v) for i, v in enumerate(value)}
    return rawurlencode(_php_string(value))


def _joined(params: dict[str, Any], prefix: str = "") -> list[str]:
    pairs = []
    for name, value in params.items():
        full = f"{prefix}%5B{name}%5D" if prefix else name
        if isinstance(value, dict):
            pairs.extend(_joined(value, full))
        else:
            pairs.append(rawurlencode(f"{full}={value}"))
    return pairs


def _php_string(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else ""
    return "" if value is None else str(value)


def rawurlencode(text: str) -> str:
    """Encode like PHP's rawurlencode (RFC 3986: only A-Z a-z 0-9 - _ . ~ stay)."""
    return quote(text, safe="-_.~")


def _check_timestamp_and_nonce(store: SandboxStore, key: ApiKey, params: dict[str, Any]) -> None:
    """Refuse stale timestamps and reused nonces; keep one nonce per timestamp, as WooCommerce."""
    now = int(time.time())
    try:
        timestamp = int(str(params["oauth_timestamp"]))
    except ValueError:
        timestamp = 0
    if not now - WINDOW_SECONDS <= timestamp <= now + WINDOW_SECONDS:
        raise wp_error(AUTH_ERROR, "Invalid timestamp.", 401)
    nonce = str(params["oauth_nonce"])
    with store.lock:
        if nonce in key.nonces.values():
            raise wp_error(AUTH_ERROR, "Invalid nonce - nonce has already been used.", 401)
        key.nonces[timestamp] = nonce
        for seen in [t for t in key.nonces if t < now - WINDOW_SECONDS]:
            del key.nonces[seen]


def _check_scope(key: ApiKey, method: str) -> None:
    if method in READ_METHODS and key.permissions not in ("read", "read_write"):
        raise wp_error(AUTH_ERROR, "The API key provided does not have read permissions.", 401)
    if method in WRITE_METHODS and key.permissions not in ("write", "read_write"):
        raise wp_error(AUTH_ERROR, "The API key provided does not have write permissions.", 401)


def refuse(kind: str) -> RestError:
    """Return the 401 a route's permission check gives a request that runs as nobody."""
    codes = {
        "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
        "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
        "create": (
            "woocommerce_rest_cannot_create",
            "Sorry, you are not allowed to create resources.",
        ),
        "edit": (
            "woocommerce_rest_cannot_edit",
            "Sorry, you are not allowed to edit this resource.",
        ),
        "delete": (
            "woocommerce_rest_cannot_delete",
            "Sorry, you are not allowed to delete this resource.",
        ),
    }
    code, message = codes[kind]
    return wp_error(code, message, 401)
