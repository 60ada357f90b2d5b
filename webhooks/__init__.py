"""HTTP intake for platform webhooks: verify, bound, dedupe, persist, answer fast.

No business logic lives here; the worker processes what the inbox holds.
"""

from __future__ import annotations

from flask import Flask

from webhooks.views import bp


def init_app(app: Flask) -> None:
    """Register the webhook endpoints."""
    app.register_blueprint(bp)
