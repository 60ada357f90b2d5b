"""`amends sandbox woocommerce`: a simulated WooCommerce store on loopback."""

from __future__ import annotations

import click
from werkzeug.serving import run_simple

from connectors.woocommerce.sandbox import SandboxStore, create_app


@click.group()
def sandbox() -> None:
    """Run simulated stores for tests and the demo."""


@sandbox.command("woocommerce")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=click.IntRange(1, 65535))
@click.option("--consumer-key", default="ck_sandbox", show_default=True)
@click.option("--consumer-secret", default="cs_sandbox", show_default=True)
def woocommerce(host: str, port: int, consumer_key: str, consumer_secret: str) -> None:
    """Serve a WooCommerce 9.9.5 store at http://HOST:PORT/ (OAuth 1.0a over plain HTTP)."""
    url = f"http://{host}:{port}"
    store = SandboxStore(url=url, consumer_key=consumer_key, consumer_secret=consumer_secret)
    click.echo(f"sandbox WooCommerce store at {url}/")
    click.echo(f"REST API: {url}/wp-json/wc/v3/")
    click.echo(f"consumer key: {consumer_key}")
    click.echo(f"consumer secret: {consumer_secret}")
    try:
        run_simple(host, port, create_app(store), threaded=True, use_reloader=False)
    finally:
        store.close()


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(sandbox)
