"""`amends scheduler`: periodic jobs, run by APScheduler or once on demand.

Jobs take the runtime and the time they run "as of", so `--now` can replay a
moment. Each finds its due work through an index; none scans every order.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin import sync
from plugin.compensation.choices import apply_due_defaults
from plugin.inbox.store import prune_processed
from plugin.incidents.cadence import queue_due_updates
from plugin.incidents.overdue import check_due_orders
from plugin.incidents.parcels import check_due_parcels
from plugin.incidents.sla import check_due_targets
from plugin.quality.alerts import raise_alert
from plugin.quality.spikes import find_spikes
from plugin.runtime import Runtime
from plugin.scope import ShopScope
from plugin.shops import ACTIVE
from plugin.storage.leadership import Leadership
from plugin.storage.models import Shop
from plugin.sync import JobResult, ShopFailure

log = logging.getLogger("amends.scheduler")


@dataclass(frozen=True)
class Job:
    """A periodic job: a name, how often, and what it does."""

    name: str
    every: timedelta
    run: Callable[[Runtime, datetime], JobResult]


@dataclass(frozen=True)
class RunReport:
    """What one run of every job did, and the stores some job could not reach."""

    counts: dict[str, int]
    failures: dict[str, tuple[ShopFailure, ...]]

    @property
    def failed(self) -> bool:
        """Tell whether any job failed for any store."""
        return any(self.failures.values())

    def as_json(self) -> dict[str, Any]:
        """Return the run as `scheduler --once --json` prints it."""
        return {
            "jobs": self.counts,
            "failures": [
                {"job": name, **failure.as_json()}
                for name, failures in self.failures.items()
                for failure in failures
            ],
        }


def prune_inbox(runtime: Runtime, now: datetime) -> JobResult:
    """Delete processed deliveries older than the retention window (they hold personal data)."""
    before = now - timedelta(days=runtime.settings.inbox_retention_days)
    with runtime.database.transaction() as session:
        return JobResult(prune_processed(session, before))


DUE_BATCH = 500  # due rows per transaction: locks held briefly, progress kept


def _in_batches(runtime: Runtime, batch: Callable[[Session], tuple[int, int]]) -> JobResult:
    """Run `batch` (rows checked, things done) in transactions until a batch comes short."""
    done = 0
    while True:
        with runtime.database.transaction() as session:
            checked, count = batch(session)
        done += count
        if checked < DUE_BATCH:
            return JobResult(done)


def open_overdue_shipments(runtime: Runtime, now: datetime) -> JobResult:
    """Open delayed_shipment for paid orders not shipped within the shop's handling time."""

    def batch(session: Session) -> tuple[int, int]:
        result = check_due_orders(session, now, limit=DUE_BATCH)
        return result.checked, len(result.opened)

    return _in_batches(runtime, batch)


def open_late_parcels(runtime: Runtime, now: datetime) -> JobResult:
    """Open delayed_shipment for parcels past their estimate or without tracking news."""

    def batch(session: Session) -> tuple[int, int]:
        result = check_due_parcels(session, now, limit=DUE_BATCH)
        return result.checked, len(result.opened)

    return _in_batches(runtime, batch)


def queue_customer_updates(runtime: Runtime, now: datetime) -> JobResult:
    """Queue a progress update for every open incident whose cadence has come round."""

    def batch(session: Session) -> tuple[int, int]:
        result = queue_due_updates(session, now, limit=DUE_BATCH)
        return result.checked, result.queued

    return _in_batches(runtime, batch)


def alert_missed_targets(runtime: Runtime, now: datetime) -> JobResult:
    """Note every service target an incident missed, and queue the merchant's alert."""

    def batch(session: Session) -> tuple[int, int]:
        result = check_due_targets(session, now, limit=DUE_BATCH)
        return result.checked, result.breached

    return _in_batches(runtime, batch)


def apply_offer_defaults(runtime: Runtime, now: datetime) -> JobResult:
    """Apply the policy's default option of each offer the customer did not choose in time."""

    def batch(session: Session) -> tuple[int, int]:
        result = apply_due_defaults(session, now, limit=DUE_BATCH)
        return result.checked, result.applied

    return _in_batches(runtime, batch)


def alert_on_defect_spikes(runtime: Runtime, now: datetime) -> JobResult:
    """Open a quality incident, and tell the merchant, for each SKU whose returns spiked."""
    with runtime.database.transaction() as session:
        active = set(session.scalars(select(Shop.id).where(Shop.status == ACTIVE)))
        spikes = [s for s in find_spikes(session, ShopScope.every(), now) if s.shop_id in active]
        opened = [raise_alert(session, spike, now) for spike in spikes]
    return JobResult(sum(incident is not None for incident in opened))


JOBS: tuple[Job, ...] = (
    Job("inbox.prune", timedelta(hours=1), prune_inbox),
    Job("incidents.overdue-shipments", timedelta(minutes=5), open_overdue_shipments),
    Job("incidents.late-parcels", timedelta(minutes=15), open_late_parcels),
    Job("incidents.customer-updates", timedelta(minutes=5), queue_customer_updates),
    Job("incidents.sla-alerts", timedelta(minutes=5), alert_missed_targets),
    Job("compensations.offer-defaults", timedelta(minutes=15), apply_offer_defaults),
    Job("webhooks.upkeep", timedelta(minutes=15), sync.keep_webhooks_alive),
    Job("orders.reconcile", timedelta(minutes=10), sync.reconcile_orders),
    Job("quality.defect-spikes", timedelta(hours=1), alert_on_defect_spikes),
)


def job(name: str) -> Job:
    """Return the job called `name`."""
    return next(job for job in JOBS if job.name == name)


def run_due(runtime: Runtime, now: datetime | None = None) -> RunReport:
    """Run every job once, as of `now`; return what each one did and where it failed."""
    now = now or runtime.clock.now()
    results = {job.name: run_job(runtime, job, now) for job in JOBS}
    return RunReport(
        counts={name: result.count for name, result in results.items()},
        failures={name: result.failures for name, result in results.items()},
    )


def run_job(runtime: Runtime, job: Job, now: datetime) -> JobResult:
    """Run one job as of `now` and log what it did, and for how many stores it failed."""
    result = job.run(runtime, now)
    log.info(
        "scheduler.job-ran",
        extra={"job": job.name, "count": result.count, "failed": len(result.failures)},
    )
    return result


def lead(runtime: Runtime, poll_seconds: float) -> Leadership:
    """Become the database's one scheduler, standing by while another one is.

    The lock is the database's (or the host's, for SQLite), freed when its holder
    dies, so a standby takes over within `poll_seconds` of the leader's end.
    """
    leadership = Leadership(runtime.database)
    if leadership.try_take():
        return leadership
    log.warning(
        "scheduler.standby",
        extra={"reason": "another scheduler runs the jobs for this database; standing by"},
    )
    while not leadership.try_take():
        time.sleep(poll_seconds)
    log.info("scheduler.taking-over")
    return leadership


def run_forever(runtime: Runtime) -> None:
    """Run every job at its interval until stopped, while no other scheduler does."""
    leadership = lead(runtime, runtime.settings.scheduler_standby_poll_seconds)
    scheduler = BlockingScheduler(timezone="UTC")
    for job in JOBS:
        scheduler.add_job(
            lambda job=job: run_job(runtime, job, runtime.clock.now()),
            IntervalTrigger(seconds=job.every.total_seconds()),
            id=job.name,
            coalesce=True,
            max_instances=1,
            next_run_time=runtime.clock.now(),
        )
    log.info("scheduler.started", extra={"jobs": ",".join(job.name for job in JOBS)})
    checkpointer = runtime.database.start_checkpoints()
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler.stopped")
    finally:
        if checkpointer is not None:
            checkpointer.stop()
        leadership.release()
