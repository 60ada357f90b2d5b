"""What the panel's tests share: session tokens as Shopify signs them, a waiting compensation."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jwt

from plugin.compensation.approvals import list_compensations
from plugin.compensation.documents import read_policy
from plugin.compensation.store import save_policy
from plugin.dispatch import handle_event
from plugin.events import OrderChanged
from plugin.incidents.staff import open_by_hand
from plugin.scope import ShopScope
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET, TEST_NOW

API_KEY = "test-api-key"  # the settings_overrides fixture's shopify_api_key
OTHER_DOMAIN = "other-shop.myshopify.com"
PAID = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def session_token(
    shop: str = SHOPIFY_DOMAIN,
    secret: str = SHOPIFY_SECRET,
    now: datetime = TEST_NOW,
    drop: tuple[str, ...] = (),
    **claims: Any,
) -> str:
    """Return a session token as Shopify's admin signs it (a minute's life from `now`)."""
    stamp = int(now.timestamp())
    payload = {
        "iss": f"https://{shop}/admin",
        "dest": f"https://{shop}",
        "aud": API_KEY,
        "sub": "42",
        "exp": stamp + 60,
        "nbf": stamp - 5,
        "iat": stamp - 5,
        "jti": "f6a1c0de",
        "sid": "s1",
    } | claims
    for name in drop:
        payload.pop(name)
    return jwt.encode(payload, secret, algorithm="HS256")


def bearer(token: str | None = None, **options: Any) -> dict[str, str]:
    """Return the Authorization header App Bridge adds to the panel's fetches."""
    return {"Authorization": f"Bearer {token or session_token(**options)}"}


NEEDS_APPROVAL = {
    "rules": [
        {
            "name": "faulty items",
            "when": {"kinds": ["defective_item"]},
            "grant": {"kind": "fixed_coupon", "amount": "5"},
            "needs_approval": True,
        }
    ]
}


def waiting_compensation(
    runtime: Any, shop_id: int, order_id: str = "5001", email: str = "lucia@example.es"
) -> tuple[int, int]:
    """Have a shop whose policy asks approval see a paid order come back defective.

    Return the incident's id and the id of the compensation waiting for approval.
    """
    incident_id = defective_order(runtime, shop_id, NEEDS_APPROVAL, order_id, email)
    with runtime.database.reading() as session:
        listed = list_compensations(session, ShopScope.only(shop_id), pending_only=True)
    (waiting,) = [row for row in listed if row["incident"] == incident_id]
    return incident_id, waiting["id"]


def defective_order(
    runtime: Any,
    shop_id: int,
    policy: dict[str, Any],
    order_id: str = "5001",
    email: str = "lucia@example.es",
) -> int:
    """Have a shop with `policy` see a paid order of 53.80 EUR come back defective; its id."""
    with runtime.database.transaction() as session:
        save_policy(session, shop_id, read_policy(policy))
        handle_event(
            session,
            shop_id,
            OrderChanged(
                order_id=order_id,
                updated_at=PAID,
                name=f"#{order_id}",
                financial_status="paid",
                customer_email=email,
                customer_locale="es",
                currency="EUR",
                total_price="53.80",
                paid_at=PAID,
                shipping_total="4.90",
            ),
        )
    with runtime.database.transaction() as session:
        return open_by_hand(session, shop_id, order_id, "defective_item").id
