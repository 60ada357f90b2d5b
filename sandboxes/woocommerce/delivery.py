"""The webhook deliverer: a worker thread draining a queue, as Action Scheduler does.

What it keeps from WooCommerce (class-wc-webhook.php, wc-webhook-functions.php):
- a job is `(webhook id, hook argument)`; an identical job still pending is not
  queued twice, so bursts collapse into one delivery;
- the payload is built when the job runs, showing the state at that moment;
- no retries: success is HTTP 200-302 (redirects not followed), anything else
  (303, 404, 5xx, timeouts, refused connections, a URL wp_safe_remote_post()
  will not send to, such as an unsafe port) is a failure; a failure when
  `failure_count` is already > 5 disables the webhook, else counts one more; a
  success resets the count;
- every save of an active webhook still `pending_delivery` pings again, and
  only an exact 200 to a ping clears `pending_delivery`.
`flush()` is the sandbox's own addition: wait until the queue is empty.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sandboxes.woocommerce import payloads, safe_http

if TYPE_CHECKING:
    from sandboxes.woocommerce.models import Webhook
    from sandboxes.woocommerce.store import SandboxStore

MAX_FAILURES = 5  # woocommerce_max_webhook_delivery_failures


@dataclass(frozen=True)
class Job:
    """One queued delivery."""

    webhook_id: int
    arg: Any


class Deliverer:
    """Queue deliveries and send them from one background thread."""

    def __init__(
        self,
        store: SandboxStore,
        *,
        timeout: float = 60.0,
        ping_timeout: float = 5.0,
        paused: bool = False,
    ) -> None:
        self.timeout = timeout
        self.ping_timeout = ping_timeout
        self._store = store
        self._cond = threading.Condition()
        self._queue: list[Job] = []
        self._busy = False
        self._draining = 0
        self._paused = paused
        self._stopped = False
        self._log: list[dict[str, Any]] = []
        self._thread = threading.Thread(target=self._run, name="wc-sandbox-deliverer", daemon=True)
        self._thread.start()

    # --- queue ------------------------------------------------------------------

    def enqueue(self, webhook_id: int, arg: Any) -> bool:
        """Queue a delivery unless the same one is still pending; tell if queued."""
        job = Job(webhook_id, arg)
        with self._cond:
            if job in self._queue:
                return False
            self._queue.append(job)
            self._cond.notify_all()
            return True

    def flush(self, timeout: float = 30.0) -> bool:
        """Deliver everything queued (even when paused); tell if the queue emptied in time."""
        with self._cond:
            self._draining += 1
            self._cond.notify_all()
            try:
                return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout)
            finally:
                self._draining -= 1

    def pause(self) -> None:
        """Hold queued jobs, as a store whose cron has not run yet."""
        with self._cond:
            self._paused = True

    def resume(self) -> None:
        """Let queued jobs run again."""
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        """Tell whether jobs are held."""
        with self._cond:
            return self._paused

    def pending(self) -> list[dict[str, Any]]:
        """Return the queued jobs, oldest first."""
        with self._cond:
            return [{"webhook_id": job.webhook_id, "arg": job.arg} for job in self._queue]

    def attempts(self) -> list[dict[str, Any]]:
        """Return every ping and delivery attempted so far, oldest first."""
        with self._cond:
            return [dict(entry) for entry in self._log]

    def clear_attempts(self) -> None:
        """Forget the attempts logged so far."""
        with self._cond:
            self._log.clear()

    def stop(self) -> None:
        """Stop the worker thread (queued jobs are dropped)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(self._ready)
                if self._stopped:
                    return
                job = self._queue.pop(0)
                self._busy = True
            try:
                self._deliver(job)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _ready(self) -> bool:
        return self._stopped or bool(self._queue and (not self._paused or self._draining))

    # --- sending ----------------------------------------------------------------

    def _deliver(self, job: Job) -> None:
        store = self._store
        with store.lock:
            webhook = store.webhooks.get(job.webhook_id)
            if webhook is None:
                self._record("delivery", job.webhook_id, "", None, error="webhook deleted")
                return
            body = payloads.delivery_body(store, webhook, job.arg)
            headers = payloads.delivery_headers(store, webhook, body)
            url, topic = webhook.delivery_url, webhook.topic
        answer = safe_http.post(store, url, body, headers, self.timeout)
        with store.lock:
            webhook = store.webhooks.get(job.webhook_id)
            if webhook is None:
                return
            self._count(webhook, answer.status)
            ping_again = webhook.status == "active" and webhook.pending_delivery
        self._record(
            "delivery",
            job.webhook_id,
            url,
            answer.status,
            error=answer.error,
            topic=topic,
            arg=job.arg,
            headers=headers,
            body=body.decode("ascii"),
        )
        if ping_again:
            self.ping(job.webhook_id)

    def _count(self, webhook: Webhook, status: int | None) -> None:
        """Track the result as WC_Webhook::log_delivery and failed_delivery do, then save."""
        if status is not None and 200 <= status < 303:
            webhook.failure_count = 0
        elif webhook.failure_count > MAX_FAILURES:
            webhook.status = "disabled"
        else:
            webhook.failure_count += 1
        webhook.modified = self._store.clock.now()

    def ping(self, webhook_id: int) -> bool:
        """POST `webhook_id=N` to the webhook's URL; an exact 200 clears pending_delivery."""
        store = self._store
        with store.lock:
            webhook = store.webhooks.get(webhook_id)
            if webhook is None:
                return False
            url = webhook.delivery_url
        body = f"webhook_id={webhook_id}".encode()
        answer = safe_http.post(store, url, body, payloads.ping_headers(body), self.ping_timeout)
        self._record("ping", webhook_id, url, answer.status, error=answer.error, body=body.decode())
        if answer.status != 200:
            return False
        with store.lock:
            webhook = store.webhooks.get(webhook_id)
            if webhook is not None:
                webhook.pending_delivery = False
                webhook.modified = store.clock.now()
        return True

    def _record(
        self,
        kind: str,
        webhook_id: int,
        url: str,
        status: int | None,
        *,
        error: str | None = None,
        **details: Any,
    ) -> None:
        success = status == 200 if kind == "ping" else status is not None and 200 <= status < 303
        entry = {
            "kind": kind,
            "webhook_id": webhook_id,
            "delivery_url": url,
            "status": status,
            "success": success,
            "error": error,
            "at": self._store.clock.local(self._store.clock.now()),
            **details,
        }
        if "headers" in entry:
            entry["headers"] = [list(pair) for pair in entry["headers"]]
        with self._cond:
            self._log.append(entry)
