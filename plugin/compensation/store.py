"""Keep a shop's compensation policy in its settings, under "compensation".

A shop without one follows the default policy. A policy is kept only once it is
valid in full, so reading it back never meets a setting it cannot use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from plugin.compensation.defaults import default_policy
from plugin.compensation.documents import read_policy
from plugin.compensation.policy import Policy
from plugin.errors import NotFound
from plugin.storage.models import Shop

KEY = "compensation"


def policy_of(shop_settings: Mapping[str, Any] | None) -> Policy:
    """Return the policy a shop's settings hold, or the default when they hold none."""
    document = (shop_settings or {}).get(KEY)
    return default_policy() if document is None else read_policy(document)


def has_own_policy(shop_settings: Mapping[str, Any] | None) -> bool:
    """Tell whether the shop set a policy of its own."""
    return (shop_settings or {}).get(KEY) is not None


def load_policy(session: Session, shop_id: int) -> tuple[Policy, bool]:
    """Return a shop's policy, and whether it is its own rather than the default."""
    shop = _shop(session, shop_id)
    return policy_of(shop.settings), has_own_policy(shop.settings)


def save_policy(session: Session, shop_id: int, policy: Policy) -> None:
    """Keep `policy` as the shop's, replacing the one it had."""
    shop = _shop(session, shop_id)
    shop.settings = {**(shop.settings or {}), KEY: policy.document()}


def _shop(session: Session, shop_id: int) -> Shop:
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    return shop
