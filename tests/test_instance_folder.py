"""`amends serve`, `worker`, `db upgrade` on an instance folder they cannot write, or a full disk.

Each says so in one line at start-up, with the folder and what to change, and exits
non-zero: no traceback, and no database left half made.

Making a folder read-only for the tests takes care: they run as root here, and root
ignores permission bits. For root the folder is made immutable (`chattr +i`), which
refuses root too, with the EPERM a read-only bind mount would give as EROFS; other
users get the plain `chmod a-w`. A disk that fills up is a file-size limit
(RLIMIT_FSIZE) on the process: its writes then fail as on a full disk, and the
database file cannot grow.
"""

from __future__ import annotations

import hashlib
import os
import resource
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.processes import AMENDS, free_port

pytestmark = pytest.mark.slow

COMMANDS = [["db", "upgrade"], ["worker"], ["serve", "--port", "{port}"]]


def amends(instance: Path, *args: str, file_size_limit: int | None = None, **env: str):  # noqa: ANN201
    """Run `amends ARGS` on `instance`, with none of this machine's Amends settings."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AMENDS_", "SHOPIFY_"))}
    # A process that cannot write its bytecode cache must not leave a torn one behind.
    environ |= {"AMENDS_INSTANCE_PATH": str(instance), "PYTHONDONTWRITEBYTECODE": "1"} | env
    limit = None
    if file_size_limit is not None:

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    command = [AMENDS, *(arg.format(port=free_port()) for arg in args)]
    return subprocess.run(
        command, env=environ, capture_output=True, text=True, timeout=60, preexec_fn=limit
    )


@contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Make `folder` refuse new files for this process, root or not."""
    if os.geteuid() == 0:
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"cannot make a folder read-only for root here: {made.stderr.strip()}")
        undo = ["chattr", "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = ["chmod", "755", str(folder)]
    try:
        yield
    finally:
        subprocess.run(undo, check=True)


def contents(folder: Path) -> dict[str, str]:
    """Return each file in `folder` with a digest of its bytes."""
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
    }


def assert_refused_cleanly(result, *phrases: str) -> None:  # noqa: ANN001
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: "), line
    for phrase in phrases:
        assert phrase in line, line


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_read_only_empty_instance_folder_is_refused_at_start_up(tmp_path, command):
    instance = tmp_path / "instance"
    instance.mkdir()

    with read_only(instance):
        result = amends(instance, *command)

    assert_refused_cleanly(result, f"cannot keep a secret key in {instance}", "writable")
    assert contents(instance) == {}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_instance_folder_made_read_only_after_set_up_is_refused_and_left_as_it_was(
    tmp_path, command
):
    instance = tmp_path / "instance"
    assert amends(instance, "db", "upgrade").returncode == 0
    before = contents(instance)

    with read_only(instance):
        result = amends(instance, *command)

    assert_refused_cleanly(result, f"cannot write in {instance}", "SQLite", "AMENDS_DATABASE_URL")
    assert contents(instance) == before


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_instance_folder_that_cannot_be_made_is_refused(tmp_path, command):
    (tmp_path / "a-file").write_text("not a folder")
    instance = tmp_path / "a-file" / "instance"

    result = amends(instance, *command, AMENDS_SECRET_KEY="a-key-from-the-environment")

    assert_refused_cleanly(result, f"cannot write in {instance} (Not a directory)")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a-file"]


def tables(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return sorted(name for (name,) in rows)


def test_a_disk_that_fills_during_db_upgrade_leaves_no_half_made_schema(tmp_path):
    instance = tmp_path / "instance"

    full = amends(instance, "db", "upgrade", file_size_limit=60_000)  # the schema needs ~120 kB

    assert_refused_cleanly(full, "Error: database unavailable: disk I/O error")
    assert tables(instance / "amends.sqlite3") == []  # every migration rolled back together

    again = amends(instance, "db", "upgrade")

    assert again.returncode == 0, again.stderr
    assert {"alembic_version", "inbox", "shops"} <= set(tables(instance / "amends.sqlite3"))


@pytest.mark.postgres
def test_the_folder_check_needs_no_folder_for_postgresql(tmp_path, postgres_database):
    (tmp_path / "a-file").write_text("not a folder")

    result = amends(
        tmp_path / "a-file" / "instance",
        "db",
        "upgrade",
        AMENDS_DATABASE_URL=postgres_database,
        AMENDS_SECRET_KEY="a-key-from-the-environment",
    )

    assert result.returncode == 0, result.stderr
