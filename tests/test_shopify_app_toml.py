"""shopify.app.toml subscribes to exactly the topics the connector keeps."""

from __future__ import annotations

import tomllib
from pathlib import Path

from connectors.shopify.consts import API_VERSION, SCOPES, SUBSCRIBED_TOPICS

TOML = Path(__file__).parent.parent / "shopify.app.toml"


def test_the_app_subscribes_to_every_topic_the_inbox_keeps_and_no_other():
    config = tomllib.loads(TOML.read_text())
    subscribed = set()
    for subscription in config["webhooks"]["subscriptions"]:
        subscribed |= set(subscription.get("topics", ()))
        subscribed |= set(subscription.get("compliance_topics", ()))
        assert subscription["uri"] == "/webhooks/shopify"

    assert subscribed == SUBSCRIBED_TOPICS
    assert config["webhooks"]["api_version"] == API_VERSION


def test_the_scopes_cover_every_subscribed_resource_and_match_what_install_asks_for():
    scopes = set(tomllib.loads(TOML.read_text())["access_scopes"]["scopes"].split(","))

    assert scopes == set(SCOPES.split(","))
    assert {
        "read_orders",
        "read_fulfillments",
        "read_returns",
        "write_discounts",
        "write_orders",
    } <= scopes
