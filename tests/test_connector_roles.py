"""Connectors name the roles they play, and the wiring holds them to it at start-up."""

from __future__ import annotations

from datetime import datetime

import pytest

from connectors.shopify import ShopifyConnector
from connectors.woocommerce import WooCommerceConnector
from plugin.config import load_settings
from plugin.errors import ConfigurationError
from plugin.platforms import Actions, CouponSpec, Reconcile, ShopContext, Subscriptions
from plugin.runtime import build_connectors, register


class Intake:
    """The intake role alone, as a test connector builds on."""

    platform = "teststore"
    topics = frozenset({"order.updated"})
    roles = frozenset({"intake"})

    def is_ping(self, headers, body):
        return False

    def read_delivery(self, headers):
        raise NotImplementedError

    def delivery_key(self, delivery, body, shop_key):
        return "key"

    def signature_valid(self, body, signature, secrets):
        return False

    def parse(self, topic, body):
        return None


class ClaimsReconcileWithoutIt(Intake):
    roles = frozenset({"intake", "reconcile"})


class ActionsOfAnotherShape(Intake):
    roles = frozenset({"intake", "actions"})

    def issue_coupon(self, client, spec: CouponSpec, now: datetime):  # the old signature
        raise NotImplementedError

    def refund_shipping(self, shop: ShopContext, spec):
        raise NotImplementedError

    def add_note(self, shop: ShopContext, spec):
        raise NotImplementedError


def test_a_connector_that_claims_a_role_it_lacks_stops_the_start():
    with pytest.raises(ConfigurationError) as refused:
        register(ClaimsReconcileWithoutIt())

    assert str(refused.value) == (
        "connector 'teststore' claims the 'reconcile' role but lacks "
        "order_keys_match_webhooks; changed_orders; "
        "implement them or drop 'reconcile' from its roles"
    )


def test_an_action_with_another_signature_is_refused_with_the_one_wanted():
    with pytest.raises(ConfigurationError) as refused:
        register(ActionsOfAnotherShape())

    assert str(refused.value) == (
        "connector 'teststore' claims the 'actions' role but lacks "
        "issue_coupon(client, spec, now), not issue_coupon(shop, spec); "
        "implement them or drop 'actions' from its roles"
    )


def test_every_connector_takes_deliveries_and_roles_are_known_names():
    no_intake = type("NoIntake", (Intake,), {"roles": frozenset({"actions"})})()
    unknown = type("Unknown", (Intake,), {"roles": frozenset({"intake", "billing"})})()

    with pytest.raises(ConfigurationError, match="must play the 'intake' role"):
        register(no_intake)
    with pytest.raises(ConfigurationError, match="claims unknown role"):
        register(unknown)


def test_the_platform_connectors_play_every_role_they_claim(tmp_path):
    settings = load_settings(tmp_path, environ={}, overrides={"secret_key": "k"})

    connectors = build_connectors(settings)

    assert {name: sorted(c.roles) for name, c in connectors.items()} == {
        "shopify": [
            "actions",
            "admin_links",
            "backfill",
            "embedded",
            "install",
            "intake",
            "reconcile",
            "token_refresh",
        ],
        "woocommerce": [
            "actions",
            "admin_links",
            "backfill",
            "install",
            "intake",
            "reconcile",
            "subscriptions",
        ],
    }
    for connector in connectors.values():
        assert isinstance(connector, ShopifyConnector | WooCommerceConnector)


def test_shopify_keeps_subscriptions_only_for_topics_it_makes_through_the_api(tmp_path):
    settings = load_settings(
        tmp_path,
        environ={"AMENDS_SHOPIFY_API_WEBHOOK_TOPICS": "orders/updated, returns/request"},
        overrides={"secret_key": "k"},
    )

    shopify = build_connectors(settings)["shopify"]

    assert "subscriptions" in shopify.roles
    assert shopify.api_topics == {"orders/updated", "returns/request"}


def test_a_compliance_topic_cannot_be_made_through_the_api(tmp_path):
    settings = load_settings(
        tmp_path,
        environ={"AMENDS_SHOPIFY_API_WEBHOOK_TOPICS": "orders/updated,shop/redact"},
        overrides={"secret_key": "k"},
    )

    with pytest.raises(ConfigurationError, match="cannot subscribe to shop/redact"):
        build_connectors(settings)


def test_the_runtime_finds_connectors_by_role(runtime):
    assert sorted(runtime.playing(Reconcile)) == ["shopify", "woocommerce"]
    assert sorted(runtime.playing(Subscriptions)) == ["woocommerce"]
    assert runtime.connector_for("shopify", Actions) is runtime.connectors["shopify"]
    with pytest.raises(ConfigurationError, match="does not play the 'subscriptions' role"):
        runtime.connector_for("shopify", Subscriptions)
