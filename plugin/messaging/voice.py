"""How a shop speaks to its customers: its name, its address, its language, its own words.

Kept in the shop's settings under "messages"; every part is optional:

    {"messages": {"shop_name": "Lumen", "contact_email": "help@lumen.example",
                  "reply_to": "help@lumen.example", "locale": "es-ES",
                  "overrides": {"delayed_shipment": {"acknowledgement": {"es": {
                      "subject": "Tu pedido {{ order_name }} viene con retraso"}}}}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from plugin.errors import InvalidInput
from plugin.messaging.render import Overrides

KEY = "messages"
TEXT_SETTINGS = ("shop_name", "contact_email", "reply_to", "locale")


@dataclass(frozen=True)
class ShopVoice:
    """What a shop's messages say about the shop."""

    name: str
    contact_email: str | None = None  # where customers write; the reply-to when not given
    reply_to: str | None = None  # where replies to its e-mail go
    locale: str | None = None  # the shop's default language, after the order's
    overrides: Overrides = field(default_factory=dict)

    @classmethod
    def of(cls, domain: str, shop_settings: Mapping[str, Any] | None) -> ShopVoice:
        """Read the "messages" part of a shop's settings; the shop's name defaults to its host."""
        settings = (shop_settings or {}).get(KEY) or {}
        if not isinstance(settings, Mapping):
            raise InvalidInput('the shop\'s "messages" settings must be an object')
        text = {name: _text(settings, name) for name in TEXT_SETTINGS}
        return cls(
            name=text["shop_name"] or name_from_domain(domain),
            contact_email=text["contact_email"] or text["reply_to"],
            reply_to=text["reply_to"],
            locale=text["locale"],
            overrides=_overrides(settings.get("overrides") or {}),
        )


def name_from_domain(domain: str) -> str:
    """Name a shop by its address when it gave no name: `lumen` for lumen.myshopify.com."""
    host = urlsplit(domain if "//" in domain else f"//{domain}").netloc or domain
    host = host.removeprefix("www.")
    return host.removesuffix(".myshopify.com")


def _text(settings: Mapping[str, Any], name: str) -> str | None:
    value = settings.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f'messages setting "{name}" must be text, got {value!r}')
    return value.strip() or None


def _overrides(stored: Any) -> dict[tuple[str, str, str], Mapping[str, str]]:
    """Turn {kind: {stage: {language: parts}}} into what `render` takes."""
    found: dict[tuple[str, str, str], Mapping[str, str]] = {}
    for kind, stages in _object(stored).items():
        for stage, languages in _object(stages).items():
            for language, parts in _object(languages).items():
                found[(kind, stage, language)] = _object(parts)
    return found


def _object(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(
            'messages setting "overrides" must be {kind: {stage: {language: {subject, text, '
            f"html}}}}}}}}; found {value!r}"
        )
    return value


def default_locale(shop_settings: Mapping[str, Any] | None) -> str | None:
    """Return the shop's default language as stored, or None; never refuse.

    Read where a message is decided, inside the transaction of a webhook: a
    malformed setting must not stop the incident from opening (it is reported when
    the message is written, by `ShopVoice.of`).
    """
    settings = (shop_settings or {}).get(KEY)
    locale = settings.get("locale") if isinstance(settings, Mapping) else None
    return locale if isinstance(locale, str) else None
