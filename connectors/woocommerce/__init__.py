"""WooCommerce: webhook deliveries, payload parsing and (later) the REST v3 API."""

from connectors.woocommerce.connector import WooCommerceConnector

__all__ = ["WooCommerceConnector"]
