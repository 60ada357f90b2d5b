"""Time is the runtime's clock: every row, every check and every command reads it.

A test that moves the clock moves it for the whole product, so no test depends on
the date it runs on.
"""

from __future__ import annotations

import ast
import json
from datetime import timedelta
from pathlib import Path

import pytest

from plugin import worker
from tests.conftest import TEST_NOW, fixture_bytes
from tests.helpers import inbox_rows

ROOT = Path(__file__).parent.parent
PRODUCT = ("plugin", "connectors", "webhooks", "admin_ui")
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
}


def test_what_the_worker_stores_is_stamped_with_the_runtime_clock(
    shopify_shop, post_shopify, runtime, clock, cli
):
    clock.advance(timedelta(days=400))
    post_shopify("orders/create", fixture_bytes("shopify/orders_create.json"))
    post_shopify("returns/request", fixture_bytes("shopify/returns_request.json"))

    worker.run_once(runtime)

    later = TEST_NOW + timedelta(days=400)
    assert {row.received_at for row in inbox_rows(runtime)} == {later}
    (incident,) = json.loads(cli("incidents", "list", "--json").stdout)
    assert incident["created_at"] == later.isoformat()
    shown = json.loads(cli("incidents", "show", str(incident["id"]), "--json").stdout)
    assert [(entry["type"], entry["at"]) for entry in shown["timeline"]] == [
        ("incident_opened", later.isoformat()),
        ("message_queued", later.isoformat()),
        ("compensation_decided", later.isoformat()),
    ]


def test_a_moved_clock_changes_when_a_failed_delivery_is_due_again(
    shopify_shop, post_shopify, runtime, clock, cli
):
    post_shopify("orders/create", b"[]")  # JSON but not an object: parked at once
    worker.run_once(runtime)
    clock.advance(timedelta(days=3))

    assert cli("inbox", "retry", "1").exit_code == 0

    (row,) = inbox_rows(runtime)
    assert row.next_attempt_at == TEST_NOW + timedelta(days=3)


def _wall_clock_calls(path: Path) -> list[str]:
    calls = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and (node.func.value.id, node.func.attr) in WALL_CLOCK_CALLS
        ):
            calls.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return calls


@pytest.mark.parametrize("package", PRODUCT)
def test_no_product_module_reads_the_wall_clock_but_the_clock_module(package):
    modules = [
        path
        for path in sorted((ROOT / package).rglob("*.py"))
        if "sandbox" not in path.parts and path != ROOT / "plugin" / "clock.py"
    ]

    assert [call for path in modules for call in _wall_clock_calls(path)] == []
