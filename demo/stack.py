"""The processes the demo starts, and stopping every one of them whatever stops the demo.

Children stay in the demo's process group, so a signal to the group (Ctrl-C in a
terminal, or `kill -INT -PGID` from elsewhere) reaches them too; each also asks the
kernel to send it SIGTERM if the demo itself dies, so none outlives it even when the
demo is killed outright. A SIGINT or SIGTERM to the demo alone stops them in turn.

Their own children (gunicorn's workers) are the demo's to stop too: the demo is
their subreaper, so one its parent left behind, a worker still finishing when its
master was killed, is adopted by the demo and stopped before the demo exits.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PR_SET_CHILD_SUBREAPER = 36
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
# Looked up once, here: between fork and exec the child only calls it.
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    """In the child, before exec: receive SIGTERM when the parent dies (Linux)."""
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGTERM))


class Stopped(Exception):
    """The demo was asked to stop (SIGINT or SIGTERM)."""


class Stack:
    """Child processes started by name, with their output in one log folder."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.children: dict[str, subprocess.Popen[bytes]] = {}
        if _PRCTL is not None:
            _PRCTL(PR_SET_CHILD_SUBREAPER, 1)

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        """Start `argv` as `name`; its output goes to `<logs>/<name>.log`."""
        self.logs.mkdir(parents=True, exist_ok=True)
        with (self.logs / f"{name}.log").open("ab") as log:
            child = subprocess.Popen(  # noqa: S603 - the demo's own commands
                argv,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - one prebound C call
            )
        self.children[name] = child
        return child

    def exited(self) -> dict[str, int]:
        """Return the children that have exited, with their status."""
        return {
            name: child.returncode
            for name, child in self.children.items()
            if child.poll() is not None
        }

    def stop(self, timeout: float = 10.0) -> None:
        """Ask every child to stop, wait for it, and kill what does not.

        A second Ctrl-C while it stops is ignored: breaking off here would leave
        processes behind, and every wait is bounded by `timeout` anyway.
        """
        with _signals_ignored():
            self._stop(timeout)

    def _stop(self, timeout: float) -> None:
        for child in self.children.values():
            if child.poll() is None:
                child.terminate()
        for child in self.children.values():
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.children.clear()
        _stop_adopted(timeout)


@contextmanager
def _signals_ignored() -> Iterator[None]:
    previous = {signum: signal.signal(signum, signal.SIG_IGN) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _adopted() -> list[int]:
    """Return the processes this one has as children but did not start (Linux)."""
    found: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            found += [int(pid) for pid in task.read_text().split()]
        except OSError:  # the thread ended meanwhile
            continue
    return found


def _stop_adopted(timeout: float) -> None:
    """Stop the orphans adopted as subreaper: SIGTERM, then SIGKILL after `timeout`."""
    for pid in _adopted():
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while (left := _adopted()) and time.monotonic() < deadline:
        _reap(left)
        time.sleep(0.05)
    for pid in _adopted():
        _signal(pid, signal.SIGKILL)
        _reap([pid], block=True)


def _signal(pid: int, signum: signal.Signals) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _reap(pids: list[int], block: bool = False) -> None:
    """Collect the exit status of those that ended, so they leave no zombie."""
    for pid in pids:
        try:
            os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            pass


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into `Stopped` while the block runs."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Stopped(signal.Signals(signum).name)

    previous: dict[int, Callable[..., object] | int | None] = {}
    for signum in STOP_SIGNALS:
        previous[signum] = signal.signal(signum, stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
