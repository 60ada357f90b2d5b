"""The WordPress harness cleans up after a site whose owner was killed before it could."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sandboxes.wordpress.site import _started, drop_orphaned_databases, mariadb


@pytest.fixture
def databases():
    """Create MariaDB databases by name for the test; drop whatever is left after it."""
    made: list[str] = []

    def create(name: str) -> str:
        mariadb(f"CREATE DATABASE `{name}`")
        made.append(name)
        return name

    yield create
    for name in made:
        mariadb(f"DROP DATABASE IF EXISTS `{name}`")


def existing(name: str) -> bool:
    return mariadb(f"SHOW DATABASES LIKE '{name}'").strip() == name


def dead_process() -> tuple[int, str]:
    """Return the pid and start time of a process that has since exited."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    started = _started(child.pid)
    child.kill()
    child.wait()
    return child.pid, started


def test_a_killed_owners_database_is_dropped_and_a_living_ones_is_kept(databases):
    pid, started = dead_process()
    orphan = databases(f"amends_wp_{pid}_{started}_aaaaaa")
    mine = databases(f"amends_wp_{os.getpid()}_{_started(os.getpid())}_bbbbbb")
    older = databases("amends_wp_0123456789")  # no owner in its name: not ours to judge

    dropped = drop_orphaned_databases()

    assert orphan in dropped
    assert not existing(orphan)
    assert existing(mine)
    assert existing(older)


def test_a_recycled_pid_does_not_pass_for_the_owner(databases):
    impostor = databases(f"amends_wp_{os.getpid()}_1_cccccc")  # our pid, another start

    assert impostor in drop_orphaned_databases()
    assert not existing(impostor)
