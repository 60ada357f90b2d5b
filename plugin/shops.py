"""Shops: the stores that installed Amends, and their credentials."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, Table, delete, func, select
from sqlalchemy.orm import Session

from plugin.clock import clock_of
from plugin.credential_rules import check_changes, check_credentials
from plugin.errors import InvalidInput, NotFound
from plugin.shop_health import NOT_CHECKED, WebhookHealth, notices_of
from plugin.storage.credentials import CredentialBox
from plugin.storage.models import Base, Shop
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
    webhooks: WebhookHealth | None = None
    notices: tuple[str, ...] = ()

    @classmethod
    def of(cls, shop: Shop) -> ShopView:
        """Describe a stored shop."""
        return cls(
            shop.id,
            shop.platform,
            shop.domain,
            shop.status,
            shop.api_url,
            shop.api_version,
            WebhookHealth.of(shop.settings),
            tuple(notices_of(shop.settings)),
        )

    @property
    def webhook_summary(self) -> str:
        """Return how the shop's webhooks are, in a few words."""
        return self.webhooks.summary() if self.webhooks else NOT_CHECKED

    def as_json(self) -> dict[str, Any]:
        """Return the fields scripts read from `shops list --json`."""
        return {
            "id": self.id,
            "platform": self.platform,
            "domain": self.domain,
            "status": self.status,
            "api_url": self.api_url,
            "api_version": self.api_version,
            "webhooks": self.webhooks.as_json() if self.webhooks else {"health": NOT_CHECKED},
            "notices": list(self.notices),
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
    """Register a shop with its credentials sealed; refuse a second one for the same store.

    Credentials that cannot be real (empty, trivially short) are refused first.
    """
    check_credentials(platform, credentials)
    now = clock_of(session).now()
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
    if shop_id is not None and not _storable(shop_id):
        return None  # a number from a URL the database cannot even compare
    query = select(Shop).where(Shop.platform == platform)
    if shop_id is not None:
        query = query.where(Shop.id == shop_id)
    if domain is not None:
        query = query.where(Shop.domain == domain)
    return session.scalars(query).first()


# Shop ids are INTEGER columns: 32 bits on PostgreSQL. A larger number is no shop's
# id, and asking for it would fail in the driver rather than find nothing.
LARGEST_ID = 2**31 - 1


def _storable(shop_id: int) -> bool:
    return 0 < shop_id <= LARGEST_ID


def get_shop(session: Session, shop_id: int) -> Shop:
    """Return the shop with `shop_id`, or say there is none."""
    shop = session.get(Shop, shop_id) if _storable(shop_id) else None
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    return shop


def shop_credentials(session: Session, box: CredentialBox, shop_id: int) -> dict[str, Any]:
    """Return a shop's credentials, opened."""
    return box.open(get_shop(session, shop_id).credentials)


def connect_shop(
    session: Session,
    box: CredentialBox,
    *,
    platform: str,
    domain: str,
    credentials: dict[str, str],
    api_url: str | None = None,
    api_version: str | None = None,
) -> int:
    """Register a shop, or give a known one new credentials and reactivate it; return its id."""
    check_credentials(platform, credentials)
    shop = find_shop(session, platform, domain=domain)
    if shop is None:
        return add_shop(
            session,
            box,
            platform=platform,
            domain=domain,
            credentials=credentials,
            api_url=api_url,
            api_version=api_version,
        )
    shop.credentials = box.seal(credentials)
    shop.api_url = api_url or shop.api_url
    shop.api_version = api_version or shop.api_version
    shop.status = ACTIVE
    return shop.id


# What a credential's replacement makes meaningless: the expiry and refresh token of
# the grant an access token came from (a refresh would swap the new token for one of
# the old grant), the id of the WooCommerce key a consumer key was.
_STALE_WITH = {"access_token": ("expires_at", "refresh_token"), "consumer_key": ("key_id",)}


def update_credentials(
    session: Session, box: CredentialBox, shop_id: int, changes: dict[str, str]
) -> list[str]:
    """Replace some of a shop's credentials, checked as a new shop's are; return their names.

    A new webhook secret does not reach the store by itself being stored: WooCommerce
    signs with the secret its webhooks hold until they are updated (woocommerce.md,
    "Observed again"). So the secret it replaces is kept as `previous_webhook_secret`
    and deliveries signed with either are accepted (webhooks/views.py). Bringing the
    store's webhooks to the new secret is the WooCommerce upkeep's work; until then
    both stay valid, and only the newest previous one is kept.
    """
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    if not changes:
        raise InvalidInput("nothing to change: give the credentials or secret to replace")
    if ("consumer_key" in changes) != ("consumer_secret" in changes):
        raise InvalidInput("a consumer key and its secret go together: give both")
    if shop.platform == "shopify" and "webhook_secret" in changes:
        raise InvalidInput(
            "Shopify signs every shop's webhooks with the app's client secret: "
            "set SHOPIFY_API_SECRET (and SHOPIFY_API_SECRET_PREVIOUS while it changes)"
        )
    check_changes(shop.platform, changes)
    old = box.open(shop.credentials)
    new = old | changes
    if old.get("webhook_secret") and new["webhook_secret"] != old["webhook_secret"]:
        new["previous_webhook_secret"] = old["webhook_secret"]
    for name in changes:
        for stale in _STALE_WITH.get(name, ()):
            new.pop(stale, None)
    shop.credentials = box.seal(new)
    return sorted(changes)


def _owned_rows(shop_id: int) -> dict[Table, ColumnElement[bool]]:
    """Return, for each table whose rows a shop owns, the condition that picks the shop's.

    Ownership is what the schema says: a foreign key with ON DELETE CASCADE to the
    shop, or to a row the shop owns (an incident's timeline).
    """
    shops = cast(Table, Shop.__table__)
    owned: dict[Table, ColumnElement[bool]] = {shops: shops.c.id == shop_id}
    for table in Base.metadata.sorted_tables:  # parents before children
        for key in table.foreign_keys:
            parent = key.column.table
            if table not in owned and parent in owned and key.ondelete == "CASCADE":
                owned[table] = key.parent.in_(select(key.column).where(owned[parent]))
    del owned[shops]
    return owned


def shop_belongings(session: Session, shop_id: int) -> dict[str, int]:
    """Count, table by table, the rows that go when the shop goes."""
    return {
        table.name: session.scalar(select(func.count()).select_from(table).where(condition)) or 0
        for table, condition in _owned_rows(shop_id).items()
    }


def remove_shop(session: Session, shop_id: int) -> tuple[ShopView, dict[str, int]]:
    """Delete a shop and everything it owns; return what it was and what went with it.

    The database deletes the owned rows (ON DELETE CASCADE), in the same transaction.
    """
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    view, belongings = ShopView.of(shop), shop_belongings(session, shop_id)
    session.execute(delete(Shop).where(Shop.id == shop_id))
    session.expunge(shop)
    return view, belongings


REFRESH_MARGIN_SECONDS = 300


def grant_credentials(grant: Any, now: datetime) -> dict[str, str]:
    """Return what to store of an access grant: the token, and when it must be refreshed."""
    credentials = {"access_token": grant.access_token, "scope": grant.scope}
    if grant.expires_in:
        credentials["expires_at"] = (now + timedelta(seconds=int(grant.expires_in))).isoformat()
    if grant.refresh_token:
        credentials["refresh_token"] = grant.refresh_token
    return credentials


def token_due(credentials: Mapping[str, str], now: datetime) -> bool:
    """Tell whether an expiring access token lapses within minutes and can be renewed."""
    expires_at = credentials.get("expires_at")
    if not expires_at or not credentials.get("refresh_token"):
        return False
    margin = timedelta(seconds=REFRESH_MARGIN_SECONDS)
    return datetime.fromisoformat(expires_at) - now < margin


def current_access_token(
    session: Session,
    box: CredentialBox,
    shop_id: int,
    refresh: Callable[[str, str], Any],
    now: datetime,
) -> str:
    """Return the shop's access token, refreshed first when it expires within minutes.

    `refresh(domain, refresh_token)` asks the platform for a new grant; the new
    token and refresh token replace the old ones at once (the old refresh token
    is spent).
    """
    shop = session.get(Shop, shop_id, with_for_update=True)
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    credentials = box.open(shop.credentials)
    if not token_due(credentials, now):
        return credentials["access_token"]
    grant = refresh(shop.domain, credentials["refresh_token"])
    shop.credentials = box.seal(credentials | grant_credentials(grant, now))
    return grant.access_token


def store_url(url: str | None, name: str = "url") -> str:
    """Return a store's home URL in one spelling (lowercase host, one trailing slash).

    The same store must be one shop however the merchant typed its address.
    """
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{name} must be an http(s) URL, got {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}/"
