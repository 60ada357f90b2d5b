"""`amends serve`: the web app under gunicorn (or Flask's dev server with --debug)."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication

from plugin.app import create_app


class AmendsServer(BaseApplication):
    """Gunicorn, configured from arguments instead of a config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Pass the options on to gunicorn's settings."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # noqa: ANN201
        """Build the app in each worker process, after the fork (own database pool).

        The app's long-lived objects (settings, mapped models, schemas, routes) are
        then frozen out of the garbage collector's sight: otherwise every full
        collection walks them all in the middle of a request (about 30 ms here).
        Each worker also offers to checkpoint a SQLite database in the background.
        """
        app = create_app()
        gc.freeze()
        runtime = app.extensions.get("amends")  # None for an app that is not Amends'
        if runtime is not None:
            runtime.database.start_checkpoints()
        return app


def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve Amends with gunicorn until stopped."""
    AmendsServer(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread" if threads > 1 else "sync",
            "keepalive": 5,  # Shopify keeps connections alive between deliveries
            "timeout": 30,
            "accesslog": "-",
            "preload_app": False,
            # gunicorn's control socket sits at one path per user: two instances on a
            # host would share it. Amends does not use it.
            "control_socket_disable": True,
            # Each worker gets its own listening socket and the kernel spreads the
            # connections evenly; with one shared socket one worker can take most.
            "reuse_port": True,
        }
    ).run()
