"""The counts per status the inbox shows are kept by the database, and stay exact.

Whatever writes incidents (the engine opening and moving them, a reopen, SQL typed by
an operator, a removed shop), the kept counts say what counting the incidents says.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update

from plugin.incidents import inbox, states
from plugin.scope import ShopScope
from plugin.shops import remove_shop
from plugin.storage.models import Incident, IncidentCount
from tests.conftest import TEST_NOW


def counted(session, shop_id):
    """Count the shop's incidents per status the slow way, every status present."""
    counts = dict.fromkeys(inbox.LIFECYCLE, 0)
    query = (
        select(Incident.status, func.count())
        .where(Incident.shop_id == shop_id)
        .group_by(Incident.status)
    )
    counts.update(dict(session.execute(query).all()))
    return counts


def kept(runtime, shop_id):
    with runtime.database.reading() as session:
        return inbox.status_counts(session, ShopScope.only(shop_id)), counted(session, shop_id)


def move(runtime, incident_id, to):
    with runtime.database.transaction() as session:
        states.move(session, session.get(Incident, incident_id), to, actor="staff:test")


def test_counts_follow_incidents_as_they_open_move_and_reopen(runtime, shopify_shop, make_incident):
    first = make_incident(shopify_shop, order="1")
    second = make_incident(shopify_shop, order="2", kind="defective_item")
    make_incident(shopify_shop, order="3")

    move(runtime, first, "acknowledged")
    move(runtime, second, "resolved")
    move(runtime, second, "closed")
    move(runtime, second, "in_progress")  # reopened
    move(runtime, first, "resolved")

    shown, truth = kept(runtime, shopify_shop)
    assert shown == truth
    assert shown == {
        "open": 1,
        "acknowledged": 0,
        "in_progress": 1,
        "awaiting_customer": 0,
        "resolved": 1,
        "closed": 0,
    }


def test_counts_follow_what_sql_does_to_incidents_directly(runtime, make_shop, make_incident):
    shop, other = make_shop("shopify"), make_shop("shopify", domain="other.myshopify.com")
    ids = [make_incident(shop, order=str(n)) for n in range(4)]
    make_incident(other, order="9")

    with runtime.database.transaction() as session:
        session.execute(update(Incident).where(Incident.id == ids[0]).values(status="closed"))
        session.execute(update(Incident).where(Incident.id == ids[1]).values(shop_id=other))
        session.execute(update(Incident).where(Incident.id == ids[2]).values(kind="wrong_item"))
        session.execute(delete(Incident).where(Incident.id == ids[3]))

    for shop_id in (shop, other):
        shown, truth = kept(runtime, shop_id)
        assert shown == truth
    assert kept(runtime, shop)[0]["open"] == 1
    assert kept(runtime, other)[0]["open"] == 2


def test_a_transaction_that_rolls_back_leaves_the_counts_as_they_were(
    runtime, shopify_shop, make_incident
):
    incident = make_incident(shopify_shop)
    before = kept(runtime, shopify_shop)[0]

    try:
        with runtime.database.transaction() as session:
            states.move(session, session.get(Incident, incident), "resolved", actor="staff:test")
            raise RuntimeError("the request failed after the move")
    except RuntimeError:
        pass

    assert kept(runtime, shopify_shop) == (before, before)


def test_a_removed_shops_counts_go_with_it(runtime, make_shop, make_incident):
    shop, other = make_shop("shopify"), make_shop("shopify", domain="other.myshopify.com")
    make_incident(shop, order="1")
    make_incident(other, order="2", status="resolved")

    with runtime.database.transaction() as session:
        remove_shop(session, shop)

    with runtime.database.reading() as session:
        shops_counted = set(session.scalars(select(IncidentCount.shop_id).distinct()))
    assert shops_counted == {other}
    assert kept(runtime, other)[0]["resolved"] == 1


def test_the_inbox_total_is_what_the_filter_picks_on_every_page(
    runtime, shopify_shop, make_incident
):
    for n in range(5):
        make_incident(shopify_shop, order=str(100 + n), kind="defective_item")
    for n in range(3):
        make_incident(shopify_shop, order=str(200 + n), age=timedelta(days=10))
    scope = ShopScope.only(shopify_shop)

    with runtime.database.reading() as session:

        def totals(**wanted):
            pages, cursor = [], None
            while True:
                page = inbox.inbox_page(
                    session, scope, inbox.InboxFilter(limit=2, before_id=cursor, **wanted), TEST_NOW
                )
                pages.append(page.total)
                if (cursor := page.next_cursor) is None:
                    return pages

        assert totals() == [8, 8, 8, 8]
        assert totals(kind="defective_item") == [5, 5, 5]
        assert totals(status="open", kind="delayed_shipment", platform="shopify") == [3, 3]
        assert totals(platform="woocommerce") == [0]
        assert totals(age_days=7) == [3, 3]
        assert totals(q="ana@example") == [8, 8, 8, 8]
        assert totals(q="#201") == [1]
