"""Turn a spike into a merchant-facing `quality` incident, opened once, told once.

One quality incident may be open per SKU and reason (its open key), and none is
opened again for the same SKU and reason while the window that fired is still the
recent one, even if the merchant resolved it meanwhile: a crossing is told once.
The returns behind it are linked as its sources. The merchant hears of it by
e-mail at the address their alerts go to (`care.merchant_email`, as for missed
service targets), through the outbox, once (the key is the incident's), in the
shop's language; the row holds the figures and the returns, the words are written
when it is sent (plugin.messaging.spikes).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from plugin.errors import InvalidInput
from plugin.incidents.care import CareSettings
from plugin.incidents.customer import message_key
from plugin.incidents.lifecycle import open_key
from plugin.incidents.sources import link_sources
from plugin.incidents.timeline import add_timeline
from plugin.messaging.locale import resolve_locale
from plugin.messaging.voice import default_locale
from plugin.outbox import DEFECT_SPIKE, MERCHANT_EMAIL
from plugin.outbox.store import enqueue
from plugin.quality.spikes import Spike
from plugin.storage.models import Incident, Order, ReturnedLine, Shop
from plugin.storage.upsert import insert_new

log = logging.getLogger("amends.quality")

QUALITY = "quality"
ALERT = "alert"
NO_CONTACT = "no alert: the shop has no merchant_email in its care settings"
LISTED = 25  # returns named in the alert; the case links them all


def alert_key(spike: Spike) -> str:
    """Name what a quality incident is about: `defective:MUG-1` (the product id without a SKU)."""
    return f"{spike.reason}:{spike.sku or spike.product_id}"[:64]


def raise_alert(session: Session, spike: Spike, now: datetime) -> Incident | None:
    """Open the quality incident of `spike` as of `now`, and tell the merchant.

    None when it was told before.
    """
    key = alert_key(spike)
    told = select(Incident.id).where(
        Incident.shop_id == spike.shop_id,
        Incident.kind == QUALITY,
        Incident.platform_order_id == key,
        Incident.created_at >= spike.since,
    )
    if session.scalar(told.limit(1)) is not None:
        return None
    incident_id = insert_new(
        session,
        Incident,
        {
            "shop_id": spike.shop_id,
            "platform_order_id": key,
            "order_name": f"{spike.sku or spike.product_id} {spike.reason}",
            "kind": QUALITY,
            "status": "open",
            "open_key": open_key(QUALITY, key),
            "created_at": now,
            "updated_at": now,
        },
        unique=("shop_id", "open_key"),
    )
    if incident_id is None:
        return None  # one is open for it already
    incident = session.get_one(Incident, incident_id)
    add_timeline(
        session,
        incident_id,
        "incident_opened",
        {"source": "defect_spike", **spike.as_json(), "why": why(spike)},
    )
    link_sources(session, incident, _sources(session, spike))
    _tell_merchant(session, incident, spike)
    log.warning("quality.spike", extra={"shop": spike.shop_id, "key": key, "p": spike.p_value})
    return incident


def why(spike: Spike) -> str:
    """Say in words why the alert fired."""
    return (
        f"{spike.recent_returned} of {spike.recent_sold} units sold in the last 7 days came "
        f"back as {spike.reason} ({spike.recent_rate:.1%}), against {spike.baseline_returned} "
        f"of {spike.baseline_sold} ({spike.baseline_rate:.1%}) in the 30 days before. "
        f"So many by chance at the usual rate: p = {spike.p_value:.2g} "
        f"(an alert needs p < {spike.threshold:.2g})."
    )


def _sources(session: Session, spike: Spike) -> list[tuple[str, str]]:
    query = select(ReturnedLine.source_type, ReturnedLine.source_id).where(*_behind(spike))
    return sorted((str(kind), str(source)) for kind, source in session.execute(query.distinct()))


def _behind(spike: Spike) -> list[ColumnElement[bool]]:
    """Say which returned lines are behind `spike`: its SKU's, for its reason, in its window."""
    line = ReturnedLine
    return [
        line.shop_id == spike.shop_id,
        line.reason == spike.reason,
        line.requested_at >= spike.since,
        line.requested_at < spike.since + timedelta(days=spike.recent_days),
        line.product_id.is_(None)
        if spike.product_id is None
        else line.product_id == spike.product_id,
        line.sku.is_(None) if spike.sku is None else line.sku == spike.sku,
    ]


def _tell_merchant(session: Session, incident: Incident, spike: Spike) -> None:
    """Queue the merchant's alert: the facts now, the words in the shop's language when sent."""
    shop = session.get(Shop, spike.shop_id)
    settings = shop.settings if shop else None
    try:
        care = CareSettings.of(settings)
    except InvalidInput:  # unreadable care settings: said where they are read for care
        care = None
    if care is None or not care.merchant_email:
        add_timeline(
            session, incident.id, "message_skipped", {"stage": ALERT, "reason": NO_CONTACT}
        )
        return
    locale = resolve_locale(None, None, default_locale(settings))
    listed, more = returns_behind(session, spike)
    key = message_key(incident.id, ALERT)
    payload = {
        "to": care.merchant_email,
        "alert": DEFECT_SPIKE,
        "incident_kind": QUALITY,
        "stage": ALERT,
        "locale": locale,
        "incident_id": incident.id,
        "timezone": care.calendar.timezone,
        "spike": spike.as_json(),
        "returns": listed,
        "more_returns": more,
    }
    if enqueue(
        session,
        shop_id=spike.shop_id,
        incident_id=incident.id,
        key=key,
        kind=MERCHANT_EMAIL,
        payload=payload,
    ):
        detail = {"stage": ALERT, "channel": MERCHANT_EMAIL, "locale": locale, "key": key}
        add_timeline(session, incident.id, "message_queued", detail)


def returns_behind(session: Session, spike: Spike) -> tuple[list[dict[str, Any]], int]:
    """List the returns behind `spike`, newest first, at most LISTED; and how many more.

    One row per return (its lines of this SKU summed), named by the order as the
    merchant knows it, with what the customer wrote.
    """
    line = ReturnedLine
    units = func.sum(line.quantity)
    query = (
        select(
            line.source_type,
            line.source_id,
            line.platform_order_id,
            func.max(Order.name),
            func.min(line.requested_at),
            units,
            func.max(line.reason_text),
        )
        .outerjoin(
            Order,
            (Order.shop_id == line.shop_id) & (Order.platform_order_id == line.platform_order_id),
        )
        .where(*_behind(spike))
        .group_by(line.source_type, line.source_id, line.platform_order_id)
        .order_by(func.min(line.requested_at).desc(), line.source_id)
    )
    rows = session.execute(query).all()
    listed = [
        {
            "order": name or order_id,
            "requested_at": requested_at.isoformat(),
            "units": int(count) if count is not None else None,
            "note": note,
        }
        for _kind, _source, order_id, name, requested_at, count, note in rows[:LISTED]
    ]
    return listed, max(len(rows) - LISTED, 0)
