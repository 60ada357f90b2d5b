"""What the database benchmarks share: throw-away databases, bench/results.json, verdicts.

bench/results.json holds the latest figures of each benchmark that records them,
one key per benchmark, so that one benchmark's run never drops another's
(AMENDS_BENCH_RESULTS names another file, for a trial run that must not replace them):

    {
      "worker": {
        "measured_at": "2026-12-06T17:40:00+00:00",   # when the run ended (UTC)
        "command": ".venv/bin/python bench/worker.py --deliveries 3000",  # reproduces it
        "machine": {"cpus": 2, "python": "3.11.7", "platform": "Linux-..."},
        "arguments": {...},                            # the command line's options
        "results": [...],                              # rows, as the benchmark prints them
        "targets": [{"name": ..., "value": ..., "target": ..., "met": true}, ...]
      },
      "scheduler": {...}
    }

`targets` is the same in every benchmark: what was measured against which target,
and whether it held. Everything else under `results` is the benchmark's own.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
AMENDS = Path(sys.executable).with_name("amends")  # the command the benchmarks start
RESULTS_FILE = Path(os.environ.get("AMENDS_BENCH_RESULTS") or ROOT / "bench" / "results.json")
DEFAULT_POSTGRES = os.environ.get("AMENDS_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


# --- databases ---------------------------------------------------------------------


@contextlib.contextmanager
def throwaway_postgres(server_url: str, prefix: str = "amends_bench") -> Iterator[str]:
    """Create an empty database <prefix>_<random> on the server; drop it after."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{secrets.token_hex(5)}"
    admin_url = make_url(server_url).set(drivername="postgresql")
    admin = admin_url.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def postgres_reachable(server_url: str) -> str | None:
    """Say why the PostgreSQL server cannot be used; None when it can."""
    import psycopg

    try:
        with psycopg.connect(server_url, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return " ".join(str(error).split())


def scalar(database_url: str, query: str) -> Any:
    """Run one SQL query on SQLite or PostgreSQL through the bare driver; return its value."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        path = database_url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
            return db.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(database_url) as db:
        row = db.execute(query).fetchone()
        return row[0] if row else None


@dataclass(frozen=True)
class Backend:
    """A database kind the benchmarks run on, and how to get an empty one of it."""

    name: str  # "sqlite" or "postgresql"
    server_url: str | None = None  # PostgreSQL only: where throw-away databases are made

    @contextlib.contextmanager
    def fresh(self, workdir: Path) -> Iterator[str]:
        """Yield the URL of an empty database of this kind, gone afterwards."""
        if self.server_url is None:
            folder = Path(tempfile.mkdtemp(prefix="sqlite-", dir=workdir))
            yield f"sqlite:///{folder / 'amends.sqlite3'}"
            return
        with throwaway_postgres(self.server_url) as url:
            yield url


def backends(args: Any) -> list[Backend]:
    """Return SQLite, and PostgreSQL unless --no-postgres; fail early if it cannot be reached."""
    chosen = [Backend("sqlite")]
    if not args.no_postgres:
        problem = postgres_reachable(args.postgres)
        if problem:
            raise SystemExit(
                f"bench: PostgreSQL at {args.postgres} cannot be used ({problem}); "
                "start it, pass --postgres URL, or --no-postgres"
            )
        chosen.append(Backend("postgresql", args.postgres))
    return chosen


def add_database_options(parser: Any) -> None:
    """Add --postgres URL and --no-postgres to a benchmark's command line."""
    parser.add_argument(
        "--postgres",
        metavar="URL",
        default=DEFAULT_POSTGRES,
        help="PostgreSQL server to make throw-away databases on "
        "(AMENDS_TEST_POSTGRES_URL, default postgresql://127.0.0.1:5432/test)",
    )
    parser.add_argument("--no-postgres", action="store_true", help="run on SQLite only")


# --- results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One figure held against its target."""

    name: str
    value: float
    target: str  # e.g. ">= 1000/s"
    met: bool

    def line(self, value_text: str) -> str:
        """Say the figure and whether its target held, in words a skimming reader catches."""
        return f"{self.name}: {value_text} (target {self.target}: {verdict(self.met)})"


def verdict(met: bool) -> str:
    """Return "ok" or "target missed"."""
    return "ok" if met else "target missed"


def record(
    benchmark: str,
    arguments: dict[str, Any],
    results: Any,
    targets: list[Target],
    command: str | None = None,
) -> Path:
    """Write this benchmark's figures into bench/results.json, keeping the others'.

    `command` reproduces them; by default, the command line of this process. The
    file is replaced in one rename, so a reader never sees half of it.
    """
    try:
        stored = json.loads(RESULTS_FILE.read_text())
    except FileNotFoundError:
        stored = {}
    except ValueError:
        progress(f"bench: {RESULTS_FILE} is not JSON; starting it afresh")
        stored = {}
    stored[benchmark] = {
        "measured_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "command": command or command_line(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "arguments": arguments,
        "results": results,
        "targets": [
            {"name": t.name, "value": t.value, "target": t.target, "met": t.met} for t in targets
        ],
    }
    text = json.dumps(dict(sorted(stored.items())), indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=RESULTS_FILE.parent, prefix=".results-")
    with os.fdopen(handle, "w") as file:
        file.write(text)
    os.replace(temporary, RESULTS_FILE)
    return RESULTS_FILE


def command_line() -> str:
    """Return the command that ran this benchmark, as one types it from the repository."""
    script = Path(sys.argv[0]).resolve()
    with contextlib.suppress(ValueError):
        script = script.relative_to(ROOT)
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(ROOT)
    return shlex.join([str(python), str(script), *sys.argv[1:]])


def wait_until_ready(process: subprocess.Popen, url: str, log: Path, seconds: float = 30.0) -> None:
    """Poll `url` until it answers 200; fail with the server's log if it dies or hangs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server not ready after {seconds:.0f} s:\n{log.read_text()}")


def wait_for_worker(process: subprocess.Popen, log: Path, seconds: float = 60.0) -> float:
    """Wait until `amends worker` logs `worker.started`; return that moment.

    Its start-up (imports, connecting) is not part of any rate: it happens once. Fail
    with the end of its log if it dies or hangs.
    """
    deadline = time.monotonic() + seconds
    while "worker.started" not in log.read_text(errors="replace"):
        if process.poll() is not None:
            raise RuntimeError(f"amends worker exited with {process.returncode}:\n{tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"amends worker did not start in {seconds:.0f} s:\n{tail(log)}")
        time.sleep(0.01)
    return time.monotonic()


def tail(log: Path) -> str:
    """Return the end of a process's log, for an error message."""
    return log.read_text(errors="replace")[-3000:]


def say_recorded(path: Path) -> None:
    """Say where the figures went: from the repository when they are in it, else in full."""
    with contextlib.suppress(ValueError):
        path = path.relative_to(ROOT)
    progress(f"bench: recorded in {path}")


def progress(message: str) -> None:
    """Say what is running, on stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


# --- processes ---------------------------------------------------------------------


def amends_missing() -> bool:
    """Say how to run the benchmark, and return True, when this Python has no `amends` beside it."""
    if AMENDS.exists():
        return False
    print(f"bench: no {AMENDS}; run me with .venv/bin/python", file=sys.stderr)
    return True


def descendants(pid: int) -> list[int]:
    """Return the processes started by `pid`, their children, and so on (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            for child in (task / "children").read_text().split():
                found += [int(child), *descendants(int(child))]
    return found


def memory_mb(pid: int, field_name: str = "VmHWM") -> float:
    """Read VmHWM (the peak resident memory) or VmRSS of a process from /proc, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field_name} in /proc/{pid}/status")
