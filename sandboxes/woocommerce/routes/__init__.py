"""The sandbox's blueprints: WooCommerce's REST routes, wc-auth, and its own controls."""

from __future__ import annotations

from flask import Blueprint

from sandboxes.woocommerce.routes import (
    control,
    coupons,
    index,
    notes,
    orders,
    refunds,
    shipping,
    wc_auth,
    webhooks,
)


def blueprints() -> list[Blueprint]:
    """Return every blueprint the app registers."""
    return [
        index.bp,
        orders.bp,
        refunds.bp,
        notes.bp,
        coupons.bp,
        webhooks.bp,
        shipping.bp,
        wc_auth.bp,
        control.bp,
    ]
