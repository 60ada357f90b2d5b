"""The sandbox WooCommerce answers the REST API as the observed WooCommerce 9.9.5 did,
driven through the real `woocommerce` client over OAuth 1.0a on plain HTTP."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from hashlib import sha1
from hmac import new as hmac_new
from urllib.parse import quote, urlencode

import pytest
import requests
from woocommerce.oauth import OAuth

from sandboxes.woocommerce import SandboxStore, create_app
from tests.test_sandbox_woocommerce_helpers import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    Sandbox,
    client_for,
    normalized,
    normalized_text,
    observed,
    observed_at,
    observed_body,
    ordered,
    running_sandbox,
    without_ids,
)


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox() as running:
        yield running


def create_observed_order(sandbox: Sandbox, name: str = "POST-orders-create") -> dict:
    sandbox.freeze(observed_at(name))
    response = sandbox.api.post("orders", observed(name)["request"]["json"])
    assert response.status_code == 201, response.text
    return response.json()


# --- orders -------------------------------------------------------------------------


def test_creating_an_order_answers_byte_for_byte_what_the_real_store_answered(sandbox):
    exchange = observed("POST-orders-create")
    sandbox.freeze(observed_at("POST-orders-create"))

    response = sandbox.api.post("orders", exchange["request"]["json"])

    assert response.status_code == 201
    assert response.headers["Location"] == f"{sandbox.url}/wp-json/wc/v3/orders/12"
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert response.headers["Allow"] == "GET, POST"
    assert normalized_text(response.text, sandbox.url) == normalized_text(
        exchange["body_text"], sandbox.url
    )


def test_an_order_reads_back_with_the_observed_fields_and_types(sandbox):
    created = create_observed_order(sandbox)

    response = sandbox.api.get(f"orders/{created['id']}")

    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, POST, PUT, PATCH, DELETE"
    order = response.json()
    assert ordered(order) == ordered(created)
    assert order["total"] == "73.69"
    assert order["line_items"][0]["price"] == 12.5
    assert order["line_items"][1]["price"] == 30
    assert isinstance(order["line_items"][1]["price"], int)
    assert order["shipping_lines"][0]["taxes"] == [{"id": 1, "total": "1.239", "subtotal": ""}]
    assert order["date_paid_gmt"] == "2026-11-23T12:41:49"
    assert order["date_paid"] == "2026-11-23T13:41:49"


def test_a_pending_order_and_a_checkout_draft_are_created_as_observed(sandbox):
    create_observed_order(sandbox)
    pending = create_observed_order(sandbox, "POST-orders-create-pending")
    draft = create_observed_order(sandbox, "POST-orders-checkout-draft")

    assert ordered(normalized(pending, sandbox.url)) == ordered(
        normalized(observed_body("POST-orders-create-pending"), sandbox.url)
    )
    assert ordered(without_ids(normalized(draft, sandbox.url))) == ordered(
        without_ids(normalized(observed_body("POST-orders-checkout-draft"), sandbox.url))
    )
    assert draft["needs_payment"] is True
    assert draft["date_paid_gmt"] is None


def test_putting_a_pending_order_on_hold_answers_as_observed(sandbox):
    create_observed_order(sandbox)
    create_observed_order(sandbox, "POST-orders-create-pending")
    exchange = observed("PUT-orders-status-onhold")

    response = sandbox.api.put("orders/13", exchange["request"]["json"])

    assert response.status_code == 200
    assert normalized_text(response.text, sandbox.url) == normalized_text(
        exchange["body_text"], sandbox.url
    )


def test_an_unknown_order_and_an_unknown_route_answer_as_observed(sandbox):
    missing = sandbox.api.get("orders/999999")
    no_route = sandbox.api.get("nothing")

    assert (missing.status_code, missing.json()) == (404, observed_body("ERR-order-404"))
    assert (no_route.status_code, no_route.json()) == (404, observed_body("ERR-no-route"))


def test_a_line_without_product_reference_is_refused_and_nothing_is_stored(sandbox):
    response = sandbox.api.post("orders", {"line_items": [{"quantity": 2}]})

    assert response.status_code == 400
    assert response.json() == {
        "code": "woocommerce_rest_required_product_reference",
        "message": "Product ID or SKU is required.",
        "data": {"status": 400},
    }
    assert sandbox.store.orders == {}


def test_completing_with_tracking_meta_sets_dates_notes_and_keeps_the_meta(sandbox):
    order = create_observed_order(sandbox)
    tracking = [
        {
            "tracking_provider": "Correos",
            "tracking_number": "PK123456789ES",
            "date_shipped": "1795437600",
            "tracking_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        }
    ]
    sandbox.freeze("2026-11-25T09:30:00+00:00")

    response = sandbox.api.put(
        f"orders/{order['id']}",
        {
            "status": "completed",
            "meta_data": [{"key": "_wc_shipment_tracking_items", "value": tracking}],
        },
    )

    updated = response.json()
    assert response.status_code == 200
    assert updated["status"] == "completed"
    assert updated["date_completed_gmt"] == "2026-11-25T09:30:00"
    assert updated["date_modified_gmt"] == "2026-11-25T09:30:00"
    assert [(m["key"], m["value"]) for m in updated["meta_data"]] == [
        ("_wc_shipment_tracking_items", tracking)
    ]
    notes = sandbox.api.get(f"orders/{order['id']}/notes").json()
    assert notes[0]["note"] == "Order status changed from Processing to Completed."


def test_an_update_with_an_unknown_line_id_changes_nothing(sandbox):
    order = create_observed_order(sandbox)

    response = sandbox.api.put(
        f"orders/{order['id']}",
        {"customer_note": "changed", "line_items": [{"id": 999, "quantity": 1}]},
    )

    assert response.status_code == 400
    assert response.json()["code"] == "woocommerce_rest_invalid_item_id"
    assert ordered(sandbox.api.get(f"orders/{order['id']}").json()) == ordered(order)


def test_plugin_return_statuses_are_accepted_and_unknown_ones_refused(sandbox):
    order = create_observed_order(sandbox)

    accepted = sandbox.api.put(f"orders/{order['id']}", {"status": "return-requested"})
    refused = sandbox.api.put(f"orders/{order['id']}", {"status": "bogus"})

    assert accepted.json()["status"] == "return-requested"
    assert refused.status_code == 400
    assert refused.json()["code"] == "rest_invalid_param"
    assert refused.json()["data"]["params"]["status"].startswith(
        "status is not one of auto-draft, pending, processing,"
    )
    assert sandbox.store.orders[order["id"]].status == "return-requested"


def test_a_trash_under_hpos_keeps_the_status_and_the_time_and_is_the_last_change(sandbox):
    order = create_observed_order(sandbox)
    sandbox.freeze("2026-11-23T12:43:58+00:00")

    sandbox.api.delete(f"orders/{order['id']}")

    after_trash = sandbox.api.get(f"orders/{order['id']}").json()
    assert after_trash["status"] == "trash"
    assert [(m["key"], m["value"]) for m in after_trash["meta_data"]] == [
        ("_wp_trash_meta_status", "wc-processing"),
        ("_wp_trash_meta_time", "1795437838"),
    ]
    assert after_trash["date_modified_gmt"] == "2026-11-23T12:43:58"


def test_a_restored_order_gets_back_its_status_without_the_trash_meta(sandbox):
    order = create_observed_order(sandbox)
    sandbox.api.delete(f"orders/{order['id']}")
    sandbox.freeze("2026-11-23T12:50:00+00:00")

    restored = requests.post(f"{sandbox.url}/_sandbox/orders/{order['id']}/restore", timeout=10)
    again = requests.post(f"{sandbox.url}/_sandbox/orders/{order['id']}/restore", timeout=10)

    after = sandbox.api.get(f"orders/{order['id']}").json()
    assert restored.json() == {"id": order["id"], "status": "processing"}
    assert (after["status"], after["meta_data"], after["date_modified_gmt"]) == (
        "processing",
        [],
        "2026-11-23T12:50:00",
    )
    notes = sandbox.api.get(f"orders/{order['id']}/notes").json()
    assert notes[0]["note"] == "Order status changed from trash to Processing."
    assert again.status_code == 404


def test_delete_trashes_like_wordpress_and_force_deletes_for_good():
    with running_sandbox(hpos=False) as sandbox:  # as the store was recorded: posts table
        order = create_observed_order(sandbox)

        trashed = sandbox.api.delete(f"orders/{order['id']}")
        after_trash = sandbox.api.get(f"orders/{order['id']}").json()
        forced = sandbox.api.delete(f"orders/{order['id']}", params={"force": "true"})
        after_force = sandbox.api.get(f"orders/{order['id']}")

    assert trashed.status_code == 200
    assert trashed.json()["status"] == "processing"
    assert after_trash["status"] == "trash"
    observed_meta = observed_body("GET-orders-trashed")["meta_data"]
    assert [m["key"] for m in after_trash["meta_data"]] == [m["key"] for m in observed_meta]
    assert after_trash["meta_data"][0]["value"] == "wc-processing"
    assert forced.status_code == 200
    assert forced.json()["status"] == "trash"
    assert after_force.status_code == 404


# --- lists ----------------------------------------------------------------------------


def test_per_page_over_100_is_refused_as_observed(sandbox):
    response = sandbox.api.get("orders", params={"per_page": 101})

    assert response.status_code == 400
    assert response.json() == observed_body("ERR-per_page-101")


def test_pages_of_25_orders_carry_totals_and_prev_next_links(sandbox):
    for _ in range(25):
        assert sandbox.api.post("orders", {"line_items": [{"product_id": 10}]}).status_code == 201

    pages = [sandbox.api.get("orders", params={"page": page}) for page in (1, 2, 3)]

    assert [(p.headers["X-WP-Total"], p.headers["X-WP-TotalPages"]) for p in pages] == [
        ("25", "3")
    ] * 3
    assert [len(p.json()) for p in pages] == [10, 10, 5]
    assert len({order["id"] for p in pages for order in p.json()}) == 25
    first, middle, last = (p.headers["Link"] for p in pages)
    assert first.endswith('rel="next"')
    assert 'rel="prev"' not in first
    assert 'rel="prev"' in middle
    assert 'rel="next"' in middle
    assert last.endswith('rel="prev"')
    assert 'rel="next"' not in last
    assert f"<{sandbox.url}/wp-json/wc/v3/orders?" in middle
    assert "orders?page=1&oauth_consumer_key=ck_sandbox&" in middle
    assert '&status%5B0%5D=any&dp=2&context=view>; rel="prev"' in middle


def test_modified_after_finds_only_orders_changed_since(sandbox):
    sandbox.freeze("2026-11-20T10:00:00+00:00")
    first = sandbox.api.post("orders", {"line_items": [{"product_id": 10}]}).json()
    sandbox.freeze("2026-11-20T11:00:00+00:00")
    second = sandbox.api.post("orders", {"line_items": [{"product_id": 11}]}).json()
    since_ten = {"modified_after": "2026-11-20T10:00:00", "dates_are_gmt": "true"}

    before_update = sandbox.api.get("orders", params=since_ten)
    sandbox.freeze("2026-11-20T12:00:00+00:00")
    sandbox.api.put(f"orders/{first['id']}", {"status": "on-hold"})
    after_update = sandbox.api.get(
        "orders", params={"modified_after": "2026-11-20T11:00:00", "dates_are_gmt": "true"}
    )

    assert [o["id"] for o in before_update.json()] == [second["id"]]
    assert [o["id"] for o in after_update.json()] == [first["id"]]
    assert after_update.headers["X-WP-Total"] == "1"


# --- authentication --------------------------------------------------------------------


def test_wrong_oauth_key_or_secret_is_refused_as_observed(sandbox):
    wrong_secret = client_for(sandbox.url, CONSUMER_KEY, "cs_wrong").get("orders")
    wrong_key = client_for(sandbox.url, "ck_wrong", CONSUMER_SECRET).get("orders")

    assert (wrong_secret.status_code, wrong_secret.json()) == (
        401,
        observed_body("ERR-oauth-bad-cs"),
    )
    assert (wrong_key.status_code, wrong_key.json()) == (401, observed_body("ERR-oauth-bad-ck"))


@pytest.mark.parametrize(
    ("how", "observed_name"),
    [
        ({}, "ERR-no-auth-http"),
        ({"auth": (CONSUMER_KEY, CONSUMER_SECRET)}, "ERR-basic-over-plain-http"),
        ({"params": {"consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET}}, None),
        (
            {"params": {"consumer_key": "ck_wrong", "consumer_secret": "cs_wrong"}},
            "ERR-query-bad-ck",
        ),
    ],
    ids=["no-auth", "basic-over-http", "query-keys-over-http", "query-bad-key"],
)
def test_keys_outside_oauth_run_as_nobody_over_plain_http(sandbox, how, observed_name):
    response = requests.get(f"{sandbox.url}/wp-json/wc/v3/orders", timeout=10, **how)

    assert response.status_code == 401
    assert response.json() == observed_body(observed_name or "ERR-no-auth-http")
    assert response.headers["Vary"] == "Origin"
    assert "Allow" not in response.headers


@pytest.fixture
def https_client() -> Iterator:
    store = SandboxStore(url="http://127.0.0.1:8080")
    yield create_app(store).test_client()
    store.close()


def _basic(key: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()}


@pytest.mark.parametrize(
    ("key", "secret", "status", "observed_name"),
    [
        ("ck_wrong", CONSUMER_SECRET, 401, "ERR-basic-bad-ck"),
        (CONSUMER_KEY, "cs_wrong", 401, "ERR-basic-bad-cs"),
        (CONSUMER_KEY, CONSUMER_SECRET, 200, None),
    ],
)
def test_basic_auth_counts_only_over_https(https_client, key, secret, status, observed_name):
    response = https_client.get(
        "/wp-json/wc/v3/orders", base_url="https://127.0.0.1:8080", headers=_basic(key, secret)
    )

    assert response.status_code == status
    assert response.get_json() == (observed_body(observed_name) if observed_name else [])


def _signed(sandbox: Sandbox, path: str, timestamp: int | None = None) -> str:
    return OAuth(
        url=f"{sandbox.url}/wp-json/wc/v3/{path}",
        consumer_key=CONSUMER_KEY,
        consumer_secret=CONSUMER_SECRET,
        version="wc/v3",
        method="GET",
        oauth_timestamp=timestamp or int(time.time()),
    ).get_oauth_url()


def test_a_reused_nonce_and_a_stale_timestamp_are_refused(sandbox):
    url = _signed(sandbox, "orders")
    first, replay = requests.get(url, timeout=10), requests.get(url, timeout=10)
    stale = requests.get(_signed(sandbox, "orders", int(time.time()) - 16 * 60), timeout=10)

    assert first.status_code == 200
    assert (replay.status_code, replay.json()["message"]) == (
        401,
        "Invalid nonce - nonce has already been used.",
    )
    assert (stale.status_code, stale.json()["message"]) == (401, "Invalid timestamp.")


def test_hmac_sha1_signatures_are_accepted_too(sandbox):
    url = f"{sandbox.url}/wp-json/wc/v3/orders"
    params = {
        "oauth_consumer_key": CONSUMER_KEY,
        "oauth_timestamp": str(int(time.time())),
        "oauth_nonce": "sha1nonce0001",
        "oauth_signature_method": "HMAC-SHA1",
    }
    pairs = "%26".join(
        f"{k}%3D{quote(v, safe='').replace('%', '%25')}" for k, v in sorted(params.items())
    )
    base = f"GET&{quote(url, safe='')}&{pairs}"
    signature = base64.b64encode(
        hmac_new(f"{CONSUMER_SECRET}&".encode(), base.encode(), sha1).digest()
    )
    params["oauth_signature"] = signature.decode()

    response = requests.get(f"{url}?{urlencode(params)}", timeout=10)

    assert response.status_code == 200


def test_a_read_only_key_cannot_write(sandbox):
    sandbox.store.add_api_key("ck_reader", "cs_reader", "read", "reader")
    reader = client_for(sandbox.url, "ck_reader", "cs_reader")

    assert reader.get("orders").status_code == 200
    refused = reader.post("orders", {"line_items": [{"product_id": 10}]})
    assert (refused.status_code, refused.json()["message"]) == (
        401,
        "The API key provided does not have write permissions.",
    )
    assert sandbox.store.orders == {}


# --- notes ------------------------------------------------------------------------------


def test_notes_are_added_listed_newest_first_and_customer_notes_emailed(sandbox):
    order = create_observed_order(sandbox)
    sandbox.freeze(observed_at("POST-orders-notes-customer-true"))

    for name in ("POST-orders-notes-customer-true", "POST-orders-notes-customer-false"):
        response = sandbox.api.post(
            f"orders/{order['id']}/notes", observed(name)["request"]["json"]
        )
        assert response.status_code == 201
        assert ordered(without_ids(normalized(response.json(), sandbox.url))) == ordered(
            without_ids(normalized(observed_body(name), sandbox.url))
        )
    listed = sandbox.api.get(f"orders/{order['id']}/notes")

    assert "X-WP-Total" not in listed.headers
    assert ordered(without_ids(normalized(listed.json(), sandbox.url))) == ordered(
        without_ids(normalized(observed_body("GET-orders-notes"), sandbox.url))
    )
    emails = requests.get(f"{sandbox.url}/_sandbox/emails", timeout=10).json()
    assert [(e["template"], e["to"]) for e in emails] == [
        ("customer_processing_order", "jose@tienda.example"),
        ("customer_note", "jose@tienda.example"),
    ]


def test_a_note_on_an_unknown_order_is_refused_as_observed(sandbox):
    response = sandbox.api.post("orders/999999/notes", {"note": "x"})

    assert (response.status_code, response.json()) == (404, observed_body("ERR-notes-404"))
    assert sandbox.store.notes == {}


def test_the_notes_of_an_unknown_order_are_refused_with_the_post_type_in_the_code(sandbox):
    response = sandbox.api.get("orders/999999/notes")

    assert (response.status_code, response.json()) == (
        404,
        {
            "code": "woocommerce_rest_shop_order_invalid_id",
            "message": "Invalid order ID.",
            "data": {"status": 404},
        },
    )


# --- shipping zones and the REST index ----------------------------------------------------


def test_shipping_zones_list_the_rest_of_the_world_first(sandbox):
    zones = sandbox.api.get("shipping/zones").json()

    assert [(z["id"], z["name"]) for z in zones] == [
        (0, "Locations not covered by your other zones"),
        (1, "España"),
    ]
    assert zones[0]["_links"]["self"] == [
        {
            "href": f"{sandbox.url}/wp-json/wc/v3/shipping/zones/0",
            "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
        }
    ]


@pytest.mark.parametrize("path", ["/wp-json/", "/wp-json"])
def test_the_rest_index_describes_the_site_to_anyone(sandbox, path):
    response = requests.get(sandbox.url + path, allow_redirects=False, timeout=10)

    assert response.status_code == 200
    assert response.headers["Allow"] == "GET"
    index = response.json()
    assert list(index) == [
        "name",
        "description",
        "url",
        "home",
        "gmt_offset",
        "timezone_string",
        "page_for_posts",
        "page_on_front",
        "show_on_front",
        "namespaces",
        "authentication",
        "routes",
        "site_logo",
        "site_icon",
        "site_icon_url",
        "_links",
    ]
    assert (index["url"], index["home"], index["gmt_offset"]) == (sandbox.url, sandbox.url, "1")
    assert (index["namespaces"], index["authentication"]) == (["wc/v3"], [])
    assert index["routes"]["/wc/v3/orders"] == {
        "namespace": "wc/v3",
        "methods": ["GET", "POST"],
        "endpoints": [{"methods": ["GET"], "args": {}}, {"methods": ["POST"], "args": {}}],
        "_links": {"self": [{"href": f"{sandbox.url}/wp-json/wc/v3/orders"}]},
    }
    assert index["routes"]["/wc/v3/orders/(?P<order_id>[\\d]+)/notes"]["methods"] == [
        "GET",
        "POST",
    ]
    assert index["_links"] == {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]}


# --- coupons ------------------------------------------------------------------------------


def test_a_percent_coupon_is_created_as_observed(sandbox):
    sandbox.freeze(observed_at("POST-coupons-percent"))

    response = sandbox.api.post("coupons", observed("POST-coupons-percent")["request"]["json"])

    assert response.status_code == 201
    assert (
        response.headers["Location"]
        == f"{sandbox.url}/wp-json/wc/v3/coupons/{response.json()['id']}"
    )
    assert ordered(without_ids(normalized(response.json(), sandbox.url))) == ordered(
        without_ids(normalized(observed_body("POST-coupons-percent"), sandbox.url))
    )


def test_a_free_shipping_coupon_ignores_date_expires_gmt_and_lowercases_emails(sandbox):
    sandbox.freeze(observed_at("POST-coupons-fixedcart-freeship"))

    response = sandbox.api.post(
        "coupons", observed("POST-coupons-fixedcart-freeship")["request"]["json"]
    )

    assert ordered(without_ids(normalized(response.json(), sandbox.url))) == ordered(
        without_ids(normalized(observed_body("POST-coupons-fixedcart-freeship"), sandbox.url))
    )


@pytest.mark.parametrize(
    "observed_name", ["POST-coupons-duplicate", "POST-coupons-duplicate-uppercase"]
)
def test_a_duplicate_code_in_any_case_is_refused_and_no_second_coupon_stored(
    sandbox, observed_name
):
    first = sandbox.api.post("coupons", observed("POST-coupons-percent")["request"]["json"])

    again = sandbox.api.post("coupons", observed(observed_name)["request"]["json"])

    assert (again.status_code, again.json()) == (400, observed_body(observed_name))
    listed = sandbox.api.get("coupons")
    assert [c["id"] for c in listed.json()] == [first.json()["id"]]
    assert listed.headers["X-WP-Total"] == "1"


def test_coupons_are_found_by_code_ignoring_case_and_accents(sandbox):
    sandbox.freeze(observed_at("POST-coupons-percent"))
    created = sandbox.api.post(
        "coupons", observed("POST-coupons-percent")["request"]["json"]
    ).json()

    found = sandbox.api.get("coupons", params={"code": "amends-perdón-12"})
    unaccented = sandbox.api.get("coupons", params={"code": "AMENDS-PERDON-12"})
    nope = sandbox.api.get("coupons", params={"code": "nope"})
    unknown = sandbox.api.get("coupons/999999")

    assert [c["id"] for c in found.json()] == [created["id"]]
    assert ordered(without_ids(normalized(found.json(), sandbox.url))) == ordered(
        without_ids(normalized(observed_body("GET-coupons-by-code-amends-perdón-12"), sandbox.url))
    )
    assert [c["id"] for c in unaccented.json()] == [created["id"]]
    assert (unknown.status_code, unknown.json()) == (404, observed_body("ERR-coupon-404"))
    assert (nope.json(), nope.headers["X-WP-Total"], nope.headers["X-WP-TotalPages"]) == (
        [],
        "0",
        "0",
    )


@pytest.mark.parametrize("observed_name", ["POST-coupons-bad-type", "POST-coupons-no-code"])
def test_invalid_coupons_are_refused_as_observed(sandbox, observed_name):
    response = sandbox.api.post("coupons", observed(observed_name)["request"]["json"])

    assert (response.status_code, response.json()) == (400, observed_body(observed_name))
    assert sandbox.store.coupons == {}


def test_a_coupon_amount_sent_as_a_number_is_refused_like_wordpress_does(sandbox):
    response = sandbox.api.post("coupons", {"code": "x2", "amount": 10})

    assert response.status_code == 400
    assert response.json()["data"]["params"] == {"amount": "amount is not of type string."}


def test_the_host_answers_in_wordpress_place_as_queued_and_a_late_504_still_did_the_work(
    sandbox,
):
    queued = requests.post(
        f"{sandbox.url}/_sandbox/host",
        json={
            "refuse": [
                {"status": 429, "retry_after": 30},
                {"status": 504, "after": True, "method": "POST"},
            ]
        },
        timeout=10,
    )
    assert [r["status"] for r in queued.json()["waiting"]] == [429, 504]

    limited = sandbox.api.get("coupons")
    created = sandbox.api.post("coupons", {"code": "late-504", "amount": "5"})
    listed = sandbox.api.get("coupons")

    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "30")
    assert limited.headers["Content-Type"].startswith("text/html")
    assert created.status_code == 504
    assert [c["code"] for c in listed.json()] == ["late-504"]
    refused = requests.post(
        f"{sandbox.url}/_sandbox/host", json={"refuse": [{"status": 418}]}, timeout=10
    )
    assert refused.status_code == 400
