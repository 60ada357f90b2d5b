"""The versions the sandbox answers as: those of the observed store."""

WC_VERSION = "9.9.5"
WP_VERSION = "6.9"
HOOKSHOT_USER_AGENT = f"WooCommerce/{WC_VERSION} Hookshot (WordPress/{WP_VERSION})"
REST_PREFIX = "/wp-json"
NAMESPACE = "wc/v3"
