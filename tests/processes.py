"""Real `amends` processes for the crash tests: started on a test's database, watched, killed."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests

Committed = TypeVar("Committed")

AMENDS = str(Path(sys.executable).with_name("amends"))


def amends_env(tmp_path: Path, settings: dict[str, Any], **extra: str) -> dict[str, str]:
    """Return the environment of an `amends` process on the test's settings."""
    env = os.environ | {f"AMENDS_{k.upper()}": str(v) for k, v in settings.items()}
    return env | {"AMENDS_INSTANCE_PATH": str(tmp_path / "instance")} | extra


def free_port() -> int:
    """Return a loopback port no one listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Poll `url`/healthz until it answers 200; fail if `process` exits or `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the server at {url} exited"
        try:
            if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # still starting
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} never became healthy")


def start_worker(tmp_path: Path, settings: dict, log_name: str, **extra: str) -> subprocess.Popen:
    """Start `amends worker` on the test's settings, quick to poll; its output goes to `log_name`.

    `extra` are more environment variables (AMENDS_...), for what a test must change.
    """
    env = amends_env(
        tmp_path,
        settings,
        AMENDS_OUTBOX_LEASE_SECONDS="1",
        AMENDS_WORKER_POLL_SECONDS="0.05",
    )
    with (tmp_path / log_name).open("w") as log:  # the worker keeps its own copy
        worker = subprocess.Popen([AMENDS, "worker"], env=env | extra, stdout=log, stderr=log)
    worker.log_path = tmp_path / log_name  # type: ignore[attr-defined]
    return worker


def wait_until(
    condition: Callable[[], bool], process: subprocess.Popen, what: str, seconds: float = 60
) -> None:
    """Poll `condition` until it holds; fail if `process` exits or `seconds` pass first."""
    deadline = time.monotonic() + seconds
    while not condition():
        if process.poll() is not None:
            log = getattr(process, "log_path", None)
            said = log.read_text()[-2000:] if log is not None else ""
            raise AssertionError(f"the worker exited while waiting until {what}:\n{said}")
        assert time.monotonic() < deadline, f"gave up waiting until {what}"
        time.sleep(0.05)


def kill_at_random_until_done(
    tmp_path: Path,
    settings: dict,
    committed: Callable[[], Committed],
    finished: Callable[[], bool],
    *,
    kills: int,
    seed: int,
    longest_pause: float,
    finishing: str,
    last_seconds: float,
) -> list[Committed]:
    """Start the worker, SIGKILL it at a random moment of its work, `kills` times; then let it end.

    Each start waits until `committed()` reads something new, so every kill lands
    while the worker is at work, after a pause drawn from `seed` (the same moments on
    every run). A last worker then runs until `finished()`, waiting up to
    `last_seconds`. Return what `committed()` read after each kill that landed.
    """
    chance = random.Random(seed)
    landed: list[Committed] = []
    while len(landed) < kills and not finished():
        before = committed()
        worker = start_worker(tmp_path, settings, f"worker-{len(landed)}.log")
        try:
            wait_until(lambda seen=before: committed() != seen, worker, "the worker is at work")
            time.sleep(chance.uniform(0.0, longest_pause))
            worker.send_signal(signal.SIGKILL)
        finally:
            worker.wait(timeout=30)
        if worker.returncode == -signal.SIGKILL:
            landed.append(committed())
    last = start_worker(tmp_path, settings, "worker-last.log")
    try:
        wait_until(finished, last, finishing, last_seconds)
    finally:
        last.send_signal(signal.SIGTERM)
        last.wait(timeout=30)
    return landed
