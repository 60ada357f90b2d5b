"""The customer is written to in the order's language, then the customer's, then the shop's."""

from __future__ import annotations

import pytest

from plugin.messaging import resolve_locale


@pytest.mark.parametrize(
    ("order_locale", "customer_locale", "shop_default", "language"),
    [
        ("es-ES", None, None, "es"),  # Shopify's customer_locale
        ("es_MX", None, None, "es"),  # WordPress
        ("es-419", None, None, "es"),  # Latin American Spanish
        ("de-CH", None, None, "de"),
        ("de_DE_formal", None, None, "de"),  # WordPress's formal German
        ("fr_CA", None, None, "fr"),
        ("EN", None, None, "en"),
        ("ru-RU", None, None, "ru"),
        ("it", None, None, "it"),
        ("en_US.UTF-8", None, None, "en"),
        # A language Amends does not write gives way to the next source.
        ("pt_BR", "es_MX", "de", "es"),
        ("pt-BR", None, "it_IT", "it"),
        ("zh-Hant-TW", "ja", "fr-FR", "fr"),
        # The order comes first even when the customer's profile says otherwise.
        ("ru", "de", "en", "ru"),
        # Nothing usable anywhere: English.
        ("pt_BR", "pl", "nl_NL", "en"),
        (None, None, None, "en"),
        ("", "  ", None, "en"),
        ("english", "??", "de_", "en"),
    ],
)
def test_the_first_supported_language_wins(order_locale, customer_locale, shop_default, language):
    assert resolve_locale(order_locale, customer_locale, shop_default) == language
