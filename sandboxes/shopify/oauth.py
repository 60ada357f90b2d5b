"""Install and token endpoints: the authorization-code grant, token exchange, refresh.

The sandbox plays the merchant who approves every install: /admin/oauth/authorize
redirects straight back with a one-time code, signed the way Shopify signs its
callback (hex HMAC-SHA256 over the sorted query without `hmac`, keyed with the app's
client secret). /admin/oauth/access_token then trades the code (once), a session
token (token exchange, optionally for an expiring offline token) or a refresh token
for an access token that the GraphQL endpoint honours. See platforms/shopify.md
§5.3, §5.4, §5.6. Session tokens are checked with PyJWT against real time (they are
minted by App Bridge in real time), access tokens expire on the sandbox clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from flask import Blueprint, Response, jsonify, redirect, request

from sandboxes.shopify.state import SandboxState, current_state

blueprint = Blueprint("shopify_sandbox_oauth", __name__)

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
ONLINE_TOKEN = "urn:shopify:params:oauth:token-type:online-access-token"


def query_hmac(params: Mapping[str, str | Sequence[str]], secret: str) -> str:
    """Return the hex HMAC Shopify puts on install, callback and admin-link URLs.

    All parameters but `hmac`, as `key=value` sorted and joined with `&` (delimiters
    inside keys and values escaped as ShopifyAPI's `Session.calculate_hmac` does). An
    array parameter (`ids[]`, a list here) is one pair written as Shopify's Rails
    server prints an array: `ids=["1", "2"]`.
    """
    pairs = []
    for key, value in params.items():
        if key == "hmac":
            continue
        if key.endswith("[]"):
            items = [value] if isinstance(value, str) else list(value)
            key, value = key[:-2], "[" + ", ".join(f'"{item}"' for item in items) + "]"
        key_text = str(key).replace("%", "%25").replace("=", "%3D")
        value_text = str(value).replace("%", "%25")
        pairs.append(f"{key_text}={value_text}".replace("&", "%26"))
    message = "&".join(sorted(pairs))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _oauth_error(error: str, description: str, status: int = 400) -> tuple[Response, int]:
    return jsonify(error=error, error_description=description), status


@blueprint.get("/admin/oauth/authorize")
def authorize():  # noqa: ANN201
    """Approve the install at once and send the merchant back with a code."""
    state = current_state()
    client_id = request.args.get("client_id", "")
    redirect_uri = request.args.get("redirect_uri", "")
    if not client_id or (state.config.api_key is not None and client_id != state.config.api_key):
        return _oauth_error("invalid_request", "The client_id is invalid")
    if urlsplit(redirect_uri).scheme not in ("http", "https"):
        return _oauth_error("invalid_request", "The redirect_uri is missing or invalid")
    scope = request.args.get("scope") or state.config.scopes
    online = "per-user" in request.args.getlist("grant_options[]")
    with state.shop.lock:
        code = state.shop.tokens.issue_code(client_id, scope, redirect_uri, online)
    params = {
        "code": code,
        "host": base64.b64encode(f"{state.shop.domain}/admin".encode()).decode().rstrip("="),
        "shop": state.shop.domain,
        "timestamp": str(int(state.clock.timestamp())),
    }
    if "state" in request.args:
        params["state"] = request.args["state"]
    params["hmac"] = query_hmac(params, state.config.api_secret)
    separator = "&" if urlsplit(redirect_uri).query else "?"
    return redirect(f"{redirect_uri}{separator}{urlencode(params)}", code=302)


@blueprint.post("/admin/oauth/access_token")
def access_token():  # noqa: ANN201
    """Trade a code, a session token or a refresh token for an access token."""
    state = current_state()
    form = request.get_json(silent=True) if request.is_json else request.form
    form = {**request.args, **(form or {})}
    client_id = str(form.get("client_id") or "")
    if not _client_valid(state, client_id, str(form.get("client_secret") or "")):
        return _oauth_error("invalid_client", "Client authentication failed", 401)
    grant_type = form.get("grant_type") or "authorization_code"
    with state.shop.lock:
        if grant_type == "authorization_code":
            return _from_code(state, client_id, str(form.get("code") or ""))
        if grant_type == TOKEN_EXCHANGE:
            return _from_session_token(state, client_id, form)
        if grant_type == "refresh_token":
            return _from_refresh_token(state, client_id, str(form.get("refresh_token") or ""))
    return _oauth_error("unsupported_grant_type", f"grant_type {grant_type} is not supported")


def _client_valid(state: SandboxState, client_id: str, secret: str) -> bool:
    if not client_id or (state.config.api_key is not None and client_id != state.config.api_key):
        return False
    return hmac.compare_digest(secret.encode(), state.config.api_secret.encode())


def _from_code(state: SandboxState, client_id: str, code: str):  # noqa: ANN202
    grant = state.shop.tokens.redeem_code(code, client_id)
    if grant is None:
        return _oauth_error(
            "invalid_request", "The authorization code was not found or was already used"
        )
    answer = state.shop.tokens.issue(
        client_id, grant.scope, state.clock.timestamp(), online=grant.online
    )
    if grant.online:
        answer.update(_associated_user(grant.scope))
    _reinstalled(state)
    return jsonify(answer)


def _from_session_token(state: SandboxState, client_id: str, form: Mapping[str, Any]):  # noqa: ANN202
    if form.get("subject_token_type", ID_TOKEN) != ID_TOKEN:
        return _oauth_error("invalid_request", "subject_token_type must be an id_token")
    try:
        claims = jwt.decode(
            str(form.get("subject_token") or ""),
            state.config.api_secret,
            algorithms=["HS256"],
            audience=client_id,
            leeway=10,
            options={"require": ["exp", "nbf", "iss", "dest", "aud", "sub"]},
        )
    except jwt.PyJWTError as error:
        return _oauth_error("invalid_subject_token", f"The subject token is invalid: {error}")
    if urlsplit(str(claims["dest"])).hostname != state.shop.domain:
        return _oauth_error("invalid_subject_token", "The subject token is for another shop")
    online = form.get("requested_token_type") == ONLINE_TOKEN
    expiring = str(form.get("expiring", "0")).lower() in ("1", "true")
    answer = state.shop.tokens.issue(
        client_id,
        state.config.scopes,
        state.clock.timestamp(),
        online=online,
        expiring=expiring and not online,
    )
    if online:
        answer.update(_associated_user(state.config.scopes, str(claims["sub"])))
    _reinstalled(state)
    return jsonify(answer)


def _from_refresh_token(state: SandboxState, client_id: str, refresh_token: str):  # noqa: ANN202
    grant = state.shop.tokens.use_refresh(refresh_token, client_id, state.clock.timestamp())
    if grant is None:
        return _oauth_error("invalid_grant", "The refresh token is invalid or expired")
    return jsonify(
        state.shop.tokens.issue(client_id, grant.scope, state.clock.timestamp(), expiring=True)
    )


def _associated_user(scope: str, user_id: str = "1") -> dict[str, Any]:
    return {
        "associated_user_scope": scope,
        "associated_user": {
            "id": int(user_id) if user_id.isdigit() else 1,
            "first_name": "Sandbox",
            "last_name": "Staff",
            "email": "staff@amends-demo.example",
            "account_owner": True,
            "locale": "en",
            "collaborator": False,
            "email_verified": True,
        },
    }


def _reinstalled(state: SandboxState) -> None:
    """A token issued after an uninstall is a reinstall: shop/redact is called off."""
    if not state.shop.installed:
        state.shop.installed = True
        state.hub.installed = True
        state.hub.cancel("shop/redact")
