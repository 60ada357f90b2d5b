"""HTTP intake for platform webhooks: verify, bound, dedupe, persist, answer fast.

No business logic lives here; the worker processes what the inbox holds.
"""

from __future__ import annotations

from flask import Flask

from plugin.inbox.groupcommit import GroupCommit
from webhooks.directory import Directory
from webhooks.views import bp


def init_app(app: Flask) -> None:
    """Register the webhook endpoints, with the per-process shop directory and inbox writer."""
    app.extensions["amends.webhooks.shops"] = Directory(ttl_seconds=10.0)
    app.extensions["amends.webhooks.inbox"] = GroupCommit.into(app.extensions["amends"].database)
    app.register_blueprint(bp)
