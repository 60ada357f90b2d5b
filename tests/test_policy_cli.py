"""`amends policy show|export|import`: a shop's compensation policy as a file to edit."""

from __future__ import annotations

import json

from plugin.compensation.defaults import DEFAULT_DOCUMENT
from plugin.storage.models import Shop

EDITED = """\
currency: EUR
vip:
  orders_at_least: 5
caps:
  per_incident: {share_of_order: 25}
  monthly_budget: 300
rules:
  - name: vip choice
    when: {customer: vip, kinds: [defective_item]}
    offer:
      options:
        - {kind: percent_coupon, percent: 15}
        - {kind: free_shipping}
  - name: late parcels
    when: {kinds: [delayed_shipment], days_late_at_least: 2}
    grant: {kind: shipping_refund}
"""

BAD = """\
caps:
  over_cap: sometimes
rules:
  - name: late parcels
    grant: {kind: percent_coupon, percent: 150}
"""


def settings_of(runtime, shop_id):
    with runtime.database.transaction() as session:
        return session.get(Shop, shop_id).settings


def test_a_new_shop_shows_the_default_policy_in_words(cli, make_shop):
    shop_id = make_shop()
    result = cli("policy", "show", "--shop", str(shop_id))

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        f"Compensation policy of shop {shop_id} (the default; import one to change it)",
        "Amounts are in the order's currency.",
        "Caps: per incident 20 % of the order and 25; per customer 2 compensations in 90 days; "
        "a monthly budget of 500; what a cap makes smaller waits for a person.",
        "Rules, the first that matches decides:",
        "  1. faulty items: when the incident is defective item or wrong item or not as "
        "described, grant a coupon of 10 % off the next order, valid 60 days",
        "  2. late parcels: when the incident is delayed shipment and at least 3 days late and "
        "shipping was paid, grant a refund of the shipping paid",
        "  3. late parcels shipped free: when the incident is delayed shipment and at least 3 "
        "days late and shipping was free, grant a free-shipping code, valid 60 days",
    ]


def test_export_then_import_keeps_the_policy_identical(cli, make_shop, runtime, tmp_path):
    shop_id = make_shop()
    exported = cli("policy", "export", "--shop", str(shop_id)).output
    assert exported.startswith(f"# Compensation policy of shop {shop_id}.\n")
    path = tmp_path / "policy.yaml"
    path.write_text(exported)

    result = cli("policy", "import", "--shop", str(shop_id), str(path))

    assert (result.exit_code, result.stdout) == (
        0,
        f"imported the compensation policy of shop {shop_id} (3 rules)\n",
    )
    assert settings_of(runtime, shop_id)["compensation"] == DEFAULT_DOCUMENT
    assert cli("policy", "export", "--shop", str(shop_id)).output == exported
    assert cli("policy", "show", "--shop", str(shop_id)).output.splitlines()[0] == (
        f"Compensation policy of shop {shop_id} (its own)"
    )


def test_an_edited_policy_is_imported_and_exported_back_the_same(cli, make_shop, tmp_path):
    shop_id = make_shop()
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED)

    assert cli("policy", "import", "--shop", str(shop_id), str(path)).exit_code == 0

    exported = cli("policy", "export", "--shop", str(shop_id)).output
    again = tmp_path / "again.yaml"
    again.write_text(exported)
    assert cli("policy", "import", "--shop", str(shop_id), str(again)).exit_code == 0
    assert cli("policy", "export", "--shop", str(shop_id)).output == exported
    shown = json.loads(cli("policy", "show", "--shop", str(shop_id), "--json").output)
    assert shown["currency"] == "EUR"
    assert shown["caps"] == {
        "per_incident": {"share_of_order": "25"},
        "per_customer": {"window_days": 90},
        "monthly_budget": "300",
        "over_cap": "approve",
    }
    assert [rule["name"] for rule in shown["rules"]] == ["vip choice", "late parcels"]
    assert (
        cli("policy", "show", "--shop", str(shop_id), "--yaml").output
        == exported.split("FILE\n", 1)[1]
    )


def test_an_imported_policy_is_shown_in_words(cli, make_shop, tmp_path):
    shop_id = make_shop()
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED)
    cli("policy", "import", "--shop", str(shop_id), str(path))

    assert cli("policy", "show", "--shop", str(shop_id)).stdout.splitlines() == [
        f"Compensation policy of shop {shop_id} (its own)",
        "Amounts are in EUR.",
        "VIP: a customer with at least 5 orders.",
        "Caps: per incident 25 % of the order; a monthly budget of 300; "
        "what a cap makes smaller waits for a person.",
        "Rules, the first that matches decides:",
        "  1. vip choice: when the incident is defective item and the customer is a VIP, "
        "offer a choice of (1) a coupon of 15 % off the next order, valid 60 days, "
        "or (2) a free-shipping code, valid 60 days; "
        "option 1 applies if the customer does not choose within 7 days",
        "  2. late parcels: when the incident is delayed shipment and at least 2 days late, "
        "grant a refund of the shipping paid",
    ]


def test_a_bad_file_changes_nothing_and_lists_every_problem(cli, make_shop, runtime, tmp_path):
    shop_id = make_shop()
    edited, bad = tmp_path / "edited.yaml", tmp_path / "bad.yaml"
    edited.write_text(EDITED)
    bad.write_text(BAD)
    assert cli("policy", "import", "--shop", str(shop_id), str(edited)).exit_code == 0
    before = settings_of(runtime, shop_id)

    result = cli("policy", "import", "--shop", str(shop_id), str(bad))

    assert (result.exit_code, result.stdout) == (1, "")
    logged, *said = result.stderr.splitlines()
    assert logged.endswith(f"policy.import.refused file={bad} problems=2 shop={shop_id}")
    assert said == [
        f"Error: {bad} was not imported, nothing changed: the compensation policy has 2 problems:",
        "  line 2: caps.over_cap must be one of reduce or approve, got 'sometimes'",
        "  line 5: rule 1 'late parcels': percent must be between 1 and 100, got 150",
    ]
    assert settings_of(runtime, shop_id) == before


def test_a_bad_file_leaves_a_shop_on_the_default_policy(cli, make_shop, runtime, tmp_path):
    shop_id = make_shop()
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: [\n")

    result = cli("policy", "import", "--shop", str(shop_id), str(bad))

    assert result.exit_code == 1
    assert "cannot be read" in result.stderr
    assert "compensation" not in settings_of(runtime, shop_id)


def test_a_policy_is_imported_into_one_shop_only(cli, make_shop, runtime, tmp_path):
    one = make_shop()
    other = make_shop("woocommerce", domain="http://127.0.0.1:8080/")
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED)

    assert cli("policy", "import", "--shop", str(one), str(path)).exit_code == 0

    assert "compensation" in settings_of(runtime, one)
    assert "compensation" not in settings_of(runtime, other)


def test_export_as_json_is_the_kept_document(cli, make_shop):
    shop_id = make_shop()
    result = cli("policy", "export", "--shop", str(shop_id), "--json")
    assert json.loads(result.output) == DEFAULT_DOCUMENT


def test_an_unknown_shop_is_one_line_and_a_non_zero_exit(cli, tmp_path):
    path = tmp_path / "edited.yaml"
    path.write_text(EDITED)
    for args in (
        ("policy", "show", "--shop", "42"),
        ("policy", "export", "--shop", "42"),
        ("policy", "import", "--shop", "42", str(path)),
    ):
        result = cli(*args)
        assert (result.exit_code, result.output) == (1, "Error: no shop with id 42\n")
