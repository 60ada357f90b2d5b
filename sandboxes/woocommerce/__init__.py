"""A simulated WooCommerce 9.9.5 store for tests and the demo.

`create_app(store)` returns a Flask app that answers `/wp-json/wc/v3/` as the
observed store does (OAuth 1.0a over plain HTTP, so the `woocommerce` client
works unchanged), delivers the webhooks registered through it, and runs the
`/wc-auth/v1/` key-granting flow. `/_sandbox/` adds the few controls
WooCommerce's own API lacks (flush the delivery queue, read its log, move the clock).
"""

from sandboxes.woocommerce.app import create_app
from sandboxes.woocommerce.store import SandboxStore

__all__ = ["SandboxStore", "create_app"]
