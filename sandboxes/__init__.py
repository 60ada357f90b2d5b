"""The simulated Shopify and WooCommerce stores the tests and the demo run against.

Test infrastructure, apart from the product: nothing here imports Amends (its
signing, its topic lists, its API version), so a sandbox can disagree with the
product where the product is wrong. Only `amends sandbox` and the tests import it.
"""
