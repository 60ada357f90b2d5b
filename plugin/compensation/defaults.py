"""The policy a shop starts with: it acts at once, within conservative caps.

A faulty item (defective, wrong, not as described) earns 10 % off the next order;
a parcel three or more days late earns its shipping back, or a free-shipping code
when shipping was free. No incident earns more than 20 % of its order or 25 in the
order's currency, no customer more than 2 compensations in 90 days, and the shop
no more than 500 a month; what a cap makes smaller waits for a person.
"""

from __future__ import annotations

from typing import Any

from plugin.compensation.documents import read_policy
from plugin.compensation.policy import Policy

FAULTY = ["defective_item", "wrong_item", "not_as_described"]

DEFAULT_DOCUMENT: dict[str, Any] = {
    "version": 1,
    "caps": {
        "per_incident": {"amount": "25", "share_of_order": "20"},
        "per_customer": {"count": 2, "window_days": 90},
        "monthly_budget": "500",
        "over_cap": "approve",
    },
    "approval": {},
    "refunds": {"through_gateway": True},
    "rules": [
        {
            "name": "faulty items",
            "when": {"kinds": FAULTY},
            "grant": {"kind": "percent_coupon", "percent": "10", "expires_in_days": 60},
            "needs_approval": False,
        },
        {
            "name": "late parcels",
            "when": {"kinds": ["delayed_shipment"], "days_late_at_least": 3, "shipping_paid": True},
            "grant": {"kind": "shipping_refund"},
            "needs_approval": False,
        },
        {
            "name": "late parcels shipped free",
            "when": {
                "kinds": ["delayed_shipment"],
                "days_late_at_least": 3,
                "shipping_paid": False,
            },
            "grant": {"kind": "free_shipping", "expires_in_days": 60},
            "needs_approval": False,
        },
    ],
}


def default_policy() -> Policy:
    """Return the policy of a shop that has not set its own."""
    return read_policy(DEFAULT_DOCUMENT)
