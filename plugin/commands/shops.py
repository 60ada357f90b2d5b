"""`amends shops add|list|update|remove`."""

from __future__ import annotations

import click

from connectors.shopify.consts import API_VERSION, SHOP_DOMAIN
from plugin.commands.support import print_json, print_table, runtime
from plugin.errors import InvalidInput, NotFound, PlatformError
from plugin.platforms import Subscriptions
from plugin.services import Runtime
from plugin.shops import (
    add_shop,
    get_shop,
    list_shops,
    remove_shop,
    shop_belongings,
    store_url,
    update_credentials,
)
from plugin.storage.models import Shop
from plugin.sync import register_webhooks, webhook_url


@click.group()
def shops() -> None:
    """Register, list, update and remove the stores Amends serves."""


@shops.group("add")
def add() -> None:
    """Register a store; prints the new shop's id on its last line."""


@add.command("shopify")
@click.option("--domain", required=True, help="the shop's myshopify.com domain")
@click.option("--access-token", required=True, help="an Admin API access token")
@click.option("--api-url", help="Admin API base URL (a sandbox store); default https://DOMAIN")
def add_shopify(domain: str, access_token: str, api_url: str | None) -> None:
    """Register a Shopify store."""
    domain = domain.strip().lower()
    if not SHOP_DOMAIN.match(domain):
        raise InvalidInput(f"--domain must look like SHOP.myshopify.com, got {domain!r}")
    rt = runtime()
    with rt.database.transaction() as session:
        shop_id = add_shop(
            session,
            rt.credentials,
            platform="shopify",
            domain=domain,
            credentials={"access_token": access_token},
            api_url=store_url(api_url, "--api-url") if api_url else None,
            api_version=API_VERSION,
        )
    click.echo(f"added Shopify shop {domain}")
    click.echo(shop_id)


@add.command("woocommerce")
@click.option("--url", required=True, help="the store's home URL, e.g. https://shop.example/")
@click.option("--consumer-key", required=True)
@click.option("--consumer-secret", required=True)
@click.option("--webhook-secret", required=True, help="the secret its webhooks are signed with")
def add_woocommerce(url: str, consumer_key: str, consumer_secret: str, webhook_secret: str) -> None:
    """Register a WooCommerce store."""
    url = store_url(url, "--url")
    rt = runtime()
    with rt.database.transaction() as session:
        shop_id = add_shop(
            session,
            rt.credentials,
            platform="woocommerce",
            domain=url,
            credentials={
                "consumer_key": consumer_key,
                "consumer_secret": consumer_secret,
                "webhook_secret": webhook_secret,
            },
            api_url=url,
        )
    delivery_url = webhook_url(rt, "woocommerce", shop_id)
    click.echo(f"added WooCommerce shop {url}; its webhooks go to {delivery_url}")
    problem = rt.connector_for("woocommerce", Subscriptions).delivery_url_problem(delivery_url)
    if problem is not None:
        click.echo(f"warning: {problem}", err=True)
    _register_webhooks(rt, shop_id, deliverable=problem is None)
    click.echo(shop_id)


def _register_webhooks(rt: Runtime, shop_id: int, *, deliverable: bool) -> None:
    """Create the store's webhooks now; if the store is unreachable, leave it to the upkeep job."""
    with rt.database.transaction() as session:
        shop = get_shop(session, shop_id)
    try:
        changed = register_webhooks(rt, shop, reset_secret=True)
    except PlatformError as error:
        click.echo(
            f"warning: webhooks not registered yet ({error}); "
            "`amends scheduler` retries every 15 minutes",
            err=True,
        )
        return
    if not changed.complete:
        click.echo(f"warning: some webhooks were refused: {'; '.join(changed.errors)}", err=True)
        return
    state = "active" if deliverable else "created but undeliverable"
    click.echo(f"webhooks {state} ({len(changed.repaired)} created or re-enabled)")


@shops.command("list")
@click.option("--json", "as_json", is_flag=True, help="print a JSON array")
def list_command(as_json: bool) -> None:
    """List the registered stores."""
    rt = runtime()
    with rt.database.transaction() as session:
        views = list_shops(session)
    if as_json:
        print_json([view.as_json() for view in views])
        return
    print_table(
        "Shops",
        ["id", "platform", "domain", "status", "webhooks"],
        [[v.id, v.platform, v.domain, v.status, v.webhook_summary] for v in views],
    )
    for view in views:
        for notice in view.notices:
            click.echo(f"shop {view.id}: {notice}")


@shops.command("update")
@click.argument("shop_id", type=int)
@click.option("--access-token", help="a Shopify shop's new Admin API access token")
@click.option(
    "--consumer-key", help="a WooCommerce shop's new consumer key (with --consumer-secret)"
)
@click.option("--consumer-secret", help="the new consumer key's secret")
@click.option("--webhook-secret", help="a WooCommerce shop's new webhook secret")
def update_command(shop_id: int, **options: str | None) -> None:
    """Replace a store's credentials or webhook secret.

    A WooCommerce store signs with the webhook secret its webhooks hold until the
    upkeep job (`amends scheduler`) updates them; deliveries signed with the
    previous secret are accepted until then.
    """
    changes = {name: value for name, value in options.items() if value is not None}
    if not changes:
        raise click.UsageError(
            "give --access-token, --consumer-key with --consumer-secret, or --webhook-secret"
        )
    rt = runtime()
    with rt.database.transaction() as session:
        changed = update_credentials(session, rt.credentials, shop_id, changes)
    click.echo(f"updated shop {shop_id}: {', '.join(name.replace('_', ' ') for name in changed)}")


@shops.command("remove")
@click.argument("shop_id", type=int)
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def remove_command(shop_id: int, yes: bool) -> None:
    """Remove a store and everything Amends keeps of it: deliveries, orders, incidents.

    The store's own webhooks are left alone: deliveries to a removed shop are
    answered 404 (WooCommerce disables a webhook after repeated failures; on
    Shopify, uninstall the app).
    """
    rt = runtime()
    if not yes:
        with rt.database.transaction() as session:
            shop = session.get(Shop, shop_id)
            if shop is None:
                raise NotFound(f"no shop with id {shop_id}")
            belongings = _describe(shop_belongings(session, shop_id))
            question = f"Remove {shop.platform} shop {shop_id} ({shop.domain}) and {belongings}?"
        click.confirm(question, abort=True)
    with rt.database.transaction() as session:
        view, removed = remove_shop(session, shop_id)
    click.echo(f"removed {view.platform} shop {shop_id} ({view.domain}) and {_describe(removed)}")


def _describe(belongings: dict[str, int]) -> str:
    """Say how many rows of each table belong to a shop."""
    counts = ", ".join(f"{table}: {count}" for table, count in belongings.items())
    return f"what belongs to it ({counts})"


def register(group: click.Group) -> None:
    """Add these commands to `group`."""
    group.add_command(shops)
