"""The SQLite writer lock: one writer at a time across threads and processes."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from plugin.storage.db import connect
from plugin.storage.writelock import WriterLock, lock_path


def add_one_slowly(counter: Path, lock: WriterLock, times: int) -> None:
    """Read, wait, write: without mutual exclusion, concurrent callers lose increments."""
    for _ in range(times):
        with lock:
            value = int(counter.read_text())
            time.sleep(0.0005)
            counter.write_text(str(value + 1))


def run_threads(counter: Path, lock_file: Path, threads: int, times: int) -> None:
    lock = WriterLock(lock_file)
    workers = [
        threading.Thread(target=add_one_slowly, args=(counter, lock, times)) for _ in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


def test_threads_of_several_processes_never_write_at_the_same_time(tmp_path):
    counter = tmp_path / "counter"
    counter.write_text("0")
    lock_file = tmp_path / "db.sqlite3-writer.lock"
    context = multiprocessing.get_context("fork")
    processes = [
        context.Process(target=run_threads, args=(counter, lock_file, 3, 40)) for _ in range(3)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)

    assert [process.exitcode for process in processes] == [0, 0, 0]
    assert int(counter.read_text()) == 3 * 3 * 40


def test_a_forked_child_waits_for_the_lock_its_parent_holds(tmp_path):
    lock = WriterLock(tmp_path / "writer.lock")
    took_it = multiprocessing.get_context("fork").Event()

    def child() -> None:
        with lock:
            took_it.set()

    with lock:  # the parent opens the lock file and holds it before the fork
        process = multiprocessing.get_context("fork").Process(target=child)
        process.start()
        assert not took_it.wait(0.5)
    assert took_it.wait(10)
    process.join(10)
    assert process.exitcode == 0


def test_the_same_thread_may_enter_again(tmp_path):
    lock = WriterLock(tmp_path / "writer.lock")
    with lock, lock:
        pass
    other_took_it = threading.Event()
    thread = threading.Thread(
        target=lambda: (lock.__enter__(), other_took_it.set(), lock.__exit__(None, None, None))
    )
    thread.start()

    assert other_took_it.wait(5)  # let go entirely after the outer block


def test_a_sqlite_database_locks_a_file_beside_it_and_memory_none(tmp_path):
    database = connect(f"sqlite:///{tmp_path / 'amends.sqlite3'}")
    with database.connection():
        pass

    assert (tmp_path / "amends.sqlite3-writer.lock").exists()
    assert lock_path(":memory:") is None
    assert lock_path(None) is None
