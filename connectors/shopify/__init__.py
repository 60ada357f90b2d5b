"""Shopify: webhook deliveries, payload parsing and (later) the Admin GraphQL API."""

from connectors.shopify.connector import ShopifyConnector

__all__ = ["ShopifyConnector"]
