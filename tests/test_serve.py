"""`amends serve`: what it says when it starts."""

from __future__ import annotations

import plugin.serve

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
