"""Find SKUs whose returns for one reason spiked: the last 7 days against the 30 before.

For each (shop, product, SKU, reason) with returns in the recent window, the
returned units and the units sold are summed in the recent window and in the
baseline window (plain GROUP BYs), and a spike is called when all of these hold:

- volume: at least `min_returns` returned units recently, and at least
  `min_recent_sold` and `min_baseline_sold` units sold in each window;
- size: the recent rate is at least `min_ratio` times the baseline rate;
- chance: the exact conditional test (plugin.quality.exact) gives a p-value under
  `alpha` divided by the number of SKU and reason pairs tested for the shop that
  run (Bonferroni: a shop with many products does not get more false alarms).

A spike says all its figures, so the merchant reads why it fired.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from plugin.quality.exact import rates_differ
from plugin.scope import ShopScope
from plugin.storage.models import OrderLine, ReturnedLine

# Reasons that say something about the product (or how it was picked and packed).
WATCHED_REASONS = (
    "defective",
    "damaged_in_transit",
    "wrong_item",
    "not_as_described",
    "size_too_small",
    "size_too_large",
)


@dataclass(frozen=True)
class SpikeRules:
    """When a spike is called."""

    recent_days: int = 7
    baseline_days: int = 30
    min_returns: int = 5
    min_recent_sold: int = 10
    min_baseline_sold: int = 30
    min_ratio: float = 2.0
    alpha: float = 0.01


@dataclass(frozen=True)
class Spike:
    """One SKU's returns for one reason, far above its baseline, and the figures that say so."""

    shop_id: int
    product_id: str | None
    sku: str | None
    title: str | None
    reason: str
    recent_returned: int
    recent_sold: int
    baseline_returned: int
    baseline_sold: int
    p_value: float
    threshold: float  # the p-value it had to be under
    since: datetime  # the recent window's start
    recent_days: int = 7
    baseline_days: int = 30

    @property
    def recent_rate(self) -> float:
        """Return the recent returned units per unit sold."""
        return self.recent_returned / self.recent_sold

    @property
    def baseline_rate(self) -> float:
        """Return the baseline returned units per unit sold."""
        return self.baseline_returned / self.baseline_sold

    def as_json(self) -> dict[str, Any]:
        """Return the spike's figures."""
        return asdict(self) | {
            "since": self.since.isoformat(),
            "recent_rate": round(self.recent_rate, 4),
            "baseline_rate": round(self.baseline_rate, 4),
        }


Key = tuple[int, str | None, str | None]


def find_spikes(
    session: Session, scope: ShopScope, now: datetime, rules: SpikeRules | None = None
) -> list[Spike]:
    """Return the spikes of the recent window ending at `now`, per shop, SKU and reason."""
    rules = rules or SpikeRules()
    recent_start = now - timedelta(days=rules.recent_days)
    baseline_start = recent_start - timedelta(days=rules.baseline_days)
    recent = _returned(session, scope, recent_start, now)
    if not recent:
        return []
    baseline = _returned(session, scope, baseline_start, recent_start)
    sold_recent = _sold(session, scope, recent_start, now)
    sold_baseline = _sold(session, scope, baseline_start, recent_start)
    tested: dict[int, int] = defaultdict(int)
    for key, _reason in recent:
        tested[key[0]] += 1
    spikes = []
    for (key, reason), (units, title) in sorted(recent.items(), key=lambda item: str(item[0])):
        figures = (units, sold_recent.get(key, 0), baseline.get((key, reason), (0, None))[0])
        baseline_sold = sold_baseline.get(key, 0)
        spike = _judge(key, reason, title, figures, baseline_sold, rules, tested[key[0]])
        if spike is not None:
            windows = {"recent_days": rules.recent_days, "baseline_days": rules.baseline_days}
            spikes.append(Spike(**{**asdict(spike), "since": recent_start, **windows}))
    return spikes


def _judge(
    key: Key,
    reason: str,
    title: str | None,
    figures: tuple[int, int, int],
    baseline_sold: int,
    rules: SpikeRules,
    tested: int,
) -> Spike | None:
    returned, sold, baseline_returned = figures
    if returned < rules.min_returns or sold < rules.min_recent_sold:
        return None
    if baseline_sold < rules.min_baseline_sold:
        return None  # no baseline to measure against: a new product
    recent_rate, baseline_rate = returned / sold, baseline_returned / baseline_sold
    if baseline_rate and recent_rate < rules.min_ratio * baseline_rate:
        return None
    threshold = rules.alpha / tested
    p_value = rates_differ(returned, sold, baseline_returned, baseline_sold)
    if p_value >= threshold:
        return None
    shop_id, product_id, sku = key
    return Spike(
        shop_id, product_id, sku, title, reason, returned, sold, baseline_returned,
        baseline_sold, p_value, threshold, datetime.min,
    )  # fmt: skip


def _returned(
    session: Session, scope: ShopScope, since: datetime, until: datetime
) -> dict[tuple[Key, str], tuple[int, str | None]]:
    table = ReturnedLine.__table__.c
    query: Select[Any] = select(
        table.shop_id,
        table.product_id,
        table.sku,
        table.reason,
        func.sum(table.quantity),
        func.max(table.title),
    ).where(
        table.requested_at >= since,
        table.requested_at < until,
        table.reason.in_(WATCHED_REASONS),
        table.quantity.is_not(None),
        (table.product_id.is_not(None)) | (table.sku.is_not(None)),
    )
    query = scope.filter(query, table.shop_id).group_by(
        table.shop_id, table.product_id, table.sku, table.reason
    )
    return {
        ((shop, product, sku), reason): (int(units), title)
        for shop, product, sku, reason, units, title in session.execute(query)
    }


def _sold(session: Session, scope: ShopScope, since: datetime, until: datetime) -> dict[Key, int]:
    table = OrderLine.__table__.c
    query: Select[Any] = select(
        table.shop_id, table.product_id, table.sku, func.sum(table.quantity)
    ).where(table.ordered_at >= since, table.ordered_at < until, table.counted.is_(True))
    query = scope.filter(query, table.shop_id).group_by(table.shop_id, table.product_id, table.sku)
    return {
        (shop, product, sku): int(units) for shop, product, sku, units in session.execute(query)
    }
