"""A simulated Shopify store on loopback, for tests, the demo and operators.

It answers the Admin GraphQL API validated against Shopify's published schema of the
requested version, meters it with the calculated-cost bucket, issues tokens through
OAuth and token exchange, and delivers signed webhooks with Shopify's timeouts and
retries. Scenarios are scripted through /_sandbox/ (control.py).
"""

from sandboxes.shopify.app import close_app, create_app
from sandboxes.shopify.config import SandboxConfig

__all__ = ["SandboxConfig", "close_app", "create_app"]
