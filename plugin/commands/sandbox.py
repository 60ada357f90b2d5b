"""`amends sandbox shopify|woocommerce`: simulated stores on loopback."""

from __future__ import annotations

import click
from werkzeug.serving import run_simple

from plugin.config import load_settings
from plugin.runtime import default_instance_path
from sandboxes.shopify.cli import serve_sandbox
from sandboxes.woocommerce import SandboxStore, create_app


@click.group()
def sandbox() -> None:
    """Run simulated stores for tests and the demo."""


@sandbox.command("woocommerce")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=click.IntRange(1, 65535))
@click.option("--consumer-key", default="ck_sandbox", show_default=True)
@click.option("--consumer-secret", default="cs_sandbox", show_default=True)
@click.option(
    "--safe-port",
    "safe_ports",
    multiple=True,
    type=click.IntRange(1, 65535),
    help="also deliver webhooks to this port, as a store whose http_allowed_safe_ports "
    "filter adds it (WordPress delivers only to 80, 443 and 8080); repeatable",
)
def woocommerce(
    host: str, port: int, consumer_key: str, consumer_secret: str, safe_ports: tuple[int, ...]
) -> None:
    """Serve a WooCommerce 9.9.5 store at http://HOST:PORT/ (OAuth 1.0a over plain HTTP)."""
    url = f"http://{host}:{port}"
    store = SandboxStore(url=url, consumer_key=consumer_key, consumer_secret=consumer_secret)
    for safe_port in safe_ports:
        store.allow_port(safe_port)
    click.echo(f"sandbox WooCommerce store at {url}/")
    click.echo(f"REST API: {url}/wp-json/wc/v3/")
    click.echo(f"control API: {url}/_sandbox/")
    click.echo(f"consumer key: {consumer_key}")
    click.echo(f"consumer secret: {consumer_secret}")
    click.echo(f"delivers webhooks to ports: {', '.join(map(str, sorted(store.safe_ports)))}")
    try:
        run_simple(host, port, create_app(store), threaded=True, use_reloader=False)
    finally:
        store.close()


@sandbox.command("shopify")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--shop", "shop_domain", default="amends-demo.myshopify.com", show_default=True)
@click.option("--access-token", default="shpat_sandbox_token", show_default=True)
@click.option(
    "--webhook-uri",
    default=None,
    help="deliver the app's topics here, e.g. http://127.0.0.1:8000/webhooks/shopify",
)
@click.option(
    "--app-url",
    default=None,
    help="the app's App URL, framed at /store/<store>/apps/amends, e.g. http://127.0.0.1:8000/admin",
)
def shopify(
    host: str,
    port: int,
    shop_domain: str,
    access_token: str,
    webhook_uri: str | None,
    app_url: str | None,
) -> None:
    """Serve a Shopify store that accepts the token and signs with SHOPIFY_API_SECRET.

    Tokens it issues through OAuth and token exchange are accepted too.
    """
    settings = load_settings(default_instance_path())
    if not settings.shopify_api_secret:
        raise click.ClickException("set SHOPIFY_API_SECRET: the sandbox signs webhooks with it")
    serve_sandbox(
        host,
        port,
        shop_domain,
        access_token,
        settings.shopify_api_secret,
        webhook_uri,
        api_key=settings.shopify_api_key or None,
        app_url=app_url,
    )


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(sandbox)
