"""The sandbox Shopify store as a Flask app: `create_app(config)`.

It serves the Admin GraphQL API, the OAuth endpoints and the /_sandbox control API,
and delivers webhooks on a background thread. The app-specific subscriptions given
in the config (`webhook_uri` + `webhook_topics`, what shopify.app.toml declares) are
registered at start. Call `close_app(app)` to stop the delivery thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from sandboxes.shopify import admin, control, graphql_api, oauth
from sandboxes.shopify.clock import SandboxClock
from sandboxes.shopify.config import SandboxConfig
from sandboxes.shopify.delivery import WebhookHub
from sandboxes.shopify.formats import graphql_time, parse_time
from sandboxes.shopify.state import EXTENSION, SandboxState
from sandboxes.shopify.store import SandboxShop
from sandboxes.shopify.subscriptions import Subscription

DEFAULT_APP = "sandbox-app"


def create_app(config: SandboxConfig | Mapping[str, Any] | None = None) -> Flask:
    """Create a sandbox store from a SandboxConfig or a mapping of its fields."""
    settings = (
        config if isinstance(config, SandboxConfig) else SandboxConfig.from_mapping(config or {})
    )
    if not settings.api_secret:
        raise ValueError("the sandbox needs the app's client secret (api_secret) to sign with")
    clock = SandboxClock(settings.time_scale, parse_time(settings.clock_start))
    shop = SandboxShop(settings, clock)
    shop.tokens.accept(settings.access_token, settings.api_key or DEFAULT_APP, settings.scopes)
    hub = WebhookHub(settings, clock)
    if settings.webhook_uri:
        now = graphql_time(clock.now())
        hub.subscribe(
            Subscription(
                id=shop.next_id(),
                topics=frozenset(settings.webhook_topics),
                uri=settings.webhook_uri,
                api_version=settings.webhook_api_version,
                app_level=True,
                created_at=now,
                updated_at=now,
            )
        )
    app = Flask("shopify_sandbox")
    app.json.sort_keys = False
    app.extensions[EXTENSION] = SandboxState(settings, clock, shop, hub)
    app.register_blueprint(graphql_api.blueprint)
    app.register_blueprint(oauth.blueprint)
    app.register_blueprint(control.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_error_handler(HTTPException, _http_error)
    hub.start()
    return app


def close_app(app: Flask) -> None:
    """Stop the app's webhook delivery thread."""
    app.extensions[EXTENSION].close()


def _http_error(error: HTTPException) -> tuple[Response, int]:
    """Answer errors as JSON: Shopify's `{"errors": ...}` outside the control API."""
    status = error.code or 500
    if request.path.startswith("/_sandbox"):
        return jsonify(
            error=error.name.lower().replace(" ", "_"), message=error.description
        ), status
    return jsonify(errors=error.name), status
