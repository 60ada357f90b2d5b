"""WooCommerce: webhook deliveries, payload parsing, the REST v3 client and actions."""

from connectors.woocommerce.client import WooClient
from connectors.woocommerce.connector import WooCommerceConnector

__all__ = ["WooClient", "WooCommerceConnector"]
