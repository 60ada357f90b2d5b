"""Defect-spike alerts: one SKU's defective rate triples in a week, and only that fires.

Four months of a shop selling five mugs about 100 a day each, returned at steady
rates (2 % defective, 3 % too small, 1 % damaged on the way), drawn from a seeded
random generator: ordinary noise. The alert job runs every day of it.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from babel.numbers import format_decimal
from lingua import LanguageDetectorBuilder
from sqlalchemy import insert, select

from plugin import scheduler, worker
from plugin.incidents.sources import incidents_of_source
from plugin.quality.exact import binomial_tail, rates_differ
from plugin.quality.spikes import SpikeRules, find_spikes
from plugin.scope import ShopScope
from plugin.storage.models import Incident, OrderLine, OutboxEntry, ReturnedLine, Shop
from tests.test_messaging_templates import LANGUAGES, NEIGHBOURS

START = datetime(2026, 7, 1, 12, tzinfo=UTC)
DAYS = 120
SKUS = ("MUG-1", "MUG-2", "MUG-3", "MUG-4", "MUG-5")
RATES = {"defective": 0.02, "size_too_small": 0.03, "damaged_in_transit": 0.01}
SPIKE_DAYS = range(100, 107)  # MUG-1's defective rate triples in these days
CONTACT = "owner@olivar.example"


def poisson(rng: random.Random, mean: float) -> int:
    """Draw from Poisson(mean): Knuth's product of uniforms, in steps for a large mean."""
    count = 0
    while mean > 0:
        step = min(mean, 30.0)
        mean -= step
        limit, product = math.exp(-step), rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
    return count


def history(shop_id: int, spike: bool, seed: int = 20261123) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    sold, returned = [], []
    for day in range(DAYS):
        when = START + timedelta(days=day)
        for sku in SKUS:
            units = poisson(rng, 100)
            order = f"{sku}-{day}"
            common = {"shop_id": shop_id, "platform": "shopify", "platform_order_id": order}
            sold.append(
                common | {"line_item_id": "1", "product_id": sku[-1], "sku": sku, "title": sku,
                          "quantity": units, "ordered_at": when, "counted": True,
                          "created_at": when, "updated_at": when}
            )  # fmt: skip
            for reason, rate in RATES.items():
                if spike and sku == "MUG-1" and reason == "defective" and day in SPIKE_DAYS:
                    rate *= 3
                count = poisson(rng, units * rate)
                if count:
                    returned.append(
                        common | {"source_type": "return", "source_id": f"{order}-{reason}",
                                  "line_key": "1", "line_item_id": "1", "product_id": sku[-1],
                                  "sku": sku, "title": sku, "reason": reason, "quantity": count,
                                  "requested_at": when, "created_at": when, "updated_at": when}
                    )  # fmt: skip
    return sold, returned


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    """Send the merchant's alerts to the test's own SMTP server."""
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": "alerts@amends.example",
    }


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values(), *NEIGHBOURS).build()


@pytest.fixture
def shop(runtime, make_shop) -> int:
    shop_id = make_shop("shopify")
    with runtime.database.transaction() as session:
        session.get_one(Shop, shop_id).settings = {"care": {"merchant_email": CONTACT}}
    return shop_id


def load(runtime, shop_id: int, spike: bool) -> None:
    sold, returned = history(shop_id, spike)
    with runtime.database.transaction() as session:
        session.execute(insert(OrderLine), sold)
        session.execute(insert(ReturnedLine), returned)


def run_every_day(runtime) -> list[int]:
    job = scheduler.job("quality.defect-spikes")
    return [
        scheduler.run_job(runtime, job, START + timedelta(days=day, hours=1)).count
        for day in range(DAYS)
    ]


def quality_incidents(runtime) -> list[Incident]:
    with runtime.database.transaction() as session:
        found = session.scalars(select(Incident).where(Incident.kind == "quality")).all()
        session.expunge_all()
        return list(found)


def test_months_of_ordinary_noise_raise_no_alert(runtime, shop):
    load(runtime, shop, spike=False)

    assert sum(run_every_day(runtime)) == 0
    assert quality_incidents(runtime) == []


def test_a_week_of_tripled_defects_raises_exactly_one_alert_that_says_why(runtime, shop):
    load(runtime, shop, spike=True)

    opened = run_every_day(runtime)

    assert sum(opened) == 1
    (incident,) = quality_incidents(runtime)
    assert (incident.platform_order_id, incident.status) == ("defective:MUG-1", "open")
    # the job runs at 01:00 and looks at the 7 days before: it fires within the spike's week
    assert (incident.created_at - START).days + 1 in range(101, 108)
    with runtime.database.transaction() as session:
        opening = next(e for e in session.get_one(Incident, incident.id).timeline)
        (mail,) = session.scalars(select(OutboxEntry)).all()
        assert (mail.payload["to"], mail.payload["alert"]) == (CONTACT, "defect_spike")
        assert mail.payload["locale"] == "en"  # the shop names no language of its own
        assert mail.payload["spike"]["recent_returned"] == opening.detail["recent_returned"]
        assert sum(r["units"] for r in mail.payload["returns"]) == opening.detail["recent_returned"]
        assert opening.detail["sku"] == "MUG-1"
        assert opening.detail["p_value"] < opening.detail["threshold"]
        assert "p = " in opening.detail["why"]


def test_the_alert_links_the_returns_behind_it(runtime, shop):
    load(runtime, shop, spike=True)
    run_every_day(runtime)
    (incident,) = quality_incidents(runtime)

    with runtime.database.transaction() as session:
        window = session.scalars(
            select(ReturnedLine.source_id).where(
                ReturnedLine.sku == "MUG-1",
                ReturnedLine.reason == "defective",
                ReturnedLine.requested_at >= incident.created_at - timedelta(days=7),
                ReturnedLine.requested_at < incident.created_at,
            )
        ).all()
        linked = [incidents_of_source(session, shop, ("return", s)) for s in window]

    assert window
    assert all([i.id for i in found] == [incident.id] for found in linked)


def test_a_resolved_alert_is_not_raised_again_for_the_same_crossing(runtime, shop):
    load(runtime, shop, spike=True)
    job = scheduler.job("quality.defect-spikes")
    day = next(
        d for d in range(DAYS)
        if scheduler.run_job(runtime, job, START + timedelta(days=d, hours=1)).count
    )  # fmt: skip
    with runtime.database.transaction() as session:
        (incident,) = session.scalars(select(Incident)).all()
        incident.status, incident.open_key = "resolved", None

    again = scheduler.run_job(runtime, job, START + timedelta(days=day + 1, hours=1)).count

    assert again == 0


def test_a_new_sku_without_a_baseline_is_not_judged(runtime, shop):
    rules = SpikeRules()
    sold, returned = history(shop, spike=True)
    late = [row for row in sold if row["ordered_at"] >= START + timedelta(days=95)]
    with runtime.database.transaction() as session:
        session.execute(insert(OrderLine), late)
        session.execute(insert(ReturnedLine), returned)
        spikes = find_spikes(session, ShopScope.only(shop), START + timedelta(days=104), rules)

    assert spikes == []


def test_the_exact_tail_is_the_binomial_sum():
    # P(X >= 2), X ~ Binomial(3, 0.5) = (3 + 1) / 8
    assert binomial_tail(2, 3, 0.5) == pytest.approx(0.5)
    assert binomial_tail(0, 3, 0.5) == 1.0
    assert binomial_tail(4, 3, 0.5) == 0.0
    # equal rates, equal exposure: half the returns fall in each window
    assert rates_differ(10, 100, 10, 100) == pytest.approx(binomial_tail(10, 20, 0.5))
    assert rates_differ(30, 100, 10, 100) == pytest.approx(binomial_tail(30, 40, 0.5))
    assert rates_differ(30, 100, 10, 100) < 0.002
    assert rates_differ(10, 100, 30, 100) > 0.99  # one-sided: a drop is no spike


def test_an_alert_queued_in_english_words_before_an_upgrade_is_still_sent_as_written():
    from plugin.outbox.alerts import MerchantAlertCourier
    from plugin.outbox.runner import Claim

    payload = {
        "to": CONTACT,
        "alert": "defect_spike",
        "incident_kind": "quality",
        "stage": "alert",
        "locale": "en",
        "subject": "Returns of MUG-1 as defective are spiking",
        "text": "MUG-1.\n\n41 of 700 units sold in the last 7 days came back as defective.",
    }
    claim = Claim(1, 1, 1, "merchant_email", "incident:7:alert", payload, 7, "olivar.example", {})
    courier = MerchantAlertCourier(
        sender=None, from_address="alerts@amends.example", now=lambda: START
    )

    message = courier.compose(claim)

    assert (message["To"], message["Subject"]) == (CONTACT, payload["subject"])
    text = message.get_body(("plain",)).get_content()
    assert "41 of 700 units sold in the last 7 days came back as defective." in text


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-GB", ["more returns than usual (Defective)", "Why you are told", "statistical test"]),
        ("es-ES", ["más devoluciones de lo habitual (Defectuoso)", "prueba estadística"]),
        ("it", ["più resi del solito (Difettoso)", "test statistico"]),
        ("ru-RU", ["возвратов больше обычного (Брак)", "статистического теста"]),
        ("de-CH", ["mehr Retouren als üblich (Defekt)", "statistischen Test"]),
        ("fr_CA", ["plus de retours que d'habitude (Défectueux)", "test statistique"]),
    ],
)
def test_the_merchant_reads_the_spike_at_the_smtp_server_in_the_shops_language(
    runtime, shop, mailbox, detector, locale, words
):
    with runtime.database.transaction() as session:
        session.get_one(Shop, shop).settings = {
            "care": {"merchant_email": CONTACT, "timezone": "Europe/Madrid"},
            "messages": {"shop_name": "Olivar", "locale": locale},
        }
    load(runtime, shop, spike=True)
    job = scheduler.job("quality.defect-spikes")
    for day in SPIKE_DAYS:
        scheduler.run_job(runtime, job, START + timedelta(days=day + 1, hours=1))

    worker.run_once(runtime)

    (incident,) = quality_incidents(runtime)
    with runtime.database.transaction() as session:
        figures = next(iter(session.get_one(Incident, incident.id).timeline)).detail
    (mail,) = mailbox.messages()
    language = LANGUAGES[locale[:2]]
    text = " ".join(mail.get_body(("plain",)).get_content().split())
    html = mail.get_body(("html",)).get_content()
    assert (mail["To"], mail["Content-Language"]) == (CONTACT, locale[:2])
    assert mail["Subject"].startswith("[Olivar] MUG-1")
    assert detector.detect_language_of(text) == language
    for word in words:
        assert word in f"{mail['Subject']} {text}"
    assert "MUG-1" in text
    for figure in ("recent_returned", "recent_sold", "baseline_returned", "baseline_sold"):
        assert " ".join(format_decimal(figures[figure], locale=locale[:2]).split()) in text
    # the returns behind it, each named by its order and dated in the shop's language
    assert "MUG-1-10" in text  # orders of days 100-106 are MUG-1-100 ... MUG-1-106
    link = f"http://127.0.0.1:8000/admin/incidents/{incident.id}"
    assert link in text
    assert f'<a href="{link}">' in html
