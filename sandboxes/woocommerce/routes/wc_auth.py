"""/wc-auth/v1/*: WooCommerce's app authentication endpoint (class-wc-auth.php).

The sandbox's merchant is always logged in as the store's administrator, so
`login` goes straight to `authorize`, which shows the grant page. Approving
(the page's link, `POST authorize`, or `GET authorize?_sandbox_approve=1`)
creates a key pair, POSTs it to `callback_url`, and redirects the browser to
`return_url` with `success=1&user_id=...`. A callback that does not answer
exactly 200 deletes the key and ends on an error page, as WooCommerce does.
The callback must be https, loopback included (OBSERVED 2026-12-06), and is
posted with wp_safe_remote_post() (safe_http): a test reaches a loopback
receiver through the store's `proxy_tls` harness setting.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from html import escape
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from flask import Blueprint, Response, redirect, request

from sandboxes.woocommerce import safe_http
from sandboxes.woocommerce.consts import WP_VERSION
from sandboxes.woocommerce.context import current_store
from sandboxes.woocommerce.phpjson import php_json_bytes
from sandboxes.woocommerce.store import SandboxStore

bp = Blueprint("sandbox_wc_auth", __name__, url_prefix="/wc-auth/v1")
PARAMS = ("app_name", "user_id", "return_url", "callback_url", "scope")
SCOPES = {"read": "Read", "write": "Write", "read_write": "Read/Write"}


class AuthRefused(Exception):
    """A reason WooCommerce stops the flow with its 'Access denied' page."""


@bp.errorhandler(AuthRefused)
def _refused(error: AuthRefused) -> Response:
    page = f"<!DOCTYPE html><title>Access denied</title><p>Error: {escape(str(error))}.</p>"
    return Response(page, status=401, content_type="text/html; charset=UTF-8")


def formatted_url(url: str) -> str:
    """Decode the URL and default its scheme to https, as get_formatted_url() does."""
    url = unquote(url)
    return url if "://" in url else "https://" + url


def validated(values: dict[str, Any]) -> dict[str, str]:
    """Check the five parameters as make_validation() does."""
    data = {}
    for name in PARAMS:
        value = values.get(name)
        if not value:
            raise AuthRefused(f"Missing parameter {name}")
        data[name] = str(value)
    if data["scope"] not in SCOPES:
        raise AuthRefused(f"Invalid scope {data['scope']}")
    for name in ("return_url", "callback_url"):
        parts = urlsplit(formatted_url(data[name]))
        if not parts.scheme or not parts.hostname:
            raise AuthRefused(f"The {formatted_url(data[name])} is not a valid URL")
    if not formatted_url(data["callback_url"]).lower().startswith("https://"):
        raise AuthRefused("The callback_url needs to be over SSL")  # loopback included
    return data


def _request_values() -> dict[str, Any]:
    return {**request.args.to_dict(), **request.form.to_dict()}


def _nonce(store: SandboxStore, data: dict[str, str]) -> str:
    message = "wc_auth_grant_access|" + "|".join(data[name] for name in PARAMS)
    return hmac.new(store.salt.encode(), message.encode(), hashlib.sha256).hexdigest()[:10]


def with_query(url: str, **params: str) -> str:
    """Return `url` with `params` set in its query (add_query_arg)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))


@bp.get("/login")
def login() -> Response:
    """Send the (always logged-in) merchant on to the grant page."""
    validated(_request_values())
    return redirect(
        with_query(
            request.url_root.rstrip("/") + "/wc-auth/v1/authorize",
            **{k: str(v) for k, v in _request_values().items()},
        )
    )


@bp.route("/authorize", methods=["GET", "POST"])
def authorize() -> Response:
    """Show the grant page; approve on POST or with `_sandbox_approve=1`."""
    store = current_store()
    data = validated(_request_values())
    if request.method == "POST" or request.args.get("_sandbox_approve") == "1":
        return _grant(store, data)
    return _grant_page(store, data)


@bp.get("/access_granted")
def access_granted() -> Response:
    """Approve, as the grant page's link does (with its nonce)."""
    store = current_store()
    data = validated(_request_values())
    if not hmac.compare_digest(request.args.get("wc_auth_nonce", ""), _nonce(store, data)):
        raise AuthRefused("Invalid nonce verification")
    return _grant(store, data)


def _grant_page(store: SandboxStore, data: dict[str, str]) -> Response:
    query = {name: data[name] for name in PARAMS}
    approve = "/wc-auth/v1/access_granted?" + urlencode(
        {**query, "wc_auth_nonce": _nonce(store, data)}
    )
    deny = with_query(formatted_url(data["return_url"]), success="0", user_id=data["user_id"])
    page = (
        "<!DOCTYPE html><title>Authorize app</title>"
        f"<h1>{escape(data['app_name'])} would like to connect to your store</h1>"
        f"<p>Access: {SCOPES[data['scope']]}</p>"
        f'<p><a class="wc-auth-approve" href="{escape(approve)}">Approve</a> '
        f'<a class="wc-auth-deny" href="{escape(deny)}">Deny</a></p>'
    )
    return Response(page, content_type="text/html; charset=UTF-8")


def _grant(store: SandboxStore, data: dict[str, str]) -> Response:
    """Create the keys, post them to the callback, redirect to return_url."""
    now = store.clock.now()
    key = store.add_api_key(
        "ck_" + secrets.token_hex(20),
        "cs_" + secrets.token_hex(20),
        data["scope"],
        f"{data['app_name'][:170]} - API ({now:%Y-%m-%d %H:%M:%S})",
    )
    consumer_data = {
        "key_id": key.key_id,
        "user_id": data["user_id"],
        "consumer_key": key.consumer_key,
        "consumer_secret": key.consumer_secret,
        "key_permissions": key.permissions,
    }
    body = php_json_bytes(consumer_data)
    headers = [
        ("User-Agent", f"WordPress/{WP_VERSION}; {store.url}"),
        ("Accept", "*/*"),
        ("Accept-Encoding", "deflate, gzip, br, zstd"),
        ("Content-Type", "application/json;charset=UTF-8"),
        ("Connection", "close"),
        ("Content-Length", str(len(body))),
    ]
    answer = safe_http.post(
        store, formatted_url(data["callback_url"]), body, headers, store.deliverer.timeout
    )
    if answer.status != 200:
        with store.lock:
            store.api_keys.pop(key.key_id, None)
        if answer.error:
            raise AuthRefused(answer.error)
        raise AuthRefused(
            "An error occurred in the request and at the time were unable to send the consumer data"
        )
    return redirect(
        with_query(formatted_url(data["return_url"]), success="1", user_id=data["user_id"])
    )
