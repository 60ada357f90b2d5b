"""Show a merchant how a message reads, on one of their own incidents, without sending it.

The sample is the shop's newest incident of the message's kind (else its newest
incident, else an invented order); the shop's name, address and promised cadence
are its own. Nothing is written: a preview reads and renders only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.incidents.care import CareSettings
from plugin.messaging.context import GivenCompensation, MessageContext
from plugin.messaging.errors import TemplateRejected
from plugin.messaging.overrides import validate_override
from plugin.messaging.problems import TemplateProblem
from plugin.messaging.render import RenderedMessage, render
from plugin.messaging.store import Key, draft_override
from plugin.messaging.voice import ShopVoice
from plugin.orders.snapshot import find_order
from plugin.scope import ShopScope
from plugin.storage.models import Incident, Shop

SAMPLE_ORDER = "#1001"
SAMPLE_FIRST_NAME = "Anna"
CODE_DAYS = 30
COMPENSATIONS = ("percent_coupon", "free_shipping", "shipping_refund")


@dataclass(frozen=True)
class Preview:
    """A message as the customer would read it, and what stops the draft from being saved."""

    message: RenderedMessage
    order_name: str  # which order the sample is
    problems: tuple[TemplateProblem, ...]


def preview(
    session: Session,
    scope: ShopScope,
    key: Key,
    draft: dict[str, Any] | None,
    *,
    now: datetime,
    contact_email: str,
    case_url: str,
    compensation: str = "percent_coupon",
) -> Preview:
    """Render the draft (the stored wording when None) on a sample of the shop's incidents.

    A part with a problem is shown as the built-in wording, and the problem is returned.
    """
    shop = session.get(Shop, scope.shop_id) if scope.shop_id is not None else None
    settings = shop.settings if shop is not None else {}
    voice = ShopVoice.of(shop.domain if shop else "shop", settings)
    override, problems = _usable(key, draft, voice)
    context = _context(session, scope, key, settings, voice, now, contact_email, case_url)
    if key[1] == "compensation":
        context = _with_compensation(context, compensation, now.date())
    overrides = {key: override} if override else {}
    message = render(*key, context, overrides)
    return Preview(message=message, order_name=context.order_name, problems=problems)


def _usable(
    key: Key, draft: dict[str, Any] | None, voice: ShopVoice
) -> tuple[dict[str, str], tuple[TemplateProblem, ...]]:
    """Return the parts of the draft that can be shown, and the problems of the others."""
    if draft is None:
        return dict(voice.overrides.get(key) or {}), ()
    override = draft_override(key, draft)
    if not override:
        return {}, ()
    try:
        return validate_override(*key, override), ()
    except TemplateRejected as rejected:
        wrong = {problem.part for problem in rejected.details}
        kept = {part: value for part, value in override.items() if part not in wrong}
        if "text" not in kept:
            kept.pop("html", None)
        return kept, rejected.details


def _context(
    session: Session,
    scope: ShopScope,
    key: Key,
    settings: dict[str, Any],
    voice: ShopVoice,
    now: datetime,
    contact_email: str,
    case_url: str,
) -> MessageContext:
    incident = _sample_incident(session, scope, key[0])
    first_name = SAMPLE_FIRST_NAME
    order_name = SAMPLE_ORDER
    if incident is not None:
        order = find_order(session, incident.shop_id, incident.platform_order_id)
        first_name = (order.customer_first_name if order else None) or ""
        order_name = incident.order_name or incident.platform_order_id
    care = CareSettings.of(settings)
    return MessageContext(
        order_name=order_name,
        shop_name=voice.name,
        contact_email=voice.contact_email or contact_email,
        customer_first_name=first_name,
        next_update=care.calendar.local_day(now + timedelta(days=care.update_every_days)),
        incident_url=case_url,
    )


def _sample_incident(session: Session, scope: ShopScope, kind: str) -> Incident | None:
    """Return the shop's newest incident of `kind`, else its newest; None when it has none."""
    query = scope.filter(select(Incident), Incident.shop_id).order_by(Incident.id.desc()).limit(1)
    return session.scalar(query.where(Incident.kind == kind)) or session.scalar(query)


def _with_compensation(context: MessageContext, kind: str, today: date) -> MessageContext:
    """Give the sample a compensation of `kind`, as the shop's policy might grant it."""
    if kind not in COMPENSATIONS:
        kind = COMPENSATIONS[0]
    code = None if kind == "shipping_refund" else "SORRY-PREVIEW"
    given = GivenCompensation(
        kind=kind,
        amount=Decimal("4.90"),
        currency="EUR",
        percent=Decimal(10) if kind == "percent_coupon" else None,
        code=code,
        valid_until=today + timedelta(days=CODE_DAYS) if code else None,
    )
    return MessageContext(**{**context.__dict__, "compensation": given})
