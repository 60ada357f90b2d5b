"""WooCommerce's error answers, as a real store gave them, mapped to what the caller should do."""

from __future__ import annotations

import json

import pytest
import requests

from connectors.woocommerce.client import error_from
from plugin.errors import (
    PlatformRateLimited,
    PlatformRejected,
    PlatformUnauthorized,
    PlatformUnavailable,
)
from tests.conftest import FIXTURES


def observed_response(name: str) -> requests.Response:
    recorded = json.loads((FIXTURES / "woocommerce" / "rest" / name).read_text())
    response = requests.Response()
    response.status_code = recorded["status"]
    response.headers.update(recorded["headers"])
    response._content = recorded["body_text"].encode()
    return response


@pytest.mark.parametrize(
    ("observed", "error_type", "code"),
    [
        (
            "POST-coupons-duplicate.json",
            PlatformRejected,
            "woocommerce_rest_coupon_code_already_exists",
        ),
        # Refund refusals come as HTTP 500 with a bare-integer `data`: not an outage.
        (
            "POST-orders-refunds-too-much.json",
            PlatformRejected,
            "woocommerce_rest_cannot_create_order_refund",
        ),
        (
            "POST-orders-refunds-api-refund-default-bacs.json",
            PlatformRejected,
            "woocommerce_rest_cannot_create_order_refund",
        ),
        ("ERR-order-refunds-404.json", PlatformRejected, "woocommerce_rest_invalid_order_id"),
        ("ERR-order-404.json", PlatformRejected, "woocommerce_rest_shop_order_invalid_id"),
        ("ERR-per_page-101.json", PlatformRejected, "rest_invalid_param"),
        ("ERR-oauth-bad-cs.json", PlatformUnauthorized, "woocommerce_rest_authentication_error"),
        ("ERR-oauth-bad-ck.json", PlatformUnauthorized, "woocommerce_rest_authentication_error"),
    ],
)
def test_observed_errors_say_whether_to_retry(observed, error_type, code):
    error = error_from(observed_response(observed), "call")

    assert type(error) is error_type
    assert error.code == code
    assert error.retryable is False


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_outages_to_retry(status):
    response = requests.Response()
    response.status_code = status
    response._content = b"<html>Bad gateway</html>"

    error = error_from(response, "GET orders")

    assert type(error) is PlatformUnavailable
    assert error.retryable is True
    assert str(error) == f"GET orders: HTTP {status}"


def test_a_500_without_woocommerce_error_body_is_an_outage():
    response = requests.Response()
    response.status_code = 500
    response._content = b"PHP Fatal error"

    assert type(error_from(response, "x")) is PlatformUnavailable


def test_429_waits_as_long_as_asked():
    response = requests.Response()
    response.status_code = 429
    response.headers["Retry-After"] = "7"
    response._content = b"{}"

    error = error_from(response, "x")

    assert type(error) is PlatformRateLimited
    assert error.retry_after == 7.0
