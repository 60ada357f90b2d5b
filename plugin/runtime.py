"""Wire a Runtime: read the settings, open the database, register the connectors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from connectors.shopify import ShopifyConnector
from connectors.shopify.connector import AppCredentials
from connectors.woocommerce import WooCommerceConnector
from plugin.clock import SYSTEM_CLOCK, Clock
from plugin.config import Settings, load_settings
from plugin.platforms import Connector
from plugin.roles import check_roles
from plugin.services import Runtime
from plugin.storage.credentials import CredentialBox
from plugin.storage.db import connect

__all__ = ["Runtime", "build_connectors", "build_runtime", "default_instance_path", "register"]


def default_instance_path() -> Path:
    """Return the instance folder: AMENDS_INSTANCE_PATH, else ./instance."""
    return Path(os.environ.get("AMENDS_INSTANCE_PATH") or Path.cwd() / "instance").resolve()


def build_connectors(settings: Settings) -> dict[str, Connector]:
    """Return the registry of platform connectors, checked for unique names and their roles."""
    woocommerce = WooCommerceConnector(
        timeout=settings.platform_timeout_seconds,
        backoff_seconds=settings.platform_retry_backoff_seconds,
    )
    shopify = ShopifyConnector(
        app=AppCredentials(
            api_key=settings.shopify_api_key,
            secrets=settings.shopify_webhook_secrets,
            admin_url=settings.shopify_admin_url or None,
            timeout=settings.platform_timeout_seconds,
        ),
        api_topics=frozenset(settings.shopify_api_webhook_topics),
        backoff_seconds=settings.platform_retry_backoff_seconds,
    )
    return register(shopify, woocommerce)


def register(*connectors: Connector) -> dict[str, Connector]:
    """Return the connectors by platform; refuse two for one platform, or a role not played."""
    registry: dict[str, Connector] = {}
    for connector in connectors:
        if connector.platform in registry:
            raise RuntimeError(f"two connectors claim platform {connector.platform!r}")
        check_roles(connector)
        registry[connector.platform] = connector
    return registry


def build_runtime(
    instance_path: Path | None = None,
    overrides: dict[str, Any] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Runtime:
    """Read the settings and open the database they name, telling the time by `clock`."""
    settings = load_settings(instance_path or default_instance_path(), overrides=overrides)
    return Runtime(
        settings=settings,
        database=connect(settings.database_url, clock),
        credentials=CredentialBox(settings.secret_key),
        connectors=build_connectors(settings),
    )
