"""One scheduler runs the jobs per database; a second one stands by, and takes over."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from plugin.storage.db import connect
from plugin.storage.leadership import Leadership
from tests.processes import AMENDS, amends_env


@pytest.fixture
def database(database_url):  # noqa: ANN001, ANN201
    built = connect(database_url)
    yield built
    built.dispose()


def test_only_one_holder_at_a_time_and_the_next_one_after_it_lets_go(database, database_url):
    first, second = Leadership(database), Leadership(connect(database_url))
    try:
        assert first.try_take()
        assert not second.try_take()

        first.release()

        assert second.try_take()
    finally:
        first.release()
        second.release()
        second.database.dispose()


def start_scheduler(tmp_path: Path, settings: dict, name: str) -> subprocess.Popen:
    env = amends_env(
        tmp_path,
        settings,
        AMENDS_LOG_LEVEL="INFO",
        AMENDS_SCHEDULER_STANDBY_POLL_SECONDS="0.2",
    )
    with (tmp_path / f"{name}.log").open("w") as log:
        return subprocess.Popen(
            [AMENDS, "scheduler"], env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )


def log_of(tmp_path: Path, name: str) -> str:
    return (tmp_path / f"{name}.log").read_text()


def wait_for(tmp_path: Path, name: str, text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in log_of(tmp_path, name):
        assert time.monotonic() < deadline, f"{name} never logged {text!r}"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_second_scheduler_runs_nothing_until_the_first_one_dies(
    tmp_path, settings_overrides, cli
):
    first = start_scheduler(tmp_path, settings_overrides, "first")
    second = None
    try:
        wait_for(tmp_path, "first", "scheduler.job-ran")
        second = start_scheduler(tmp_path, settings_overrides, "second")
        wait_for(tmp_path, "second", "scheduler.standby")
        refused = cli("scheduler", "--once")

        time.sleep(1)
        assert "scheduler.job-ran" not in log_of(tmp_path, "second")
        assert refused.exit_code == 1
        assert "another scheduler is running the jobs" in refused.output

        first.send_signal(signal.SIGKILL)  # dies holding the lock
        first.wait(timeout=30)
        wait_for(tmp_path, "second", "scheduler.job-ran")
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
    assert "scheduler.taking-over" in log_of(tmp_path, "second")
