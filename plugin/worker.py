"""`amends worker`: drain the inbox (and, with the compensation engine, the outbox)."""

from __future__ import annotations

import logging
import signal
import threading

from plugin.errors import StorageUnavailable
from plugin.inbox.processing import process_due
from plugin.runtime import Runtime

log = logging.getLogger("amends.worker")


# Deliveries processed between two looks at a stop request: with a backlog of
# thousands, stopping must not wait for all of them (a few ms each).
STOP_CHECK_EVERY = 50


def run_once(runtime: Runtime, limit: int | None = None) -> int:
    """Process the deliveries due now (at most `limit`); return how many were processed."""
    return process_due(runtime.database, runtime.parse, runtime.retry_policy, limit)


def run_forever(runtime: Runtime, stop: threading.Event | None = None) -> None:
    """Process due work until SIGTERM/SIGINT; sleep briefly when there is none.

    A stop request is seen within STOP_CHECK_EVERY deliveries; the delivery in
    progress is finished (or, if the process is killed, rolled back) first.
    """
    stop = stop or _stop_on_signals()
    log.info("worker.started", extra={"database": runtime.database.dialect})
    checkpointer = runtime.database.start_checkpoints()
    while not stop.is_set():
        try:
            processed = run_once(runtime, STOP_CHECK_EVERY)
        except StorageUnavailable as error:
            log.error("worker.store-unavailable", extra={"error": str(error)})
            processed = 0
        if not processed:
            stop.wait(runtime.settings.worker_poll_seconds)
    if checkpointer is not None:
        checkpointer.stop()
    log.info("worker.stopped")


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop
