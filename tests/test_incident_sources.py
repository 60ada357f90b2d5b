"""An incident knows the platform records behind it: linked once, found by id, never rescanned."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select, text

from plugin import worker
from plugin.storage import migrate
from plugin.storage.db import connect
from plugin.storage.models import IncidentSource
from tests.conftest import fixture_bytes

ORDER = json.loads(fixture_bytes("shopify/orders_create.json"))
RETURN = json.loads(fixture_bytes("shopify/returns_request.json"))


def another_return(return_id: int) -> dict:
    lines = [line | {"id": return_id * 10} for line in RETURN["return_line_items"]]
    return RETURN | {"id": return_id, "return_line_items": lines}


def links(runtime) -> list[tuple[int, str, str]]:
    with runtime.database.transaction() as session:
        rows = session.scalars(select(IncidentSource).order_by(IncidentSource.id))
        return [(row.incident_id, row.source_type, row.source_id) for row in rows]


def incidents(cli) -> list[dict]:
    return json.loads(cli("incidents", "list", "--json").stdout)


def timeline(cli, incident_id: int) -> list[dict]:
    return json.loads(cli("incidents", "show", str(incident_id), "--json").stdout)["timeline"]


def test_the_return_that_opened_an_incident_is_linked_to_it(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert links(runtime) == [(incident["id"], "return", "9120235577")]


def test_a_second_return_of_the_same_fault_attaches_to_the_open_incident_once(
    shopify_shop, post_shopify, runtime, cli
):
    post_shopify("orders/create", ORDER)
    post_shopify("returns/request", RETURN)
    second = another_return(9120235578)
    post_shopify("returns/request", second)
    post_shopify("returns/request", second)  # a new delivery of the same return

    worker.run_once(runtime)

    (incident,) = incidents(cli)
    assert [source for _, _, source in links(runtime)] == ["9120235577", "9120235578"]
    entries = timeline(cli, incident["id"])
    assert [(e["type"], e["actor"]) for e in entries] == [
        ("incident_opened", "system"),
        ("message_queued", "system"),
        ("compensation_decided", "system"),
        ("signal_attached", "platform"),
    ]
    assert entries[3]["detail"]["return_id"] == "9120235578"


def test_upgrading_links_incidents_opened_before_links_existed(tmp_path: Path):
    database = connect(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(database, "0002")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO shops (id, platform, domain, status, credentials, settings, "
                "created_at, updated_at) VALUES (1, 'shopify', 's.myshopify.com', 'active', "
                "x'00', '{}', '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO incidents (id, shop_id, platform_order_id, kind, status, "
                "created_at, updated_at) VALUES (7, 1, '42', 'defective_item', 'open', "
                "'2026-11-02 00:00:00', '2026-11-02 00:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO incident_timeline (incident_id, at, type, actor, detail) VALUES "
                "(7, '2026-11-02 00:00:00', 'incident_opened', 'system', "
                '\'{"source": "return_requested", "return_id": "77"}\')'
            )
        )

    migrate.upgrade(database)

    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT incident_id, shop_id, source_type, source_id FROM incident_sources")
        ).all()
    database.dispose()
    assert [tuple(row) for row in rows] == [(7, 1, "return", "77")]
