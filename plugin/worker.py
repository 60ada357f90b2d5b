"""`amends worker`: drain the inbox and the outbox."""

from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, replace
from datetime import timedelta

from plugin.compensation.execute import CompensationExecutor
from plugin.errors import ConfigurationError, StorageUnavailable
from plugin.inbox.processing import BATCH_SIZE, process_due
from plugin.incidents.links import IncidentLinks
from plugin.messaging import SmtpSender
from plugin.outbox import COMPENSATION, EMAIL, MERCHANT_EMAIL
from plugin.outbox.alerts import MerchantAlertCourier
from plugin.outbox.email import EmailCourier
from plugin.outbox.runner import Executor, OutboxRunner
from plugin.platforms import Actions, ShopContext
from plugin.runtime import Runtime
from plugin.storage.models import Shop
from plugin.sync import shop_context

log = logging.getLogger("amends.worker")


# Deliveries processed between two looks at a stop request (and at the outbox):
# with a backlog of thousands, stopping must not wait for all of them (about a
# millisecond each). A whole number of SQLite's batches, so that none is cut short:
# every batch costs a claim, a transaction and a commit however few it holds, and
# with 50 every third one held 10. The outbox, looked at between passes, waits
# about a tenth of a second for its turn while a backlog drains.
STOP_CHECK_EVERY = 5 * BATCH_SIZE


@dataclass(frozen=True)
class Drained:
    """What one pass over the queues did."""

    deliveries: int
    messages: int


def actor_for(runtime: Runtime, shop_id: int) -> tuple[Actions, ShopContext]:
    """Return the connector that acts on a shop's store, and the shop as it sees it.

    Its client tries each call once: a busy or failing store fails the outbox row's
    attempt, which the queue schedules again after its backoff (or the platform's
    Retry-After), instead of the worker sleeping on it while other rows wait.
    """
    with runtime.database.reading() as session:
        shop = session.get(Shop, shop_id)
        if shop is None:
            raise ConfigurationError(f"no shop with id {shop_id}")
        context = replace(shop_context(runtime, shop), retry_in_place=False)
        return runtime.connector_for(shop.platform, Actions), context


def outbox_runner(runtime: Runtime) -> OutboxRunner:
    """Build this process's outbox runner; e-mail waits, queued, until SMTP is configured.

    The merchant's alerts go through the same mail server as the customers' messages.
    """
    settings = runtime.settings
    executors: dict[str, Executor] = {
        COMPENSATION: CompensationExecutor(lambda shop_id: actor_for(runtime, shop_id)),
    }
    missing: dict[str, str] = {}
    if settings.smtp_url and settings.smtp_sender:
        sender = SmtpSender.from_url(settings.smtp_url)
        now = lambda: runtime.clock.now()  # noqa: E731
        links = IncidentLinks(settings.secret_key, settings.public_url, now)
        executors[EMAIL] = EmailCourier(sender, settings.smtp_sender, now, links)
        executors[MERCHANT_EMAIL] = MerchantAlertCourier(
            sender, settings.smtp_sender, now, settings.public_url
        )
    else:
        unset = [name for name in ("smtp_url", "smtp_sender") if not getattr(settings, name)]
        needs = " and ".join(f"AMENDS_{name.upper()}" for name in unset)
        missing = {EMAIL: needs, MERCHANT_EMAIL: needs}
    lease = timedelta(seconds=settings.outbox_lease_seconds)
    return OutboxRunner(runtime.database, executors, runtime.outbox_policy, lease, missing)


def drain(runtime: Runtime, outbox: OutboxRunner, limit: int | None = None) -> Drained:
    """Process the deliveries due now, then carry out the messages due (at most `limit` each)."""
    deliveries = process_due(runtime.database, runtime.parse, runtime.retry_policy, limit)
    return Drained(deliveries, outbox.run_due(limit))


def run_once(runtime: Runtime, limit: int | None = None, outbox: OutboxRunner | None = None) -> int:
    """Drain what is due now (at most `limit` of each); return how many rows were handled."""
    drained = drain(runtime, outbox or outbox_runner(runtime), limit)
    return drained.deliveries + drained.messages


def run_forever(runtime: Runtime, stop: threading.Event | None = None) -> None:
    """Process due work until SIGTERM/SIGINT; sleep briefly when there is none.

    A stop request is seen within STOP_CHECK_EVERY deliveries (and as many
    messages); the batch of deliveries or the message in progress is finished (or,
    if the process is killed, rolled back, or for a message being sent, sent again
    after its lease) first.
    """
    stop = stop or _stop_on_signals()
    outbox = outbox_runner(runtime)
    log.info("worker.started", extra={"database": runtime.database.dialect})
    checkpointer = runtime.database.start_checkpoints()
    while not stop.is_set():
        try:
            processed = run_once(runtime, STOP_CHECK_EVERY, outbox)
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
