"""Keep a shop's own wording of its messages: saved whole once valid, or not at all.

The wording lives in the shop's settings under "messages" → "overrides", where
`ShopVoice` reads it when a message is sent. What the merchant leaves as the
built-in wording is not stored, so an improved built-in translation still reaches
their customers; a message whose every part is the built-in one has no override.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from plugin.errors import InvalidInput, NotFound
from plugin.messaging.defaults import default_wording
from plugin.messaging.letter import KINDS, STAGES
from plugin.messaging.locale import SUPPORTED_LANGUAGES
from plugin.messaging.overrides import PARTS, validate_override
from plugin.messaging.voice import KEY
from plugin.scope import ShopScope
from plugin.storage.models import Shop

OVERRIDES = "overrides"
Key = tuple[str, str, str]  # kind, stage, language


def check_key(kind: str, stage: str, language: str) -> Key:
    """Return the message's key, or raise NotFound when Amends has no such message."""
    if kind not in KINDS or stage not in STAGES or language not in SUPPORTED_LANGUAGES:
        raise NotFound(
            f"no message {kind}/{stage}/{language}: kinds are {', '.join(KINDS)}, stages "
            f"{', '.join(STAGES)}, languages {', '.join(SUPPORTED_LANGUAGES)}"
        )
    return kind, stage, language


def stored_overrides(session: Session, scope: ShopScope) -> dict[Key, dict[str, str]]:
    """Return the shop's own wording, by message."""
    stored = _overrides(_shop(session, scope).settings)
    found = {}
    for kind, stages in stored.items():
        for stage, languages in (stages or {}).items():
            for language, parts in (languages or {}).items():
                found[(kind, stage, language)] = dict(parts)
    return found


def draft_override(key: Key, draft: Mapping[str, Any]) -> dict[str, Any]:
    """Return what of an editor's draft differs from the built-in wording.

    Empty parts and parts written as the built-in wording keep the built-in one; a
    text given beside an HTML version stays, since the two go together.
    """
    unknown = [name for name in draft if name not in PARTS]
    if unknown:
        return dict(draft)  # validate_override names them
    default = default_wording(*key)
    override: dict[str, Any] = {}
    for part in PARTS:
        value = draft.get(part)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
            if not value or _same(value, default.get(part)):
                continue
        elif value is None:
            continue
        override[part] = value
    if "html" in override and "text" not in override and draft.get("text"):
        override["text"] = str(draft["text"]).replace("\r\n", "\n").strip()
    return override


def save_override(session: Session, scope: ShopScope, key: Key, draft: Mapping[str, Any]) -> bool:
    """Keep the draft as the shop's wording of the message; True when it differs from the default.

    Raises TemplateRejected, and keeps nothing, when any part cannot be sent.
    """
    override = draft_override(key, draft)
    if override:
        override = validate_override(*key, override)
    shop = _shop(session, scope, lock=True)
    _store(shop, key, override or None)
    return bool(override)


def reset_override(session: Session, scope: ShopScope, key: Key) -> None:
    """Go back to the built-in wording of the message."""
    _store(_shop(session, scope, lock=True), key, None)


def _store(shop: Shop, key: Key, override: dict[str, str] | None) -> None:
    """Write one message's wording into the shop's settings, leaving every other part as it is."""
    kind, stage, language = key
    settings = dict(shop.settings or {})
    messages = dict(settings.get(KEY) or {})
    overrides = {name: dict(stages) for name, stages in _overrides(settings).items()}
    stages = overrides.setdefault(kind, {})
    languages = dict(stages.get(stage) or {})
    if override is None:
        languages.pop(language, None)
    else:
        languages[language] = override
    stages[stage] = languages
    if not languages:
        del stages[stage]
    if not stages:
        del overrides[kind]
    messages[OVERRIDES] = overrides
    settings[KEY] = messages
    shop.settings = settings


def _overrides(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    messages = (settings or {}).get(KEY) or {}
    stored = messages.get(OVERRIDES) if isinstance(messages, Mapping) else None
    if stored is not None and not isinstance(stored, Mapping):
        raise InvalidInput('the shop\'s "messages" → "overrides" setting must be an object')
    return dict(stored or {})


def _shop(session: Session, scope: ShopScope, *, lock: bool = False) -> Shop:
    if scope.shop_id is None:
        raise InvalidInput("a shop's wording is edited for one shop: choose the shop")
    shop = session.get(Shop, scope.shop_id, with_for_update=lock)
    if shop is None:
        raise NotFound(f"no shop with id {scope.shop_id}")
    return shop


def _same(value: str, default: str | None) -> bool:
    """Tell whether a part says the built-in wording, whatever its line breaks and spaces."""
    return default is not None and " ".join(value.split()) == " ".join(default.split())
