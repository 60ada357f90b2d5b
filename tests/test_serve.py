"""`amends serve`: what it says when it starts, and one server per address.

The servers here are real: `amends serve` processes under gunicorn, each on its own
SQLite database, as two deployments on one host would be.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

import plugin.serve
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET, SHOPIFY_TOKEN, shopify_headers
from tests.processes import AMENDS, free_port, wait_healthy

ORDER = b'{"id":820982911946154508,"name":"#1042"}'
NO_SECRET_WARNING = (
    "warning: SHOPIFY_API_SECRET is not set, so every Shopify webhook is refused (401) "
    "and Shopify installs fail; set it to the app's client secret\n"
)


def test_serve_warns_at_start_when_no_shopify_app_secret_is_set(cli_with, monkeypatch):
    started = []
    monkeypatch.setattr(plugin.serve, "serve", lambda *options: started.append(options))

    result = cli_with(shopify_api_secret="")("serve", "--port", "8123")

    assert (result.exit_code, result.stderr) == (0, NO_SECRET_WARNING)
    assert started == [("127.0.0.1", 8123, 2, 4)]


def test_serve_says_nothing_of_the_secret_when_it_is_set(cli, monkeypatch):
    monkeypatch.setattr(plugin.serve, "serve", lambda *options: None)

    result = cli("serve", "--port", "8123")

    assert (result.exit_code, result.stderr) == (0, "")


# --- real servers -----------------------------------------------------------------------


@dataclass
class Deployment:
    """An instance folder with its own SQLite database and one Shopify shop."""

    instance: Path

    @property
    def env(self) -> dict[str, str]:
        return os.environ | {
            "AMENDS_INSTANCE_PATH": str(self.instance),
            "AMENDS_DATABASE_URL": f"sqlite:///{self.instance / 'amends.sqlite3'}",
            "SHOPIFY_API_SECRET": SHOPIFY_SECRET,
        }

    def amends(self, *arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [AMENDS, *arguments], env=self.env, capture_output=True, text=True, timeout=60
        )

    def serve(self, port: int, log: Path) -> subprocess.Popen:
        with log.open("w") as output:
            return subprocess.Popen(
                [AMENDS, "serve", "--port", str(port), "--workers", "2"],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=output,
            )

    def stored(self) -> int:
        """Count the deliveries in this deployment's inbox."""
        return len(json.loads(self.amends("inbox", "list", "--json").stdout))


def deployment(path: Path) -> Deployment:
    path.mkdir()
    made = Deployment(path)
    added = made.amends(
        "shops", "add", "shopify", "--domain", SHOPIFY_DOMAIN, "--access-token", SHOPIFY_TOKEN
    )
    assert added.returncode == 0, added.stderr
    return made


@dataclass
class Served:
    """A running `amends serve` and where to find it."""

    deployment: Deployment
    port: int
    log: Path
    process: subprocess.Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        return [
            int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", self.log.read_text())
        ]


@pytest.fixture
def first(tmp_path) -> Iterator[Served]:
    """Run a first deployment's `amends serve` with two workers."""
    port, log = free_port(), tmp_path / "first.log"
    first = deployment(tmp_path / "first")
    server = first.serve(port, log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", server)
        yield Served(first, port, log, server)
    finally:
        server.terminate()
        server.wait(timeout=10)


def deliver(base: str, count: int, tag: str) -> list[int]:
    """POST `count` signed Shopify deliveries; return the status of each."""
    statuses = []
    for n in range(count):
        headers = shopify_headers(ORDER, "orders/create", webhook_id=f"{tag}-{n}")
        # A new connection each time, so the kernel chooses a listening socket each time.
        response = requests.post(f"{base}/webhooks/shopify", data=ORDER, headers=headers, timeout=5)
        statuses.append(response.status_code)
    return statuses


@pytest.mark.slow
def test_serve_says_the_address_it_listens_at(first):
    assert f"Listening at: http://127.0.0.1:{first.port} ({first.process.pid})" in (
        first.log.read_text()
    )


@pytest.mark.slow
def test_a_second_server_on_the_same_port_is_refused_and_the_first_keeps_every_delivery(
    first, tmp_path
):
    second = deployment(tmp_path / "second")
    server = second.serve(first.port, tmp_path / "second.log")
    try:
        exit_code = server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.terminate()
        server.wait(timeout=10)
        pytest.fail("a second server started on a port in use")

    assert exit_code == 1
    assert (tmp_path / "second.log").read_text().splitlines()[-1] == (
        f"Error: address 127.0.0.1:{first.port} is in use: another server listens there; "
        "stop it or choose another --port"
    )
    assert deliver(first.base, 40, "after-second") == [200] * 40
    assert (first.deployment.stored(), second.stored()) == (40, 0)


@pytest.mark.slow
def test_a_worker_that_dies_is_replaced_on_the_socket_it_left(first):
    dead = first.worker_pids()[0]

    os.kill(dead, signal.SIGKILL)
    for _ in range(200):
        if len(first.worker_pids()) == 3:
            break
        time.sleep(0.05)

    assert len(first.worker_pids()) == 3
    assert deliver(first.base, 40, "after-respawn") == [200] * 40
    assert first.deployment.stored() == 40
