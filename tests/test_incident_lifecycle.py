"""The incident lifecycle: allowed moves only, each on the timeline with its actor."""

from __future__ import annotations

import json

import pytest

from plugin import worker
from plugin.errors import InvalidInput
from plugin.incidents import STATUSES
from plugin.incidents.lifecycle import add_timeline
from plugin.incidents.staff import find_incident
from plugin.incidents.states import MOVES, InvalidTransition, move
from plugin.scope import ShopScope
from tests.conftest import fixture_bytes

ORDER_ID = "5830194882617"


@pytest.fixture
def incident_id(shopify_shop, post_shopify, runtime, cli) -> int:
    """A defective_item incident opened by a return, as the worker opens it."""
    post_shopify("orders/create", fixture_bytes("shopify/orders_create.json"))
    post_shopify("returns/request", fixture_bytes("shopify/returns_request.json"))
    worker.run_once(runtime)
    (incident,) = json.loads(cli("incidents", "list", "--json").stdout)
    return incident["id"]


def shown(cli, incident_id: int) -> dict:
    result = cli("incidents", "show", str(incident_id), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_status_has_its_moves_and_every_move_ends_in_a_status():
    assert set(MOVES) == STATUSES
    assert set().union(*MOVES.values()) <= STATUSES


def test_staff_resolve_and_reopen_from_the_command_line(incident_id, cli):
    assert cli("incidents", "resolve", str(incident_id)).exit_code == 0
    assert shown(cli, incident_id)["status"] == "resolved"

    assert cli("incidents", "reopen", str(incident_id)).exit_code == 0

    incident = shown(cli, incident_id)
    assert incident["status"] == "in_progress"
    assert [(e["type"], e["actor"], e["detail"].get("to")) for e in incident["timeline"]] == [
        ("incident_opened", "system", None),
        ("message_queued", "system", None),  # the acknowledgement
        ("compensation_decided", "system", None),  # the default policy's coupon
        ("status_changed", "staff", "resolved"),
        ("message_queued", "system", None),  # the resolution
        ("reopened", "staff", "in_progress"),
    ]


def test_a_resolved_incident_frees_its_order_for_a_new_one_of_the_same_kind(incident_id, cli):
    cli("incidents", "resolve", str(incident_id))

    again = cli("incidents", "open", "--shop", "1", "--order", ORDER_ID, "--kind", "defective_item")

    assert again.exit_code == 0, again.output
    new_id = int(again.stdout.splitlines()[-1])
    assert new_id != incident_id
    refused = cli("incidents", "reopen", str(incident_id))
    assert refused.exit_code == 1
    assert f"incident {new_id} is already open for the same order and kind" in refused.output
    assert shown(cli, incident_id)["status"] == "resolved"


def test_opening_a_second_incident_of_a_kind_for_an_order_is_refused(incident_id, cli):
    result = cli(
        "incidents", "open", "--shop", "1", "--order", ORDER_ID, "--kind", "defective_item"
    )

    assert result.exit_code == 1
    assert f"already has an open defective_item incident ({incident_id})" in result.output
    assert len(json.loads(cli("incidents", "list", "--json").stdout)) == 1


def test_a_manual_incident_is_opened_by_staff_with_what_is_known_of_the_order(incident_id, cli):
    result = cli("incidents", "open", "--shop", "1", "--order", ORDER_ID, "--kind", "manual")

    incident = shown(cli, int(result.stdout.splitlines()[-1]))
    assert (incident["kind"], incident["status"], incident["order_name"]) == (
        "manual",
        "open",
        "#1042",
    )
    assert [(e["type"], e["actor"]) for e in incident["timeline"]] == [
        ("incident_opened", "staff"),
        ("message_queued", "system"),
        ("compensation_decided", "system"),  # no rule of the default policy: nothing
    ]


def test_a_note_lands_on_the_timeline_and_an_empty_one_is_refused(incident_id, cli):
    assert cli("incidents", "note", str(incident_id), "Llamé a la clienta").exit_code == 0
    empty = cli("incidents", "note", str(incident_id), "   ")

    assert (empty.exit_code, "a note needs some text" in empty.output) == (1, True)
    notes = [e for e in shown(cli, incident_id)["timeline"] if e["type"] == "note_added"]
    assert [(n["actor"], n["detail"]) for n in notes] == [("staff", {"text": "Llamé a la clienta"})]


@pytest.mark.parametrize(
    ("path", "to", "message"),
    [
        (
            [],
            "closed",
            "is open; it can move to acknowledged or awaiting_customer or in_progress "
            "or resolved, not to closed",
        ),
        (["resolved"], "awaiting_customer", "is resolved; it can move to closed or in_progress"),
        (["acknowledged"], "acknowledged", "is already acknowledged"),
        ([], "lost", "unknown status 'lost'"),
    ],
)
def test_a_move_the_lifecycle_does_not_allow_is_refused_and_changes_nothing(
    incident_id, runtime, cli, path, to, message
):
    with runtime.database.transaction() as session:
        incident = find_incident(session, ShopScope.every(), incident_id)
        for step in path:
            move(session, incident, step, actor="system")
    before = shown(cli, incident_id)

    with runtime.database.transaction() as session, pytest.raises(InvalidTransition, match=message):
        move(session, find_incident(session, ShopScope.every(), incident_id), to, actor="staff")

    assert shown(cli, incident_id) == before


def test_unknown_incidents_and_other_shops_incidents_are_not_found(incident_id, cli, runtime):
    assert "no incident with id 999" in cli("incidents", "resolve", "999").output
    with runtime.database.transaction() as session, pytest.raises(Exception, match="no incident"):
        find_incident(session, ShopScope.only(2), incident_id)


def test_timeline_entries_outside_the_closed_sets_are_refused(incident_id, runtime):
    with runtime.database.transaction() as session:
        with pytest.raises(ValueError, match="unknown timeline entry type 'oops'"):
            add_timeline(session, incident_id, "oops", {})
        with pytest.raises(ValueError, match="unknown actor 'robot'"):
            add_timeline(session, incident_id, "note_added", {}, actor="robot")
        assert issubclass(InvalidTransition, InvalidInput)
