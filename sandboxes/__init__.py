"""The simulated stores the tests and the demo run against, and a real WordPress.

Shopify and WooCommerce are simulated; `wordpress/` serves Debian's WordPress for the
plugin's wp-admin pages.

Test infrastructure, apart from the product: nothing here imports Amends (its
signing, its topic lists, its API version), so a sandbox can disagree with the
product where the product is wrong. Only `amends sandbox`, the demo and the tests
import it.
"""
