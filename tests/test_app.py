"""The app factory, health, error pages, and a real gunicorn serving a delivery."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from plugin.app import create_app
from plugin.runtime import build_runtime
from tests.conftest import SHOPIFY_SECRET, fixture_bytes, shopify_headers
from tests.helpers import inbox_count

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
def test_amends_serve_runs_gunicorn_that_stores_a_signed_delivery(
    tmp_path, settings_overrides, cli, runtime
):
    cli("shops", "add", "shopify", "--domain", "amends-demo.myshopify.com", "--access-token", "t")
    port = free_port()
    env = os.environ | {f"AMENDS_{k.upper()}": str(v) for k, v in settings_overrides.items()}
    env["AMENDS_INSTANCE_PATH"] = str(tmp_path / "instance")
    amends = str(Path(sys.executable).with_name("amends"))
    server = subprocess.Popen(
        [amends, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        response = requests.post(
            f"{base}/webhooks/shopify",
            data=ORDER,
            timeout=5,
            headers=shopify_headers(ORDER, "orders/create", secret=SHOPIFY_SECRET),
        )
        assert response.status_code == 200
        assert response.json() == {"status": "accepted"}
        assert inbox_count(runtime) == 1
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=10)
    assert b"Booting worker" in stderr  # gunicorn, not Flask's development server
