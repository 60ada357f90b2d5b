"""The panel's JSON API for settings, policy, its preview and a customer's data."""

from __future__ import annotations

import pytest

from plugin.storage.models import (
    MAX_ROW_ID,
    CompensationRecord,
    OutboxEntry,
    Shop,
    TimelineEntry,
)
from tests.panel_helpers import OTHER_DOMAIN, bearer, defective_order, waiting_compensation

SETTINGS = {
    "handling_days": 3,
    "business_days": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
    "holidays": ["2026-12-25", "2026-12-08"],
    "timezone": "Europe/Madrid",
    "update_every_days": 2,
    "language": "es",
    "monthly_budget": "750.50",
    "sender_name": "Lumen Tienda",
    "reply_to": "ayuda@lumen.example",
    "merchant_email": "duena@lumen.example",
}


def stored_settings(runtime, shop_id):
    with runtime.database.reading() as session:
        return session.get(Shop, shop_id).settings


def test_a_new_shop_shows_the_defaults_it_acts_on(client, shopify_shop):
    answer = client.get("/admin/api/settings", headers=bearer())

    assert answer.status_code == 200
    assert answer.json == {
        "handling_days": 2,
        "business_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "holidays": [],
        "timezone": "UTC",
        "update_every_days": 3,
        "language": "en",
        "monthly_budget": "500",
        "sender_name": None,
        "reply_to": None,
        "merchant_email": None,
    }


def test_saved_settings_land_where_the_engine_reads_them(client, runtime, shopify_shop):
    from plugin.compensation.store import policy_of
    from plugin.incidents.care import CareSettings
    from plugin.messaging.voice import ShopVoice

    answer = client.put("/admin/api/settings", json=SETTINGS, headers=bearer())

    assert answer.status_code == 200
    assert answer.json == SETTINGS | {"holidays": ["2026-12-08", "2026-12-25"]}
    assert client.get("/admin/api/settings", headers=bearer()).json == answer.json
    stored = stored_settings(runtime, shopify_shop)
    care = CareSettings.of(stored)
    assert (care.handling_days, care.update_every_days) == (3, 2)
    assert care.calendar.weekend == frozenset({6})
    assert care.calendar.timezone == "Europe/Madrid"
    assert care.merchant_email == "duena@lumen.example"
    voice = ShopVoice.of("lumen.myshopify.com", stored)
    assert (voice.name, voice.reply_to, voice.locale) == (
        "Lumen Tienda",
        "ayuda@lumen.example",
        "es",
    )
    assert str(policy_of(stored).caps.monthly_budget) == "750.50"


def test_a_shop_open_every_day_stays_open_every_day(client, runtime, shopify_shop):
    from plugin.incidents.care import CareSettings

    every_day = SETTINGS | {"business_days": SETTINGS["business_days"] + ["sunday"]}

    client.put("/admin/api/settings", json=every_day, headers=bearer())

    assert CareSettings.of(stored_settings(runtime, shopify_shop)).calendar.weekend == frozenset()
    shown = client.get("/admin/api/settings", headers=bearer()).json
    assert len(shown["business_days"]) == 7


def test_an_empty_budget_means_no_budget_and_other_settings_are_kept(client, runtime, shopify_shop):
    with runtime.database.transaction() as session:
        shop = session.get(Shop, shopify_shop)
        shop.settings = {
            "care": {"resolve_within_days": 9, "stale_tracking_days": 4},
            "messages": {"overrides": {}},
        }

    answer = client.put(
        "/admin/api/settings", json=SETTINGS | {"monthly_budget": ""}, headers=bearer()
    )

    assert answer.json["monthly_budget"] is None
    stored = stored_settings(runtime, shopify_shop)
    assert stored["care"]["resolve_within_days"] == 9
    assert stored["care"]["stale_tracking_days"] == 4
    assert stored["messages"]["overrides"] == {}
    assert "monthly_budget" not in stored["compensation"]["caps"]


@pytest.mark.parametrize(
    ("change", "field", "code", "message"),
    [
        ({"handling_days": 61}, "handling_days", "handling_days", "from 0 to 60"),
        ({"handling_days": "two"}, "handling_days", "handling_days", "from 0 to 60"),
        ({"handling_days": True}, "handling_days", "handling_days", "from 0 to 60"),
        ({"update_every_days": 0}, "update_every_days", "update_every_days", "from 1 to 60"),
        ({"business_days": []}, "business_days", "no_business_day", "at least one"),
        ({"business_days": ["funday"]}, "business_days", "unknown_weekday", "days your shop"),
        ({"holidays": ["25/12/2026"]}, "holidays", "not_a_date", "“25/12/2026” is not a date"),
        ({"timezone": "Mars/Olympus"}, "timezone", "unknown_timezone", "“Mars/Olympus”"),
        ({"language": "pt"}, "language", "unknown_language", "languages offered"),
        ({"monthly_budget": "12.345"}, "monthly_budget", "not_an_amount", "such as 500"),
        ({"monthly_budget": "-5"}, "monthly_budget", "not_an_amount", "such as 500"),
        ({"sender_name": "x" * 81}, "sender_name", "name_too_long", "at most 80"),
        ({"reply_to": "ayuda@"}, "reply_to", "not_an_email", "owner@shop.example"),
        ({"merchant_email": "a@b@c"}, "merchant_email", "not_an_email", "owner@shop.example"),
    ],
)
def test_a_bad_field_is_named_with_what_to_do_and_nothing_is_saved(
    client, runtime, shopify_shop, change, field, code, message
):
    before = stored_settings(runtime, shopify_shop)

    answer = client.put("/admin/api/settings", json=SETTINGS | change, headers=bearer())

    assert answer.status_code == 422
    assert list(answer.json["fields"]) == [field]
    assert answer.json["fields"][field]["code"] == code
    assert message in answer.json["fields"][field]["message"]
    assert stored_settings(runtime, shopify_shop) == before


def test_every_bad_field_is_named_at_once_in_the_callers_language(client, runtime, shopify_shop):
    bad = SETTINGS | {"handling_days": -1, "reply_to": "nadie", "holidays": ["mañana"]}

    answer = client.put("/admin/api/settings?locale=es", json=bad, headers=bearer())

    assert answer.status_code == 422
    assert list(answer.json["fields"]) == ["handling_days", "holidays", "reply_to"]
    assert answer.json["fields"]["holidays"]["message"] == (
        "«mañana» no es una fecha: escribe una fecha por línea, como AAAA-MM-DD."
    )
    assert stored_settings(runtime, shopify_shop) == {}


def test_a_missing_or_unknown_field_is_refused(client, runtime, shopify_shop):
    partial = {k: v for k, v in SETTINGS.items() if k != "timezone"} | {"colour": "red"}

    answer = client.put("/admin/api/settings", json=partial, headers=bearer())

    assert answer.status_code == 422
    assert answer.json["fields"]["timezone"]["code"] == "missing"
    assert answer.json["fields"]["settings"] == {
        "code": "unknown_setting",
        "value": "colour",
        "message": "“colour” is not a setting Amends knows.",
    }
    assert stored_settings(runtime, shopify_shop) == {}


def test_one_shops_settings_never_touch_anothers(client, runtime, make_shop):
    mine = make_shop("shopify")
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)

    client.put("/admin/api/settings", json=SETTINGS, headers=bearer(shop=OTHER_DOMAIN))

    assert stored_settings(runtime, mine) == {}
    assert stored_settings(runtime, theirs)["care"]["handling_days"] == 3
    assert client.get("/admin/api/settings", headers=bearer()).json["handling_days"] == 2


GOOD_POLICY = """\
caps:
  monthly_budget: '300'
rules:
- name: faulty items
  when:
    kinds: [defective_item]
  grant:
    kind: fixed_coupon
    amount: '7'
"""


def test_the_policy_is_shown_as_the_cli_exports_it(client, cli, shopify_shop):
    answer = client.get("/admin/api/policy", headers=bearer())

    assert answer.status_code == 200
    assert answer.json["own"] is False
    exported = cli("policy", "export", "--shop", str(shopify_shop)).output
    assert exported.endswith(answer.json["yaml"])
    assert answer.json["policy"]["caps"]["monthly_budget"] == "500"
    assert any("faulty items" in line for line in answer.json["summary"])


def test_a_valid_policy_is_saved_and_the_cli_sees_it(client, cli, shopify_shop):
    answer = client.put("/admin/api/policy", json={"yaml": GOOD_POLICY}, headers=bearer())

    assert answer.status_code == 200
    assert answer.json["own"] is True
    shown = cli("policy", "show", "--shop", str(shopify_shop), "--json").output
    assert '"amount": "7"' in shown
    assert client.get("/admin/api/settings", headers=bearer()).json["monthly_budget"] == "300"


def test_a_bad_policy_names_each_problem_by_line_as_the_cli_does(
    client, cli, runtime, shopify_shop, tmp_path
):
    bad = GOOD_POLICY.replace("amount: '7'", "amount: '-7'").replace("kinds:", "kind:")
    before = stored_settings(runtime, shopify_shop)

    answer = client.put("/admin/api/policy", json={"yaml": bad}, headers=bearer())

    assert answer.status_code == 422
    problems = [(p["line"], p["place"], p["message"]) for p in answer.json["problems"]]
    assert problems == [
        (6, "rule 1 'faulty items'", "when.kind is not a setting Amends knows; check its spelling"),
        (9, "rule 1 'faulty items'", "amount must not be negative, got -7"),
    ]
    assert stored_settings(runtime, shopify_shop) == before
    file = tmp_path / "policy.yaml"
    file.write_text(bad)
    imported = cli("policy", "import", "--shop", str(shopify_shop), str(file))
    assert imported.exit_code != 0
    for problem in answer.json["problems"]:
        assert problem["text"] in imported.output


def test_the_preview_says_what_a_draft_gives_and_stores_nothing(client, runtime, shopify_shop):
    incident = defective_order(runtime, shopify_shop, {"rules": []})
    with runtime.database.reading() as session:
        counts = [
            session.query(model).count()
            for model in (CompensationRecord, TimelineEntry, OutboxEntry)
        ]
    saved = stored_settings(runtime, shopify_shop)

    answer = client.post(
        "/admin/api/policy/preview",
        json={"incident": incident, "yaml": GOOD_POLICY},
        headers=bearer(),
    )

    assert answer.status_code == 200
    decision = answer.json["decision"]
    assert decision["action"] == "grant"
    assert decision["rule"] == "faulty items"
    assert decision["compensations"][0]["kind"] == "fixed_coupon"
    assert decision["compensations"][0]["value"] == {"amount": "7.00", "currency": "EUR"}
    assert decision["words"] == ["coupon of 7.00 EUR off the next order, valid 60 days"]
    assert answer.json["incident"]["order_id"] == "5001"
    with runtime.database.reading() as session:
        after = [
            session.query(model).count()
            for model in (CompensationRecord, TimelineEntry, OutboxEntry)
        ]
    assert after == counts
    assert stored_settings(runtime, shopify_shop) == saved


def test_the_preview_counts_what_the_incident_was_given_already(client, runtime, shopify_shop):
    incident, _ = waiting_compensation(runtime, shopify_shop, order_id="5001")

    saved = client.post("/admin/api/policy/preview", json={"incident": incident}, headers=bearer())
    draft = client.post(
        "/admin/api/policy/preview",
        json={"incident": incident, "yaml": GOOD_POLICY},
        headers=bearer(),
    )

    assert saved.json["decision"]["action"] == "nothing"
    assert draft.json["decision"]["action"] == "nothing"
    assert (
        "5.00 EUR was given already by Amends; not repeated"
        in (draft.json["decision"]["explanation"])
    )


def test_the_preview_refuses_a_bad_draft_and_another_shops_incident(client, runtime, make_shop):
    mine = make_shop("shopify")
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)
    their_incident, _ = waiting_compensation(runtime, theirs, order_id="6001")
    mine_incident, _ = waiting_compensation(runtime, mine, order_id="5001")

    foreign = client.post(
        "/admin/api/policy/preview", json={"incident": their_incident}, headers=bearer()
    )
    bad = client.post(
        "/admin/api/policy/preview",
        json={"incident": mine_incident, "yaml": "rules: 3"},
        headers=bearer(),
    )
    no_incident = client.post("/admin/api/policy/preview", json={}, headers=bearer())

    assert foreign.status_code == 404
    assert "6001" not in foreign.get_data(as_text=True)
    assert bad.status_code == 422
    assert bad.json["problems"][0]["message"] == "rules must be a list, got 3"
    assert no_incident.status_code == 422


@pytest.mark.parametrize("incident", [0, -1, MAX_ROW_ID + 1, 10**30, True, "1"])
def test_the_preview_refuses_an_incident_no_row_can_be_without_asking_the_database(
    client, shopify_shop, incident
):
    answer = client.post("/admin/api/policy/preview", json={"incident": incident}, headers=bearer())

    assert answer.status_code == 422
    assert answer.json == {"error": "incident: give the id of one of the shop's incidents"}


def test_a_customers_data_is_their_shops_only(client, runtime, make_shop):
    mine = make_shop("shopify")
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)
    waiting_compensation(runtime, mine, order_id="5001", email="Lucia@example.es")
    waiting_compensation(runtime, theirs, order_id="6001", email="lucia@example.es")

    answer = client.get("/admin/api/customers/data?email=LUCIA@example.es", headers=bearer())

    assert answer.status_code == 200
    assert [order["order_id"] for order in answer.json["orders"]] == ["5001"]
    (incident,) = answer.json["incidents"]
    assert incident["order_id"] == "5001"
    assert incident["compensations"][0]["status"] == "pending_approval"
    assert "6001" not in answer.get_data(as_text=True)


def test_a_customer_the_shop_never_saw_is_not_found(client, runtime, make_shop):
    mine = make_shop("shopify")
    theirs = make_shop("shopify", domain=OTHER_DOMAIN)
    waiting_compensation(runtime, theirs, order_id="6001", email="only-b@example.es")

    unknown = client.get("/admin/api/customers/data?email=only-b@example.es", headers=bearer())
    missing = client.get("/admin/api/customers/data", headers=bearer())

    assert unknown.status_code == 404
    assert "only-b" not in unknown.get_data(as_text=True)
    assert missing.status_code == 400
    assert mine


def test_a_broken_setting_the_form_does_not_show_refuses_the_save_whole(
    client, runtime, shopify_shop
):
    with runtime.database.transaction() as session:
        session.get(Shop, shopify_shop).settings = {"care": {"resolve_within_days": {"late": 3}}}
    before = stored_settings(runtime, shopify_shop)

    answer = client.put("/admin/api/settings", json=SETTINGS, headers=bearer())

    assert answer.status_code == 422
    assert "resolve_within_days names no incident kind 'late'" in answer.json["error"]
    assert stored_settings(runtime, shopify_shop) == before  # neither care nor the budget
