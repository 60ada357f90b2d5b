"""`serve_sandbox`, the function behind `amends sandbox shopify`, serves a usable store."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import requests

from tests.processes import free_port
from tests.test_sandbox_shopify_harness import SECRET, SHOP, TOKEN

SCRIPT = """
from sandboxes.shopify.cli import serve_sandbox
serve_sandbox("127.0.0.1", {port}, "{shop}", "{token}", "{secret}")
"""


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the sandbox did not start listening")


def test_serve_sandbox_prints_where_it_answers_and_accepts_the_given_token():
    port = free_port()
    code = SCRIPT.format(port=port, shop=SHOP, token=TOKEN, secret=SECRET)
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        banner = [process.stdout.readline().strip() for _ in range(6)]
        wait_for_port(port, process)
        answer = requests.post(
            f"http://127.0.0.1:{port}/admin/api/2026-10/graphql.json",
            json={"query": "{ shop { myshopifyDomain } }"},
            headers={"X-Shopify-Access-Token": TOKEN},
            timeout=10,
        )
        control = requests.get(banner[4].split()[-1], timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()

    assert banner[0] == f"Sandbox Shopify store {SHOP}"
    assert banner[1] == f"GraphQL:      http://127.0.0.1:{port}/admin/api/2026-10/graphql.json"
    assert banner[2] == f"Access token: {TOKEN}"
    assert answer.json()["data"] == {"shop": {"myshopifyDomain": SHOP}}
    assert banner[4] == f"Control API:  http://127.0.0.1:{port}/_sandbox/"
    assert control.status_code == 200
    assert ("POST", "/_sandbox/orders") in {
        (r["method"], r["path"]) for r in control.json()["routes"]
    }
