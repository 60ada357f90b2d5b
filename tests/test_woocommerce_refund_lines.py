"""Which shipping a refund gives back, computed from a real order's JSON."""

from __future__ import annotations

import json
from decimal import Decimal

from connectors.woocommerce.actions import coupon_payload, shipping_refund_lines
from plugin.platforms import CouponSpec
from tests.conftest import FIXTURES


def observed_body(name: str) -> dict:
    return json.loads(
        json.loads((FIXTURES / "woocommerce" / "rest" / name).read_text())["body_text"]
    )


ORDER = observed_body("POST-orders-create.json")  # order 12: flat rate 5.90 + 1.239 VAT
SHIPPING_REFUND = {  # the refund WooCommerce recorded for a shipping-only refund of order 12
    "id": 14,
    "shipping_lines": [
        {
            "id": 7,
            "total": "-5.90",
            "total_tax": "-1.24",
            "meta_data": [{"key": "_refunded_item_id", "value": "3"}],
        }
    ],
}


def test_the_whole_shipping_is_refunded_net_and_tax_per_rate():
    assert shipping_refund_lines(ORDER, [], None) == [
        {"id": 3, "refund_total": "5.90", "refund_tax": [{"id": 1, "refund_total": "1.24"}]}
    ]


def test_a_partial_amount_is_split_between_net_and_tax():
    (line,) = shipping_refund_lines(ORDER, [], Decimal("3.57"))

    assert line["refund_total"] == "2.95"
    assert line["refund_tax"] == [{"id": 1, "refund_total": "0.62"}]


def test_shipping_refunded_before_is_not_refunded_again():
    assert shipping_refund_lines(ORDER, [SHIPPING_REFUND], None) == []


def test_a_free_shipping_coupon_is_a_zero_fixed_cart_with_free_shipping():
    from datetime import date

    payload = coupon_payload(
        CouponSpec(
            code="AMENDS-12-SHIP",
            kind="free_shipping",
            amount=Decimal("0"),
            customer_email="jose@tienda.example",
            expires_on=date(2026, 12, 22),
        )
    )

    assert payload["discount_type"] == "fixed_cart"
    assert payload["amount"] == "0"
    assert payload["free_shipping"] is True
    assert payload["email_restrictions"] == ["jose@tienda.example"]
    assert (payload["usage_limit"], payload["usage_limit_per_user"]) == (1, 1)
    # valid through the 22nd: WooCommerce expires at 00:00 of the date it is given
    assert payload["date_expires"] == "2026-12-23T00:00:00"
