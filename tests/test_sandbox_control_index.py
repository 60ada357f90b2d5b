"""GET /_sandbox/ on either sandbox store: every scripting route, one line each."""

from __future__ import annotations

from collections.abc import Iterator

import click
import pytest
from click.testing import CliRunner
from flask import Flask

from plugin.commands import sandbox as sandbox_command
from sandboxes.shopify import close_app
from sandboxes.shopify import control as shopify_control
from sandboxes.shopify import create_app as create_shopify
from sandboxes.woocommerce import SandboxStore
from sandboxes.woocommerce import create_app as create_woocommerce
from sandboxes.woocommerce.routes import control as woocommerce_control
from tests.test_sandbox_shopify_harness import DEFAULTS


@pytest.fixture
def shopify() -> Iterator[Flask]:
    app = create_shopify(DEFAULTS)
    yield app
    close_app(app)


@pytest.fixture
def woocommerce() -> Iterator[Flask]:
    store = SandboxStore(url="http://127.0.0.1:8081/")
    yield create_woocommerce(store)
    store.close()


def scripting_routes(app: Flask) -> set[tuple[str, str]]:
    """Return every method and path the app serves under /_sandbox/, but the index."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/_sandbox/") and rule.rule != "/_sandbox/"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


@pytest.mark.parametrize(
    ("store", "control"),
    [("shopify", shopify_control), ("woocommerce", woocommerce_control)],
)
def test_the_index_lists_every_scripting_route_with_what_it_does_and_takes(request, store, control):
    app = request.getfixturevalue(store)

    response = app.test_client().get("/_sandbox/")

    assert response.status_code == 200
    routes = response.get_json()["routes"]
    listed = {(line["method"], line["path"]) for line in routes}
    assert listed == scripting_routes(app)
    assert len(routes) == len(listed)
    assert all(line["does"] and line["body"] for line in routes)
    assert {tuple(key.split(" ", 1)) for key in control.BODIES} <= listed


def test_the_shopify_index_says_what_an_order_and_a_refund_take(shopify):
    routes = shopify.test_client().get("/_sandbox/").get_json()["routes"]
    lines = {(line["method"], line["path"]): line for line in routes}

    assert lines[("POST", "/_sandbox/orders")]["does"] == (
        "Store an order given in the orders/create webhook shape; send orders/create (+ paid)."
    )
    assert lines[("POST", "/_sandbox/orders/<int:order_id>/refunds")]["body"].startswith(
        '{"note", "notify", "shipping":'
    )
    assert lines[("POST", "/_sandbox/orders/<int:order_id>/pay")]["body"] == "none"


def test_the_woocommerce_banner_points_at_the_index(monkeypatch):
    served = {}

    def fake_run_simple(host, port, app, **options):  # noqa: ANN001, ANN202
        served["index"] = app.test_client().get("/_sandbox/")

    monkeypatch.setattr(sandbox_command, "run_simple", fake_run_simple)
    group = click.Group("amends")
    sandbox_command.register(group)

    result = CliRunner().invoke(group, ["sandbox", "woocommerce", "--port", "9191"])

    assert result.exit_code == 0, result.output
    assert "control API: http://127.0.0.1:9191/_sandbox/" in result.output.splitlines()
    assert served["index"].status_code == 200
