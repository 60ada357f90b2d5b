"""HTTP intake for platform webhooks: verify, bound, dedupe, persist, answer fast.

No business logic lives here; the worker processes what the inbox holds.
"""

from __future__ import annotations

from flask import Flask

from webhooks.directory import Directory
from webhooks.views import bp


def init_app(app: Flask) -> None:
    """Register the webhook endpoints and the per-process directory of known shops."""
    app.extensions["amends.webhooks.shops"] = Directory(ttl_seconds=10.0)
    app.register_blueprint(bp)
