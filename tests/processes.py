"""Real `amends` processes for the crash tests: started on a test's database, watched, killed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

AMENDS = str(Path(sys.executable).with_name("amends"))


def amends_env(tmp_path: Path, settings: dict[str, Any], **extra: str) -> dict[str, str]:
    """Return the environment of an `amends` process on the test's settings."""
    env = os.environ | {f"AMENDS_{k.upper()}": str(v) for k, v in settings.items()}
    return env | {"AMENDS_INSTANCE_PATH": str(tmp_path / "instance")} | extra


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
