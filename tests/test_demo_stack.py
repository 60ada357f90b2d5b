"""The demo's process stack leaves nothing running, even what its children left behind."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from pathlib import Path

import pytest

from demo.stack import _PRCTL, PR_SET_CHILD_SUBREAPER, Stack

# A parent that starts a child which shrugs off SIGTERM, prints its pid, and waits.
PARENT = textwrap.dedent(
    """
    import subprocess, sys
    child = subprocess.Popen([sys.executable, "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print(flush=True); time.sleep(600)"], stdout=subprocess.PIPE)
    child.stdout.readline()
    print(child.pid, flush=True)
    child.wait()
    """
)


@pytest.fixture
def stack(tmp_path):
    stack = Stack(tmp_path / "logs")
    yield stack
    stack.stop(timeout=1)
    if _PRCTL is not None:
        _PRCTL(PR_SET_CHILD_SUBREAPER, 0)  # the test process adopts no one else's orphans


def test_a_grandchild_whose_parent_was_killed_is_stopped_with_the_stack(stack, tmp_path):
    parent = stack.start("parent", [sys.executable, "-c", PARENT], dict(os.environ))
    grandchild = _pid_printed_to(tmp_path / "logs" / "parent.log")
    os.kill(parent.pid, signal.SIGKILL)  # as when a server's master is killed mid-stop
    parent.wait()

    assert _parent_of(grandchild) == os.getpid()  # adopted, not lost to init
    stack.stop(timeout=1)

    assert not Path(f"/proc/{grandchild}").exists()  # killed and reaped: not even a zombie


def test_a_second_interrupt_while_stopping_does_not_break_off_the_stop(stack, tmp_path):
    stubborn = (
        "import os, signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print(os.getpid(), flush=True); time.sleep(600)"
    )
    stack.start("stubborn", [sys.executable, "-c", stubborn], dict(os.environ))
    _pid_printed_to(tmp_path / "logs" / "stubborn.log")  # it ignores SIGTERM from now on
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)  # SIGALRM is not ignored...
        signal.signal(signal.SIGALRM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
        stack.stop(timeout=1)  # ...but the SIGINT it sends mid-stop is
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    assert stack.children == {}


def _pid_printed_to(log: Path) -> int:
    for _ in range(200):
        if log.exists() and (text := log.read_text().strip()):
            return int(text)
        time.sleep(0.05)
    raise AssertionError(f"nothing printed to {log}")


def _parent_of(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1])
