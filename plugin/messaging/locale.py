"""Choose the language a customer is written to in, from what the platforms send."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

SUPPORTED_LANGUAGES = ("en", "es", "it", "ru", "de", "fr")
DEFAULT_LANGUAGE = "en"


def resolve_locale(
    order_locale: str | None, customer_locale: str | None, shop_default: str | None
) -> str:
    """Return the language to write in: the first of the three Amends can write.

    The order's locale says what the customer read while buying, so it comes first;
    the customer's saved locale next, then the shop's default, then English. A locale
    in a language Amends does not write (`pt_BR`) gives way to the next one.
    """
    for candidate in (order_locale, customer_locale, shop_default):
        language = supported_language(candidate)
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


def supported_language(identifier: str | None) -> str | None:
    """Return the supported language nearest to a platform's locale, or None.

    Platforms send `es-ES` (Shopify), `es_MX` or `de_DE_formal` (WordPress), `EN`
    or `ru-RU`; Babel reads them all and the region, script and variant drop away:
    a Swiss German customer reads `de`, a Canadian French one `fr`.
    """
    locale = _parse(identifier)
    if locale is None:
        return None
    nearest = Locale.negotiate([str(locale)], SUPPORTED_LANGUAGES)
    return nearest.language if nearest else None


def _parse(identifier: str | None) -> Locale | None:
    """Read a POSIX (`fr_CA`) or BCP 47 (`fr-CA`) identifier; None when it is no locale."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    separator = "_" if "_" in identifier or "-" not in identifier else "-"
    try:
        return Locale.parse(identifier, sep=separator)
    except (ValueError, TypeError, UnknownLocaleError):
        return None
