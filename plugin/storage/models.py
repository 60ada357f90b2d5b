"""Tables. One Alembic chain creates them on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from plugin.clock import as_utc, clock_of

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps, stored as UTC on every backend.

    SQLite keeps no offset, so values are normalised to UTC before they are
    written and marked UTC again when read: comparisons then agree everywhere.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Normalise to UTC; drop the offset for SQLite, which cannot keep it."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing a naive datetime; pass an aware one (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Mark values read back as UTC."""
        return as_utc(value)


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal amount, kept as its text on every backend and read back as a Decimal.

    SQLite has no exact numeric type (NUMERIC columns hold floats), so amounts of
    money are written as `54.80` and never pass through a float on either backend.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        """Write the amount as plain text (`54.80`, never `5.48E+1`); refuse floats."""
        if value is None:
            return None
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"an exact amount is a Decimal, got {type(value).__name__}")
        return f"{Decimal(value):f}"

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        """Read the text back as the Decimal it was."""
        return None if value is None else Decimal(value)


# The largest id a row can have: ids are INTEGER, 32 bits on PostgreSQL. A larger
# number asked for (in a URL, a cursor) names no row, and must not reach a query.
MAX_ROW_ID = 2**31 - 1


class Base(DeclarativeBase):
    """Base of every table, with constraint names both backends agree on."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


# SQLite's index of the trigrams of the incidents' e-mails (migration 0020): an FTS5
# table and the shadow tables it keeps its index in, which no model describes.
INCIDENT_SEARCH_TABLE = "incidents_search"


def described(name: str | None, kind: str, _parents: Any) -> bool:
    """Tell Alembic's comparison whether a table is one the models describe."""
    return not (kind == "table" and (name or "").startswith(INCIDENT_SEARCH_TABLE))


class Shop(Base):
    """A store that installed Amends, with its credentials encrypted at rest."""

    __tablename__ = "shops"
    __table_args__ = (UniqueConstraint("platform", "domain"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    domain: Mapped[str] = mapped_column(String(255))  # myshopify domain or store URL
    api_url: Mapped[str | None] = mapped_column(String(500))
    api_version: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="active")
    credentials: Mapped[bytes] = mapped_column(LargeBinary)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Orders modified up to this time are known: the reconcile job's watermark.
    synced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class InboxDelivery(Base):
    """A webhook delivery, stored before it is acknowledged and processed after."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("shop_id", "delivery_key"),
        Index("ix_inbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(128))
    delivery_key: Mapped[str] = mapped_column(String(128))
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column()
    triggered_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    processed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


# A first name as long as Shopify lets a customer type one; a longer one is cut to it.
FIRST_NAME_LENGTH = 255


class Order(Base):
    """The latest known state of an order: what the detectors need, nothing more."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id"),
        Index("ix_orders_next_due_at", "next_due_at"),
        # A customer's orders at one shop, by address as typed in any case: what an
        # opening incident reads to weigh the customer's history.
        Index("ix_orders_shop_customer_email", "shop_id", text("lower(customer_email)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(32))
    financial_status: Mapped[str | None] = mapped_column(String(32))
    fulfillment_status: Mapped[str | None] = mapped_column(String(32))
    customer_email: Mapped[str | None] = mapped_column(String(320))
    customer_locale: Mapped[str | None] = mapped_column(String(16))
    customer_first_name: Mapped[str | None] = mapped_column(String(FIRST_NAME_LENGTH))
    currency: Mapped[str | None] = mapped_column(String(3))
    total_price: Mapped[str | None] = mapped_column(String(32))
    placed_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    platform_updated_at: Mapped[datetime | None]
    line_items: Mapped[dict[str, Any]] = mapped_column(default=dict)
    shipping_total: Mapped[str | None] = mapped_column(String(32))
    shipments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    next_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class Incident(Base):
    """A problem with one order that the shop is handling for its customer."""

    __tablename__ = "incidents"
    # open_key is set while the incident is open and cleared when it closes, so
    # "one open incident of a kind per order" is a constraint, not an `if`.
    __table_args__ = (
        UniqueConstraint("shop_id", "open_key"),
        Index("ix_incidents_shop_status", "shop_id", "status"),
        Index("ix_incidents_next_due_at", "next_due_at"),
        Index("ix_incidents_shop_order", "shop_id", "platform_order_id"),
        # The panel's inbox: one shop's incidents, newest first, paged by id; the same
        # of one status and kind; an order found by its name (migration 0020, which
        # also indexes the trigrams of the e-mails, below, for the inbox's search).
        Index("ix_incidents_shop_id_id", "shop_id", "id"),
        Index("ix_incidents_shop_status_kind_id", "shop_id", "status", "kind", "id"),
        Index("ix_incidents_shop_order_name", "shop_id", "order_name"),
        Index("ix_incidents_sla_due_at", "sla_due_at"),
        # A customer's earlier incidents at one shop (see ix_orders_shop_customer_email).
        Index("ix_incidents_shop_customer_email", "shop_id", text("lower(customer_email)")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    order_name: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="open")
    open_key: Mapped[str | None] = mapped_column(String(160))
    customer_email: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str | None] = mapped_column(String(16))
    next_due_at: Mapped[datetime | None]
    # When the shop's next service target falls due (the first message to the customer,
    # the resolution); None once every target is met, missed or no longer owed.
    sla_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()

    shop: Mapped[Shop] = relationship()
    timeline: Mapped[list[TimelineEntry]] = relationship(
        order_by="TimelineEntry.id", back_populates="incident"
    )


# The trigrams of the incidents' lowered e-mails, which the inbox's search reads on
# PostgreSQL (migration 0020); SQLite keeps them in INCIDENT_SEARCH_TABLE.
Index(
    "ix_incidents_customer_email_trigrams",
    func.lower(Incident.customer_email).label("lowered_email"),
    postgresql_using="gin",
    postgresql_ops={"lowered_email": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")


class IncidentCount(Base):
    """How many of a shop's incidents are of one kind in one status, kept exact.

    The inbox shows these counts on every page; counting 100,000 incidents each
    time costs more than the page. Triggers on `incidents` (migration 0018) add and
    take away in the transaction that inserts, moves or deletes an incident, so no
    code path can leave them behind: what these rows say is what COUNT(*) says.
    """

    __tablename__ = "incident_counts"

    shop_id: Mapped[int] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[int] = mapped_column()


class Parcel(Base):
    """What the carrier last said about one parcel of an order, and when to look again.

    `next_due_at` (indexed) is when the parcel becomes late: its estimated delivery
    plus the shop's grace, or its last tracking movement plus the days a parcel may
    go quiet; None once delivered or failed (a failure opens its own incident).
    """

    __tablename__ = "parcels"
    __table_args__ = (
        UniqueConstraint("shop_id", "shipment_id"),
        Index("ix_parcels_next_due_at", "next_due_at"),
        Index("ix_parcels_shop_order", "shop_id", "platform_order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    shipment_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(32))
    estimated_delivery_at: Mapped[datetime | None]
    last_event_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    next_due_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class IncidentSource(Base):
    """A platform record that opened an incident or was attached to it later.

    A return, refund, fulfillment or shipment event found again (its status moved
    on, the customer wrote again) is looked up here by its platform id, never by
    scanning timelines.
    """

    __tablename__ = "incident_sources"
    __table_args__ = (
        UniqueConstraint("incident_id", "source_type", "source_id"),
        Index("ix_incident_sources_lookup", "shop_id", "source_type", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    source_type: Mapped[str] = mapped_column(String(32))  # return, refund, fulfillment...
    source_id: Mapped[str] = mapped_column(String(128))  # the platform's id of it
    created_at: Mapped[datetime] = mapped_column()


class TimelineEntry(Base):
    """One thing that happened to an incident, in order."""

    __tablename__ = "incident_timeline"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column()
    type: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64), server_default=text("'system'"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)

    incident: Mapped[Incident] = relationship(back_populates="timeline")


class OutboxEntry(Base):
    """A side effect decided (an e-mail to a customer), written with the decision, done after.

    The idempotency key is derived from the incident and the action
    (`incident:12:acknowledgement`, `incident:12:update:3`), so a decision taken
    twice stores one row, and whatever carries the effect out (the Message-ID of an
    e-mail) is derived from it too.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # see plugin.outbox.KINDS
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When the next attempt is due; while a worker sends, when its claim runs out.
    next_attempt_at: Mapped[datetime] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    message_id: Mapped[str | None] = mapped_column(String(255))
    platform_ref: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class RequestNonce(Base):
    """A nonce a shop's signed request spent, kept until its timestamp can no longer pass.

    The unique (shop, nonce) pair makes a replay an insert that conflicts, not an `if`.
    """

    __tablename__ = "request_nonces"
    __table_args__ = (
        UniqueConstraint("shop_id", "nonce"),
        Index("ix_request_nonces_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    # After this moment the request's timestamp is refused anyway: the row can go.
    expires_at: Mapped[datetime] = mapped_column()
    created_at: Mapped[datetime] = mapped_column()


class AdminUser(Base):
    """A local admin of the standalone panel: an operator who signs in with a password.

    Only a hash of the password is kept (the surface that reads passwords makes it).
    """

    __tablename__ = "admin_users"
    __table_args__ = (UniqueConstraint("email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))  # kept lowercase
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class LoginFailure(Base):
    """A failed sign-in to the standalone panel, kept for the login rate limit."""

    __tablename__ = "admin_login_failures"
    __table_args__ = (
        Index("ix_admin_login_failures_email_at", "email", "at"),
        Index("ix_admin_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    address: Mapped[str] = mapped_column(String(64))  # the client's IP address
    at: Mapped[datetime] = mapped_column()


# Columns stamped from the session's clock: set when a row is first added (unless
# the code set them), and `updated_at` again whenever the ORM writes a change.
_STAMPED_ON_INSERT = ("created_at", "updated_at", "received_at", "next_attempt_at", "at")


@event.listens_for(Session, "before_flush")
def _stamp_times(session: Session, _context: object, _instances: object) -> None:
    """Fill a row's times from the clock its database runs on, never the wall clock."""
    now = clock_of(session).now()
    for row in session.new:
        for column in _STAMPED_ON_INSERT:
            if hasattr(type(row), column) and getattr(row, column) is None:
                setattr(row, column, now)
    for row in session.dirty:
        if hasattr(type(row), "updated_at") and session.is_modified(row, include_collections=False):
            row.updated_at = now


class OrderLine(Base):
    """One line of an order: what was sold, so that reports can count sold units in SQL.

    Kept from the newest order state; `counted` is False while the order is not a
    sale (cancelled, failed, in the trash).
    """

    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("shop_id", "platform_order_id", "line_item_id"),
        Index("ix_order_lines_shop_ordered_at", "shop_id", "ordered_at"),
        Index("ix_order_lines_shop_product", "shop_id", "product_id", "sku"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    line_item_id: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(String(64))
    variant_id: Mapped[str | None] = mapped_column(String(64))
    sku: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[str | None] = mapped_column(String(32))
    currency: Mapped[str | None] = mapped_column(String(3))
    ordered_at: Mapped[datetime] = mapped_column()
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class ReturnedLine(Base):
    """One order line that came back (a return's line, or a refund's), and why.

    `source_type`/`source_id` name the platform record (a return or a refund), and
    `line_key` the order line in it, or "*" when the platform did not say which
    lines (the whole record, quantity unknown). `quantity` is None when unknown,
    never 0. Product, variant, SKU and title come with the return when the
    platform names them, else from the order line once its order is known.
    """

    __tablename__ = "return_lines"
    __table_args__ = (
        UniqueConstraint("shop_id", "source_type", "source_id", "line_key"),
        Index("ix_return_lines_shop_requested_at", "shop_id", "requested_at"),
        Index("ix_return_lines_shop_sku_reason", "shop_id", "sku", "reason", "requested_at"),
        Index("ix_return_lines_shop_order", "shop_id", "platform_order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(32))
    platform_order_id: Mapped[str] = mapped_column(String(64))
    source_type: Mapped[str] = mapped_column(String(16))  # "return" or "refund"
    source_id: Mapped[str] = mapped_column(String(128))
    line_key: Mapped[str] = mapped_column(String(64))
    line_item_id: Mapped[str | None] = mapped_column(String(64))
    product_id: Mapped[str | None] = mapped_column(String(64))
    variant_id: Mapped[str | None] = mapped_column(String(64))
    sku: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(32))
    reason_text: Mapped[str | None] = mapped_column(Text)
    quantity: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column()
    received_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class CompensationRecord(Base):
    """One compensation of an incident: decided, offered, approved, executed, or given by staff.

    `amount` is what it counts as against the caps and the budget, exact, in
    `currency` (the order's). The idempotency key (`incident:12:compensation:3`:
    the incident, the action, its number) names the outbox row that executes it and
    is what the platforms see, so a decision taken twice stores one row and an
    action carried out twice makes one coupon or refund. Options of one offer share
    a `decision` number; `choose_by` (indexed) is when the policy's default applies.
    """

    __tablename__ = "compensations"
    __table_args__ = (
        UniqueConstraint("idempotency_key"),
        Index("ix_compensations_shop_status", "shop_id", "status"),
        Index("ix_compensations_choose_by", "choose_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(200))
    decision: Mapped[int] = mapped_column(Integer)  # the incident's n-th decision
    option: Mapped[int | None] = mapped_column(Integer)  # its place in an offer, from 1
    is_default: Mapped[bool] = mapped_column(default=False)
    proposed: Mapped[str | None] = mapped_column(String(16))  # grant or offer, once approved
    kind: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal] = mapped_column(ExactDecimal())
    currency: Mapped[str] = mapped_column(String(3))
    percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    expires_in_days: Mapped[int | None] = mapped_column(Integer)
    expires_on: Mapped[date | None]
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    rule: Mapped[str | None] = mapped_column(String(80))
    caps: Mapped[list[str]] = mapped_column(JSON, default=list)  # the caps that bound it
    explanation: Mapped[str] = mapped_column(Text, default="")
    code: Mapped[str | None] = mapped_column(String(64))
    platform_ref: Mapped[str | None] = mapped_column(String(255))
    source_ref: Mapped[str | None] = mapped_column(String(128))  # a staff refund's platform id
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)  # what the platform warned
    error: Mapped[str | None] = mapped_column(Text)
    choose_by: Mapped[datetime | None]
    decided_by: Mapped[str] = mapped_column(String(64), default="system")
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None]
    denied_by: Mapped[str | None] = mapped_column(String(64))
    denied_at: Mapped[datetime | None]
    chosen_by: Mapped[str | None] = mapped_column(String(64))
    chosen_at: Mapped[datetime | None]
    issued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()


class BackfillCheckpoint(Base):
    """How far a shop's backfill of one resource got: where the next page starts.

    Moved forward in the transaction that stores a page's deliveries, so a backfill
    stopped anywhere (Ctrl-C, a killed process) resumes after the last page kept,
    and never reads a kept page as new.
    """

    __tablename__ = "backfill_checkpoints"
    __table_args__ = (UniqueConstraint("shop_id", "resource"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    resource: Mapped[str] = mapped_column(String(32))
    since: Mapped[datetime] = mapped_column()
    cursor: Mapped[str | None] = mapped_column(Text)  # None: from the first page
    pages: Mapped[int] = mapped_column(Integer, default=0)
    fetched: Mapped[int] = mapped_column(Integer, default=0)  # records read
    stored: Mapped[int] = mapped_column(Integer, default=0)  # of them, new to the inbox
    total: Mapped[int | None] = mapped_column(Integer)  # records in all, when the store says
    completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
