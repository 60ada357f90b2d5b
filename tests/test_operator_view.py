"""What an operator sees of stores the jobs cannot reach: an exit status, a line each, a health."""

from __future__ import annotations

import json

import pytest

from tests.conftest import WOO_CONSUMER_KEY, WOO_CONSUMER_SECRET, WOO_SECRET

DOWN = "http://127.0.0.1:9/"  # the discard port: nothing listens, connections are refused


@pytest.fixture
def unreachable_store(cli) -> str:
    result = cli(
        "shops",
        "add",
        "woocommerce",
        "--url",
        DOWN,
        "--consumer-key",
        WOO_CONSUMER_KEY,
        "--consumer-secret",
        WOO_CONSUMER_SECRET,
        "--webhook-secret",
        WOO_SECRET,
    )
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[-1]


def test_a_run_that_cannot_reach_a_store_exits_1_with_a_line_for_it(cli, unreachable_store):
    result = cli("scheduler", "--once")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "inbox.prune: 0",
        "incidents.overdue-shipments: 0",
        "incidents.late-parcels: 0",
        "incidents.customer-updates: 0",
        "incidents.sla-alerts: 0",
        "compensations.offer-defaults: 0",
        "webhooks.upkeep: 0",
        "orders.reconcile: 0",
        "quality.defect-spikes: 0",
    ]
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(
        f"error: shop {unreachable_store} (woocommerce {DOWN}): "
        "webhooks.upkeep, orders.reconcile failed: "
    )


def test_the_json_of_such_a_run_lists_the_failures(cli, unreachable_store):
    result = cli("scheduler", "--once", "--json")

    assert result.exit_code == 1
    printed = json.loads(result.stdout)
    assert printed["jobs"] == {
        "inbox.prune": 0,
        "incidents.overdue-shipments": 0,
        "incidents.late-parcels": 0,
        "incidents.customer-updates": 0,
        "incidents.sla-alerts": 0,
        "compensations.offer-defaults": 0,
        "webhooks.upkeep": 0,
        "orders.reconcile": 0,
        "quality.defect-spikes": 0,
    }
    assert [(f["job"], f["shop"], f["domain"]) for f in printed["failures"]] == [
        ("webhooks.upkeep", int(unreachable_store), DOWN),
        ("orders.reconcile", int(unreachable_store), DOWN),
    ]


def test_a_store_whose_webhooks_never_registered_is_listed_so(cli, unreachable_store):
    table = cli("shops", "list").stdout
    (shop,) = json.loads(cli("shops", "list", "--json").stdout)

    assert "never registered" in table
    assert (shop["status"], shop["webhooks"]["health"], shop["webhooks"]["state"]) == (
        "active",
        "never registered",
        "unreachable",
    )
    assert shop["webhooks"]["error"].startswith("GET webhooks: cannot connect")
