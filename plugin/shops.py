"""Shops: the stores that installed Amends, and their credentials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.clock import utcnow
from plugin.errors import InvalidInput, NotFound
from plugin.storage.credentials import CredentialBox
from plugin.storage.models import Shop
from plugin.storage.upsert import insert_new

ACTIVE = "active"
UNINSTALLED = "uninstalled"


@dataclass(frozen=True)
class ShopView:
    """A shop as listings and the intake see it: no secrets."""

    id: int
    platform: str
    domain: str
    status: str
    api_url: str | None
    api_version: str | None

    @classmethod
    def of(cls, shop: Shop) -> ShopView:
        """Describe a stored shop."""
        return cls(shop.id, shop.platform, shop.domain, shop.status, shop.api_url, shop.api_version)

    def as_json(self) -> dict[str, Any]:
        """Return the fields scripts read from `shops list --json`."""
        return {
            "id": self.id,
            "platform": self.platform,
            "domain": self.domain,
            "status": self.status,
            "api_url": self.api_url,
            "api_version": self.api_version,
        }


def add_shop(
    session: Session,
    box: CredentialBox,
    *,
    platform: str,
    domain: str,
    credentials: dict[str, str],
    api_url: str | None = None,
    api_version: str | None = None,
) -> int:
    """Register a shop with its credentials sealed; refuse a second one for the same store."""
    now = utcnow()
    shop_id = insert_new(
        session,
        Shop,
        {
            "platform": platform,
            "domain": domain,
            "api_url": api_url,
            "api_version": api_version,
            "status": ACTIVE,
            "credentials": box.seal(credentials),
            "settings": {},
            "created_at": now,
            "updated_at": now,
        },
        unique=("platform", "domain"),
    )
    if shop_id is None:
        raise InvalidInput(f"a {platform} shop for {domain} is registered already")
    return shop_id


def list_shops(session: Session) -> list[ShopView]:
    """Return every shop, oldest first."""
    return [ShopView.of(shop) for shop in session.scalars(select(Shop).order_by(Shop.id))]


def find_shop(
    session: Session, platform: str, *, domain: str | None = None, shop_id: int | None = None
) -> Shop | None:
    """Return the shop of `platform` with that domain or id, if any."""
    query = select(Shop).where(Shop.platform == platform)
    if shop_id is not None:
        query = query.where(Shop.id == shop_id)
    if domain is not None:
        query = query.where(Shop.domain == domain)
    return session.scalars(query).first()


def shop_credentials(session: Session, box: CredentialBox, shop_id: int) -> dict[str, Any]:
    """Return a shop's credentials, opened."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    return box.open(shop.credentials)


def connect_shop(
    session: Session,
    box: CredentialBox,
    *,
    platform: str,
    domain: str,
    credentials: dict[str, str],
    api_url: str | None = None,
) -> int:
    """Register a shop, or give a known one new credentials and reactivate it; return its id."""
    shop = find_shop(session, platform, domain=domain)
    if shop is None:
        return add_shop(
            session, box, platform=platform, domain=domain, credentials=credentials, api_url=api_url
        )
    shop.credentials = box.seal(credentials)
    shop.api_url = api_url or shop.api_url
    shop.status = ACTIVE
    return shop.id
