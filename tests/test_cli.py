"""The `amends` command line: the operator contract's commands, outputs and errors."""

from __future__ import annotations

import json

from sqlalchemy import select

from plugin.storage.models import Shop
from tests.conftest import SHOPIFY_TOKEN, WOO_CONSUMER_KEY, WOO_CONSUMER_SECRET, WOO_SECRET


def test_shops_add_shopify_prints_the_new_id_last_and_lists_it(cli):
    result = cli(
        "shops",
        "add",
        "shopify",
        "--domain",
        "Tienda-Lucia.myshopify.com",
        "--access-token",
        SHOPIFY_TOKEN,
    )

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1"
    listed = json.loads(cli("shops", "list", "--json").stdout)
    assert listed == [
        {
            "id": 1,
            "platform": "shopify",
            "domain": "tienda-lucia.myshopify.com",
            "status": "active",
            "api_url": None,
            "api_version": "2026-10",
            "webhooks": {"health": "not checked"},
            "notices": [],
        }
    ]


def test_shops_add_woocommerce_says_where_webhooks_go_even_when_the_store_is_down(cli):
    result = cli(
        "shops",
        "add",
        "woocommerce",
        "--url",
        "http://127.0.0.1:9/Store/",
        "--consumer-key",
        WOO_CONSUMER_KEY,
        "--consumer-secret",
        WOO_CONSUMER_SECRET,
        "--webhook-secret",
        WOO_SECRET,
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "added WooCommerce shop http://127.0.0.1:9/Store/; "
        "its webhooks go to http://127.0.0.1:8000/webhooks/woocommerce/1",
        "1",
    ]
    assert "warning: webhooks not registered yet" in result.stderr


def test_credentials_are_encrypted_at_rest(cli, runtime):
    cli(
        "shops",
        "add",
        "woocommerce",
        "--url",
        "https://shop.example/",
        "--consumer-key",
        "ck_visible_0123456789abcdef0123456789abcdef",
        "--consumer-secret",
        "cs_visible_0123456789abcdef0123456789abcdef",
        "--webhook-secret",
        "whsec_visible_0123456789",
    )

    with runtime.database.transaction() as session:
        stored = session.scalars(select(Shop)).one().credentials
    assert b"visible" not in stored
    assert runtime.credentials.open(stored) == {
        "consumer_key": "ck_visible_0123456789abcdef0123456789abcdef",
        "consumer_secret": "cs_visible_0123456789abcdef0123456789abcdef",
        "webhook_secret": "whsec_visible_0123456789",
    }


def test_a_second_registration_of_the_same_store_is_refused(cli):
    cli("shops", "add", "shopify", "--domain", "a.myshopify.com", "--access-token", SHOPIFY_TOKEN)

    again = cli(
        "shops", "add", "shopify", "--domain", "a.myshopify.com", "--access-token", SHOPIFY_TOKEN
    )

    assert again.exit_code == 1
    assert again.output == "Error: a shopify shop for a.myshopify.com is registered already\n"


def test_bad_input_is_one_line_and_a_non_zero_exit(cli):
    for args, message in [
        (
            ("shops", "add", "shopify", "--domain", "evil.com", "--access-token", SHOPIFY_TOKEN),
            "Error: --domain must look like SHOP.myshopify.com, got 'evil.com'\n",
        ),
        (
            (
                "shops",
                "add",
                "shopify",
                "--domain",
                "shop.myshopify.com.evil.com",
                "--access-token",
                SHOPIFY_TOKEN,
            ),
            "Error: --domain must look like SHOP.myshopify.com, "
            "got 'shop.myshopify.com.evil.com'\n",
        ),
        (
            (
                "shops",
                "add",
                "woocommerce",
                "--url",
                "ftp://x",
                "--consumer-key",
                WOO_CONSUMER_KEY,
                "--consumer-secret",
                WOO_CONSUMER_SECRET,
                "--webhook-secret",
                WOO_SECRET,
            ),
            "Error: --url must be an http(s) URL, got 'ftp://x'\n",
        ),
        (("incidents", "show", "42"), "Error: no incident with id 42\n"),
    ]:
        result = cli(*args)
        assert (result.exit_code, result.output) == (1, message)
    assert json.loads(cli("shops", "list", "--json").stdout) == []


def test_an_unreachable_database_is_one_line_not_a_traceback(cli_with):
    result = cli_with(database_url="postgresql://127.0.0.1:1/nowhere")("shops", "list")

    assert result.exit_code == 1
    assert result.output.startswith("Error: database unavailable:")
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_malformed_database_url_is_a_configuration_error(cli_with):
    result = cli_with(database_url="mysql://root@localhost/db")("shops", "list")

    assert (result.exit_code, result.output) == (
        1,
        "Error: unsupported database 'mysql': use sqlite:///PATH or postgresql://...\n",
    )


def test_db_upgrade_is_repeatable(cli):
    first, second = cli("db", "upgrade"), cli("db", "upgrade")

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert second.output.startswith("database schema is up to date")


def test_worker_once_reports_what_it_processed(cli):
    result = cli("worker", "--once")

    assert (result.exit_code, result.output) == (0, "processed 0 deliveries, 0 messages\n")


def test_scheduler_once_runs_every_job_as_of_now(cli):
    result = cli("scheduler", "--once", "--now", "2026-11-23T10:00:00Z", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "jobs": {
            "inbox.prune": 0,
            "incidents.overdue-shipments": 0,
            "incidents.late-parcels": 0,
            "incidents.customer-updates": 0,
            "incidents.sla-alerts": 0,
            "compensations.offer-defaults": 0,
            "webhooks.upkeep": 0,
            "orders.reconcile": 0,
            "quality.defect-spikes": 0,
        },
        "failures": [],
    }


def test_scheduler_rejects_a_time_that_is_not_iso(cli):
    result = cli("scheduler", "--once", "--now", "yesterday")

    assert result.exit_code == 2
    assert "'yesterday' is not an ISO-8601 time" in result.output
