"""`amends serve`: the web app under gunicorn (or Flask's dev server with --debug)."""

from __future__ import annotations

import errno
import gc
import socket
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from gunicorn.sock import BaseSocket, TCP6Socket, TCPSocket
from gunicorn.workers.base import Worker

from plugin.app import create_app
from plugin.errors import AddressInUse

BACKLOG = 2048  # gunicorn's default


def family_of(host: str) -> socket.AddressFamily:
    """Return the family gunicorn binds `host` with: IPv6 for a literal with colons."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def claim_address(host: str, port: int) -> socket.socket:
    """Listen on host:port, refusing an address another server already listens on.

    The socket is bound and listening before SO_REUSEPORT is set on it, so the kernel
    checks the address as for any exclusive listener: another `amends serve` (or
    anything else) listening there makes it fail. Set afterwards, SO_REUSEPORT lets
    this server's own workers' sockets listen beside it, and every later `amends
    serve` is refused the same way, since it claims the address exclusively first.
    """
    try:
        claimed = socket.create_server((host, port), family=family_of(host), backlog=BACKLOG)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise AddressInUse(
            f"address {host}:{port} is in use: another server listens there; "
            "stop it or choose another --port"
        ) from error
    claimed.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return claimed


def worker_sockets(claimed: socket.socket, count: int) -> list[socket.socket]:
    """Return `count` listening sockets on the claimed address, the claimed one first.

    Each worker accepts on a socket of its own and the kernel spreads connections
    evenly across them; with one shared socket one worker can take most.
    """
    host, port = claimed.getsockname()[:2]
    extra = [
        socket.create_server((host, port), family=claimed.family, backlog=BACKLOG, reuse_port=True)
        for _ in range(count - 1)
    ]
    return [claimed, *extra]


class AmendsServer(BaseApplication):
    """Gunicorn, configured from arguments instead of a config file.

    The master holds one listening socket per worker for its whole life and hands
    each worker one no live worker has: a worker that dies leaves its socket (and
    the connections waiting on it) to its replacement, and the address is never
    left for another server to take.
    """

    def __init__(self, options: dict[str, Any], sockets: list[socket.socket]) -> None:
        self.options = options
        self.sockets = sockets
        self.listeners: list[BaseSocket] = []
        super().__init__()

    def load_config(self) -> None:
        """Pass the options on to gunicorn's settings, with the hooks that hand out sockets."""
        for key, value in self.options.items():
            self.cfg.set(key, value)
        self.cfg.set("on_starting", self.hold_sockets)
        self.cfg.set("pre_fork", self.choose_socket)
        self.cfg.set("post_fork", self.use_socket)

    def hold_sockets(self, arbiter: Arbiter) -> None:
        """Give the arbiter the sockets already listening, instead of binding its own.

        It lists the first as the address it listens at, and closes it when it stops.
        """
        kind = TCP6Socket if self.sockets[0].family == socket.AF_INET6 else TCPSocket
        self.listeners = [
            kind(held.getsockname(), self.cfg, arbiter.log, fd=held.detach())
            for held in self.sockets
        ]
        arbiter.LISTENERS = self.listeners[:1]

    def choose_socket(self, arbiter: Arbiter, worker: Worker) -> None:
        """Give the worker about to start a socket no live worker has (else the first)."""
        taken = {getattr(live, "socket_index", None) for live in arbiter.WORKERS.values()}
        free = (index for index in range(len(self.listeners)) if index not in taken)
        worker.socket_index = next(free, 0)

    def use_socket(self, _arbiter: Arbiter, worker: Worker) -> None:
        """Accept, in the new worker, on the socket it was given."""
        worker.sockets = [self.listeners[worker.socket_index]]

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
    """Serve Amends with gunicorn until stopped; refuse an address in use."""
    sockets = worker_sockets(claim_address(host, port), workers)
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
        },
        sockets,
    ).run()
