"""The application factory: one Flask app serving webhooks, health and the admin."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

import admin_ui
import webhooks
from plugin import health
from plugin.logs import configure_logging
from plugin.runtime import Runtime, build_runtime, default_instance_path

log = logging.getLogger("amends.app")


def create_app(test_config: dict[str, Any] | None = None, runtime: Runtime | None = None) -> Flask:
    """Create the Amends web app.

    Settings come from code defaults, `<instance>/amends.toml`, `AMENDS_*` variables
    and finally `test_config`. A ready `runtime` may be passed to share one between
    the app and other entry points in the same process.
    """
    runtime = runtime or build_runtime(default_instance_path(), overrides=test_config)
    app = Flask("amends", instance_path=str(runtime.settings.instance_path))
    configure_logging(runtime.settings.log_level)
    app.config.update(SECRET_KEY=runtime.settings.secret_key, JSON_SORT_KEYS=False)
    app.extensions["amends"] = runtime
    health.init_app(app)
    webhooks.init_app(app)
    admin_ui.init_app(app)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _http_error(error: HTTPException):  # noqa: ANN202
    """Answer every HTTP error as a short JSON reason, never an HTML page."""
    response = jsonify(error=error.name.lower().replace(" ", "_"), message=error.description)
    response.status_code = error.code or 500
    headers = dict(error.get_headers())
    for name in ("Allow", "Retry-After"):
        if name in headers:
            response.headers[name] = headers[name]
    return response


def _unexpected_error(error: Exception):  # noqa: ANN202
    """Log an unexpected failure with its traceback; answer a plain 500, no traceback."""
    log.error("app.unexpected-error", exc_info=error)
    return _http_error(InternalServerError("unexpected error; it has been logged"))
