"""Settings of one sandbox store: who it is, which app it trusts, how it limits and retries.

Every default is the real platform's documented figure (platforms/shopify.md); tests
shrink the buckets, timeouts and clock instead of patching code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from sandboxes.shopify.consts import API_VERSION, APP_CONFIG_TOPICS

# Shopify retries a failed delivery 8 times over about 4 hours with exponential backoff
# (shopify.dev/docs/apps/build/webhooks/subscribe/https). The exact intervals are not
# published; doubling from one minute gives 1+2+...+128 min = 4 h 15 min.
RETRY_DELAYS = tuple(60.0 * 2**step for step in range(8))

# The scopes a token issued by the sandbox carries when the app asks for none.
DEFAULT_SCOPES = (
    "read_orders,write_orders,read_returns,write_returns,read_discounts,write_discounts,"
    "read_fulfillments,read_customers,write_store_credit_account_transactions"
)


@dataclass(frozen=True)
class SandboxConfig:
    """The store, the app it has installed, and the platform limits it enforces."""

    shop_domain: str = "amends-demo.myshopify.com"
    shop_name: str = "Amends Demo"
    shop_id: int = 548380009
    shop_email: str = "owner@amends-demo.example"
    currency: str = "EUR"
    # The installed app: its client secret signs webhooks and session tokens and
    # verifies OAuth; `api_key` is its client id (None: accept any client id).
    api_secret: str = ""
    api_key: str | None = None
    access_token: str = "shpat_sandbox_token"
    scopes: str = DEFAULT_SCOPES
    # App-specific subscriptions, as `shopify.app.toml` declares them: never removed.
    webhook_uri: str | None = None
    # The installed app's App URL, which /store/<store>/apps/<app> frames as the admin does.
    app_url: str | None = None
    webhook_topics: tuple[str, ...] = APP_CONFIG_TOPICS
    webhook_api_version: str = API_VERSION
    # GraphQL calculated query cost (Standard plan: 100 points/s restore; the bucket
    # size is not published any more, 2000 keeps the old 20 s ratio of 1000/50).
    bucket_size: float = 2000.0
    restore_rate: float = 100.0
    max_query_cost: int = 1000
    # Webhook delivery: 1 s to connect, 5 s in all, 8 retries, removal after 8 failures.
    connect_timeout: float = 1.0
    total_timeout: float = 5.0
    retry_delays: tuple[float, ...] = RETRY_DELAYS
    removal_after_failures: int = 8
    # Sandbox seconds per real second: 0 freezes time (only /_sandbox/clock/advance
    # moves it), 3600 plays an hour of retries in a second.
    time_scale: float = 1.0
    # Where sandbox time starts (ISO-8601); None: now. Pin it for reproducible runs.
    clock_start: str | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SandboxConfig:
        """Build a config from a mapping of field names; unknown names are an error."""
        known = {field.name for field in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown sandbox settings: {', '.join(unknown)}")
        config = cls(**dict(values))
        if isinstance(config.webhook_topics, list | set | frozenset):
            config = replace(config, webhook_topics=tuple(config.webhook_topics))
        return config
