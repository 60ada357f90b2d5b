"""The panel's JSON API: the calling shop's incidents, and nothing of any other shop."""

from __future__ import annotations

from datetime import timedelta

import pytest

from plugin.incidents.views import show_incident
from plugin.scope import ShopScope
from tests.conftest import TEST_NOW
from tests.panel_helpers import OTHER_DOMAIN, bearer, waiting_compensation


@pytest.fixture
def two_shops(make_shop):
    return make_shop("shopify"), make_shop("shopify", domain=OTHER_DOMAIN)


def test_the_list_is_the_calling_shops_incidents_newest_first(client, two_shops, make_incident):
    mine, theirs = two_shops
    first = make_incident(mine, order="1001")
    make_incident(theirs, order="2001")
    second = make_incident(mine, order="1002", kind="defective_item")

    answer = client.get("/admin/api/incidents", headers=bearer())

    assert answer.status_code == 200
    assert [i["id"] for i in answer.json] == [second, first]
    assert answer.json[0] == {
        "id": second,
        "shop": mine,
        "platform": "shopify",
        "order_id": "1002",
        "order_name": "#1002",
        "kind": "defective_item",
        "status": "open",
        "customer_email": "ana@example.com",
        "locale": "es",
        "created_at": TEST_NOW.isoformat(),
        "updated_at": TEST_NOW.isoformat(),
    }
    assert answer.headers["X-Total-Count"] == "2"
    assert "Link" not in answer.headers


def test_pages_follow_the_link_header_to_the_end(client, shopify_shop, make_incident):
    ids = [make_incident(shopify_shop, order=str(1000 + n)) for n in range(5)]

    seen, url = [], "/admin/api/incidents?limit=2&kind=delayed_shipment"
    while url:
        answer = client.get(url, headers=bearer())
        assert answer.headers["X-Total-Count"] == "5"
        seen.append([i["id"] for i in answer.json])
        link = answer.headers.get("Link")
        url = link and link.split(";")[0].strip("<>").removeprefix("http://127.0.0.1:8000")

    assert seen == [ids[4:2:-1], ids[2:0:-1], ids[:1]]


@pytest.mark.parametrize(
    ("query", "orders"),
    [
        ("status=resolved", ["1003"]),
        ("kind=defective_item", ["1002"]),
        ("age=3", ["1004"]),
        ("q=%231002", ["1002"]),
        ("q=1003", ["1003"]),
        ("q=BEA", ["1004"]),
        ("platform=woocommerce", []),
        ("platform=shopify&status=open", ["1004", "1002", "1001"]),
    ],
)
def test_filters_and_search_narrow_the_list(client, shopify_shop, make_incident, query, orders):
    make_incident(shopify_shop, order="1001")
    make_incident(shopify_shop, order="1002", kind="defective_item")
    make_incident(shopify_shop, order="1003", status="resolved")
    make_incident(shopify_shop, order="1004", email="Beatriz@example.com", age=timedelta(days=4))

    answer = client.get(f"/admin/api/incidents?{query}", headers=bearer())

    assert answer.status_code == 200
    assert [i["order_id"] for i in answer.json] == orders
    assert answer.headers["X-Total-Count"] == str(len(orders))


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("status=lost", "status: must be one of"),
        ("kind=late", "kind: must be one of"),
        ("age=-1", "age: must be a whole number"),
        ("cursor=abc", "cursor: must be a whole number"),
        ("limit=500", "limit: must be a whole number from 1 to 200"),
        ("platform=etsy", "platform: must be one of"),
        ("q=1002%00", "q: search for text without NUL characters"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client, shopify_shop, query, reason):
    answer = client.get(f"/admin/api/incidents?{query}", headers=bearer())

    assert answer.status_code == 400
    assert answer.json["error"].startswith(reason)


def test_counts_are_per_status_for_the_calling_shop(client, two_shops, make_incident):
    mine, theirs = two_shops
    make_incident(mine, order="1")
    make_incident(mine, order="2", status="resolved")
    make_incident(theirs, order="3")

    answer = client.get("/admin/api/incidents/counts", headers=bearer())

    assert answer.json == {
        "open": 1,
        "acknowledged": 0,
        "in_progress": 0,
        "awaiting_customer": 0,
        "resolved": 1,
        "closed": 0,
    }


def test_one_incident_is_what_incidents_show_prints(
    client, runtime, cli, shopify_shop, make_incident
):
    incident_id = make_incident(shopify_shop)

    answer = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer())

    with runtime.database.reading() as session:
        assert answer.json == show_incident(session, ShopScope.every(), incident_id)
    assert answer.json["timeline"][0]["type"] == "incident_opened"


def test_another_shops_incident_is_not_found(client, two_shops, make_incident):
    _, theirs = two_shops
    incident_id = make_incident(theirs)

    answer = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer())

    assert answer.status_code == 404
    assert answer.json == {"error": f"no incident with id {incident_id}"}


def test_a_note_lands_on_the_timeline_as_the_staff_member(client, shopify_shop, make_incident):
    incident_id = make_incident(shopify_shop)

    answer = client.post(
        f"/admin/api/incidents/{incident_id}/notes",
        json={"text": "  Called the carrier  "},
        headers=bearer(),
    )

    assert answer.status_code == 201
    last = answer.json["timeline"][-1]
    assert (last["type"], last["actor"], last["detail"]) == (
        "note_added",
        "staff:shopify-user-42",
        {"text": "Called the carrier"},
    )


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"text": "   "}, "a note needs some text"),
        ({}, "text: a note needs some text"),
        ({"text": "x" * 4001}, "a note holds at most 4000 characters"),
    ],
)
def test_a_bad_note_is_a_422_and_writes_nothing(client, shopify_shop, make_incident, body, reason):
    incident_id = make_incident(shopify_shop)
    before = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json

    answer = client.post(f"/admin/api/incidents/{incident_id}/notes", json=body, headers=bearer())

    assert answer.status_code == 422
    assert answer.json == {"error": reason}
    assert client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json == before


def test_a_body_that_is_not_json_is_a_400(client, shopify_shop, make_incident):
    incident_id = make_incident(shopify_shop)

    answer = client.post(
        f"/admin/api/incidents/{incident_id}/notes", data="text=hi", headers=bearer()
    )

    assert answer.status_code == 400
    assert "JSON object" in answer.json["error"]


def test_resolve_then_reopen_and_a_move_not_allowed_is_a_409(client, shopify_shop, make_incident):
    incident_id = make_incident(shopify_shop)
    url = f"/admin/api/incidents/{incident_id}"

    resolved = client.post(f"{url}/resolve", headers=bearer())
    again = client.post(f"{url}/resolve", headers=bearer())
    reopened = client.post(f"{url}/reopen", headers=bearer())

    assert (resolved.status_code, resolved.json["status"]) == (200, "resolved")
    assert again.status_code == 409
    assert again.json == {"error": f"incident {incident_id} is already resolved"}
    assert (reopened.status_code, reopened.json["status"]) == (200, "in_progress")
    by_staff = [
        (e["type"], e["detail"]["to"])
        for e in reopened.json["timeline"]
        if e["actor"] == "staff:shopify-user-42"
    ]
    assert by_staff == [("status_changed", "resolved"), ("reopened", "in_progress")]


def test_an_unknown_api_path_is_a_json_404(client, shopify_shop):
    answer = client.get("/admin/api/nothing-here", headers=bearer())

    assert answer.status_code == 404
    assert answer.json == {"error": "no such API path: /admin/api/nothing-here"}


# --- compensations and their approval -----------------------------------------------


def test_the_pending_compensations_are_the_calling_shops_only(client, runtime, two_shops):
    mine, theirs = two_shops
    incident_id, waiting = waiting_compensation(runtime, mine, order_id="5001")
    waiting_compensation(runtime, theirs, order_id="6001")

    pending = client.get("/admin/api/compensations?pending=1", headers=bearer())
    by_status = client.get("/admin/api/compensations?status=pending_approval", headers=bearer())
    issued = client.get("/admin/api/compensations?status=issued", headers=bearer())

    assert pending.status_code == 200
    assert [(c["id"], c["incident"], c["shop"]) for c in pending.json] == [
        (waiting, incident_id, mine)
    ]
    assert {k: pending.json[0][k] for k in ("kind", "amount", "currency", "status", "rule")} == {
        "kind": "fixed_coupon",
        "amount": "5.00",
        "currency": "EUR",
        "status": "pending_approval",
        "rule": "faulty items",
    }
    assert by_status.json == pending.json
    assert issued.json == []


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("status=pending", "status: must be one of pending_approval, offered"),
        ("pending=yes", "pending: must be 1 or 0"),
    ],
)
def test_a_bad_compensation_filter_is_a_400_naming_it(client, shopify_shop, query, reason):
    answer = client.get(f"/admin/api/compensations?{query}", headers=bearer())

    assert answer.status_code == 400
    assert answer.json["error"].startswith(reason)


def test_an_approval_queues_the_compensation_and_is_on_the_timeline_as_the_staff_member(
    client, runtime, shopify_shop
):
    incident_id, waiting = waiting_compensation(runtime, shopify_shop)

    answer = client.post(f"/admin/api/compensations/{waiting}/approve", headers=bearer())

    assert answer.status_code == 200
    assert answer.json["action"] == "grant"
    ((given),) = answer.json["compensations"]
    assert (given["id"], given["status"], given["approved_by"]) == (
        waiting,
        "queued",
        "staff:shopify-user-42",
    )
    incident = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json
    approved = [e for e in incident["timeline"] if e["type"] == "compensation_approved"]
    assert [e["actor"] for e in approved] == ["staff:shopify-user-42"]
    assert client.get("/admin/api/compensations?pending=1", headers=bearer()).json == []


def test_a_denial_keeps_the_reason_and_who_gave_it(client, runtime, shopify_shop):
    incident_id, waiting = waiting_compensation(runtime, shopify_shop)

    answer = client.post(
        f"/admin/api/compensations/{waiting}/deny",
        json={"reason": "  Already sent a gift  "},
        headers=bearer(),
    )

    assert answer.status_code == 200
    assert answer.json["action"] == "denied"
    assert answer.json["explanation"] == "denied by staff:shopify-user-42: Already sent a gift"
    ((denied),) = answer.json["compensations"]
    assert (denied["status"], denied["denied_by"]) == ("denied", "staff:shopify-user-42")
    incident = client.get(f"/admin/api/incidents/{incident_id}", headers=bearer()).json
    (entry,) = [e for e in incident["timeline"] if e["type"] == "compensation_denied"]
    assert entry["detail"]["reason"] == "Already sent a gift"


@pytest.mark.parametrize("action", ["approve", "deny"])
def test_a_compensation_no_longer_waiting_is_a_409_and_changes_nothing(
    client, runtime, shopify_shop, action
):
    _, waiting = waiting_compensation(runtime, shopify_shop)
    assert (
        client.post(f"/admin/api/compensations/{waiting}/deny", headers=bearer()).status_code == 200
    )
    before = client.get("/admin/api/compensations", headers=bearer()).json

    answer = client.post(f"/admin/api/compensations/{waiting}/{action}", headers=bearer())

    assert answer.status_code == 409
    assert answer.json == {"error": f"compensation {waiting} is denied, not waiting for approval"}
    assert client.get("/admin/api/compensations", headers=bearer()).json == before


@pytest.mark.parametrize("action", ["approve", "deny"])
def test_another_shops_compensation_is_not_found_and_stays_waiting(
    client, runtime, two_shops, action
):
    _, theirs = two_shops
    _, waiting = waiting_compensation(runtime, theirs)

    answer = client.post(f"/admin/api/compensations/{waiting}/{action}", headers=bearer())

    assert answer.status_code == 404
    assert answer.json == {"error": f"no compensation with id {waiting}"}
    theirs_now = client.get(
        "/admin/api/compensations?pending=1", headers=bearer(shop=OTHER_DOMAIN)
    ).json
    assert [c["id"] for c in theirs_now] == [waiting]


def test_a_reason_that_is_not_text_is_a_422_and_denies_nothing(client, runtime, shopify_shop):
    _, waiting = waiting_compensation(runtime, shopify_shop)

    answer = client.post(
        f"/admin/api/compensations/{waiting}/deny", json={"reason": 5}, headers=bearer()
    )

    assert answer.status_code == 422
    assert answer.json == {"error": "reason: a reason is text"}
    pending = client.get("/admin/api/compensations?pending=1", headers=bearer()).json
    assert [c["id"] for c in pending] == [waiting]
