"""The app factory, health, error pages, and a real gunicorn serving a delivery."""

from __future__ import annotations

import random
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from plugin.app import create_app
from plugin.runtime import build_runtime
from tests.conftest import SHOPIFY_SECRET, SHOPIFY_TOKEN, fixture_bytes, shopify_headers
from tests.helpers import inbox_count
from tests.processes import AMENDS, amends_env, free_port

ORDER = fixture_bytes("shopify/orders_create.json")


@pytest.fixture
def unreachable_app(tmp_path, settings_overrides):
    runtime = build_runtime(
        tmp_path / "down",
        overrides=settings_overrides | {"database_url": "postgresql://127.0.0.1:1/nowhere"},
    )
    yield create_app(runtime=runtime).test_client()
    runtime.database.dispose()


def test_healthz_reports_the_database(client, runtime):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": runtime.database.dialect}


def test_healthz_is_503_when_the_database_is_unreachable(unreachable_app):
    response = unreachable_app.get("/healthz")

    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


@pytest.mark.parametrize("path", ["/webhooks/shopify", "/webhooks/woocommerce/1"])
def test_webhooks_answer_503_with_retry_after_when_the_database_is_unreachable(
    unreachable_app, path
):
    headers = shopify_headers(ORDER, "orders/create")

    response = unreachable_app.post(path, data=ORDER, headers=headers)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json["error"] == "unavailable"


def test_errors_are_json_never_an_html_page(client):
    response = client.get("/no/such/page")

    assert response.status_code == 404
    assert response.content_type == "application/json"
    assert response.json["error"] == "not_found"


def test_an_unexpected_failure_is_a_500_without_traceback(app, client, monkeypatch):
    from webhooks import views

    def explode(*args, **kwargs):
        raise KeyError("bug")

    monkeypatch.setattr(views, "find_shop", explode)

    response = client.post(
        "/webhooks/shopify", data=ORDER, headers=shopify_headers(ORDER, "orders/create")
    )

    assert response.status_code == 500
    assert response.json == {
        "error": "internal_server_error",
        "message": "unexpected error; it has been logged",
    }
    assert b"Traceback" not in response.data


@pytest.fixture
def served(tmp_path, settings_overrides, cli, runtime) -> Iterator[str]:
    """Run `amends serve` (2 workers) for an installed shop; yield its URL."""
    cli(
        "shops",
        "add",
        "shopify",
        "--domain",
        "amends-demo.myshopify.com",
        "--access-token",
        SHOPIFY_TOKEN,
    )
    port = free_port()
    server = subprocess.Popen(
        [AMENDS, "serve", "--port", str(port), "--workers", "2"],
        env=amends_env(tmp_path, settings_overrides),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_amends_serve_runs_gunicorn_that_stores_a_signed_delivery(served, runtime):
    response = requests.post(
        f"{served}/webhooks/shopify",
        data=ORDER,
        timeout=5,
        headers=shopify_headers(ORDER, "orders/create", secret=SHOPIFY_SECRET),
    )

    assert response.status_code == 200
    assert response.json() == {"status": "accepted"}
    assert inbox_count(runtime) == 1
    assert response.headers["Server"].startswith("gunicorn")  # not the development server


@pytest.mark.slow
def test_concurrent_deliveries_and_their_retries_are_each_stored_once_by_two_workers(
    served, runtime
):
    ids = [f"concurrent-{n}" for n in range(150)] * 2  # every delivery retried once
    random.Random(7).shuffle(ids)

    def deliver(webhook_id: str) -> tuple[str, int, str]:
        with requests.Session() as session:
            response = session.post(
                f"{served}/webhooks/shopify",
                data=ORDER,
                timeout=30,
                headers=shopify_headers(
                    ORDER, "orders/create", secret=SHOPIFY_SECRET, webhook_id=webhook_id
                ),
            )
        return webhook_id, response.status_code, response.json()["status"]

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(deliver, ids))

    assert {status for _, status, _ in answers} == {200}
    accepted = Counter(webhook_id for webhook_id, _, kind in answers if kind == "accepted")
    assert accepted == Counter({f"concurrent-{n}": 1 for n in range(150)})
    assert inbox_count(runtime) == 150
