"""The sandbox WooCommerce app: factory, authentication hook, WordPress headers, errors.

Errors always answer WordPress's JSON error shape, never HTML: an unknown route
(or a known one with the wrong method) is 404 `rest_no_route`, as WordPress
answers both.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from sandboxes.woocommerce.auth import authenticate
from sandboxes.woocommerce.consts import REST_PREFIX
from sandboxes.woocommerce.context import EXTENSION, current_store
from sandboxes.woocommerce.rest import RestError, error_response, json_response, wp_error
from sandboxes.woocommerce.routes import blueprints
from sandboxes.woocommerce.store import SandboxStore

log = logging.getLogger("amends.sandbox.woocommerce")

CORS_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link"),
    (
        "Access-Control-Allow-Headers",
        "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type",
    ),
)
NO_CACHE = (
    ("Expires", "Wed, 11 Jan 1984 05:00:00 GMT"),
    ("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private"),
)
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
CRITICAL_ERROR = (
    "<p>There has been a critical error on this website.</p>"
    '<p><a href="https://wordpress.org/documentation/article/faq-troubleshooting/">'
    "Learn more about troubleshooting WordPress.</a></p>"
)


def create_app(store: SandboxStore | None = None, **options: Any) -> Flask:
    """Build the sandbox store's app around `store` (a new one from `options` if None)."""
    app = Flask(__name__, static_folder=None)
    app.extensions[EXTENSION] = store if store is not None else SandboxStore(**options)
    for blueprint in blueprints():
        app.register_blueprint(blueprint)
    app.before_request(_host_refusal)
    app.before_request(_authenticate)
    app.after_request(_wordpress_headers)
    app.after_request(_host_refusal_after)
    app.register_error_handler(RestError, error_response)
    app.register_error_handler(HTTPException, _http_error)
    return app


def _host_refusal() -> Response | None:
    """Answer in WordPress's place when the host has a refusal queued for this request."""
    if not request.path.startswith(REST_PREFIX + "/"):
        return None
    refusal = current_store().host.next_refusal(request.method)
    if refusal is None:
        return None
    if refusal.after:
        g.host_refusal = refusal  # WordPress does the work; the host answers afterwards
        return None
    return refusal.response()


def _host_refusal_after(response: Response) -> Response:
    """Replace WordPress's answer with the host's, for a request that ran too long."""
    refusal = g.pop("host_refusal", None)
    return refusal.response() if refusal is not None else response


def _authenticate() -> None:
    """Learn the store URL from the first request, then authenticate REST calls."""
    store = current_store()
    store.adopt_url(request.host_url)
    g.api_key = None
    if request.path.startswith(REST_PREFIX + "/"):
        g.api_key = authenticate(store, request)


def _wordpress_headers(response: Response) -> Response:
    """Add the headers WordPress's REST server sends with every answer."""
    if not request.path.startswith(REST_PREFIX):
        return response
    response.headers.setdefault("X-Robots-Tag", "noindex")
    if "Link" not in response.headers:
        root = current_store().url + REST_PREFIX + "/"
        response.headers["Link"] = f'<{root}>; rel="https://api.w.org/"'
    for name, value in CORS_HEADERS:
        response.headers[name] = value
    if g.get("api_key") is None:
        response.headers["Vary"] = "Origin"
        return response
    allowed = _allowed_methods()
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    for name, value in NO_CACHE:
        response.headers[name] = value
    return response


def _allowed_methods() -> list[str]:
    if request.url_rule is None:
        return []
    adapter = current_app.url_map.bind_to_environ(request.environ)
    methods = set(adapter.allowed_methods())
    return [method for method in METHOD_ORDER if method in methods]


def _http_error(error: HTTPException) -> Response:
    """Answer HTTP errors in WordPress's JSON shape."""
    if isinstance(error, NotFound | MethodNotAllowed):
        return error_response(
            wp_error(
                "rest_no_route", "No route was found matching the URL and request method.", 404
            )
        )
    if (error.code or 500) >= 500:
        original = getattr(error, "original_exception", None)
        log.error("sandbox.woocommerce.crash", exc_info=original or error)
        body = {
            "code": "internal_server_error",
            "message": CRITICAL_ERROR,
            "data": {"status": 500},
            "additional_errors": [],
        }
        return json_response(body, 500)
    code = (error.name or "error").lower().replace(" ", "_")
    return error_response(wp_error(f"rest_{code}", error.description or "", error.code or 400))
