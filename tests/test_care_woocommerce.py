"""What a WooCommerce store's customer experiences when something goes wrong with an order.

End to end: a sandbox WooCommerce 9.9.5 store delivers its signed webhooks to Amends at
https://amends.test (its `proxy_tls` harness setting stands for DNS and a TLS proxy),
Amends' scheduler and worker run on the store's own clock, and the customer's mail is
what a real SMTP server on loopback accepted. Giulia ordered in Italian (WPML records
the order's language) from a shop in Rome that ships within two business days and
writes every three days.

What WooCommerce cannot tell, and so is not here: core has no carrier events, so
neither a carrier failure nor a delivery is ever reported (platforms/woocommerce.md
§2.3, §3.1). An order the shop marks `completed` is what it has instead: by convention
"shipped", and the last word WooCommerce says about an order's journey. Core has no
returns either; a return reaches Amends as a refund whose free-text reason says why,
or as the `return-requested` status of a returns plugin (§3.2, §3.3). WooCommerce never
retries a delivery (§1.5); what brings an order to Amends again is the reconcile job,
or the same delivery arriving twice on the way.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
import requests
from lingua import Language, LanguageDetectorBuilder
from werkzeug.wrappers import Request

from plugin import scheduler, sync, worker
from plugin.app import create_app
from plugin.clock import as_utc
from plugin.storage.models import Shop
from tests.conftest import TEST_NOW
from tests.helpers import (
    connect_sandbox_store,
    inbox_of,
    inbox_rows,
    incidents,
    received_at,
    text_of,
)
from tests.test_messaging_templates import LANGUAGES, NEIGHBOURS
from tests.test_sandbox_woocommerce_helpers import (
    Sandbox,
    ServerThread,
    observed,
    running_sandbox,
)

PUBLIC_URL = "https://amends.test"
SENDER = "care@amends.example"
GIULIA = "giulia.rossi@example.it"
SHOP_SETTINGS = {
    "care": {"handling_days": 2, "timezone": "Europe/Rome", "update_every_days": 3},
    "messages": {"shop_name": "Bottega Olivar", "contact_email": "ciao@olivar.example"},
}
ITALIAN_ORDER = observed("POST-orders-create")["request"]["json"] | {
    "billing": {
        "first_name": "Giulia",
        "last_name": "Rossi",
        "address_1": "Via Torino 21",
        "city": "Milano",
        "postcode": "20123",
        "country": "IT",
        "email": GIULIA,
        "phone": "+39 02 0000 0000",
    },
    "customer_note": "",
    "meta_data": [{"key": "wpml_language", "value": "it"}],
}
# Paid on Monday 23 November at 10:00 in Rome; Tuesday and Wednesday are its two
# business days, so it must have shipped by Thursday 00:00 in Rome.
SHIP_BY = datetime.fromisoformat("2026-11-25T23:00:00+00:00")


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
    }


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values(), *NEIGHBOURS).build()


class Recorder:
    """Put in front of Amends: pass every request on, and keep what the store delivered."""

    def __init__(self, app: Any) -> None:
        self.app, self.url, self.deliveries = app, "", []

    def __call__(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        environ["wsgi.input"] = io.BytesIO(body)  # for Amends to read in its turn
        if request.headers.get("X-WC-Webhook-Topic"):
            self.deliveries.append((request.path, dict(request.headers), body))
        return self.app(environ, start_response)

    def replay(self) -> list[int]:
        """Send every recorded delivery again, byte for byte; return the answers' statuses."""
        skip = {"host", "content-length"}
        return [
            requests.post(
                self.url + path,
                data=body,
                headers={k: v for k, v in headers.items() if k.lower() not in skip},
                timeout=10,
            ).status_code
            for path, headers, body in list(self.deliveries)
        ]


@pytest.fixture
def store() -> Iterator[Sandbox]:
    with running_sandbox() as sandbox:
        sandbox.freeze(TEST_NOW)  # only the test moves the store's time
        yield sandbox


@pytest.fixture
def amends(runtime, store) -> Iterator[Recorder]:
    recorder = Recorder(create_app(runtime=runtime))
    server = ServerThread(recorder)
    recorder.url = server.url
    store.store.proxy_tls(PUBLIC_URL, server.url)
    runtime.settings = dataclasses.replace(runtime.settings, public_url=PUBLIC_URL)
    runtime.use_clock(store.store.clock)  # one time for the store, the scheduler and the mail
    yield recorder
    server.close()


@pytest.fixture
def shop(store, amends, runtime, make_shop) -> int:
    return connect_sandbox_store(runtime, store, make_shop, SHOP_SETTINGS)


# --- the store's day and Amends' -----------------------------------------------------


def now(store: Sandbox) -> datetime:
    return store.store.clock.now()


def settle(store: Sandbox, runtime) -> None:
    """Let the store deliver what it has to say, Amends handle it, and its mail go."""
    store.flush()
    worker.run_once(runtime)


def live_until(store: Sandbox, runtime, until: datetime, every=timedelta(hours=12)) -> None:
    """Let time pass: every `every`, the scheduler runs what is due, then the worker."""
    while (moment := now(store)) < until:
        store.store.clock.advance(min(every, until - moment).total_seconds())
        scheduler.run_due(runtime, now=now(store))
        settle(store, runtime)


def place_paid_order(store: Sandbox, runtime, **changes: Any) -> dict:
    """Have Giulia place and pay for an order now."""
    response = store.api.post("orders", ITALIAN_ORDER | {"set_paid": True} | changes)
    assert response.status_code == 201, response.text
    settle(store, runtime)
    return response.json()


def update_order(store: Sandbox, runtime, order: dict, changes: dict) -> None:
    response = store.api.put(f"orders/{order['id']}", changes)
    assert response.status_code == 200, response.text
    settle(store, runtime)


def refund(store: Sandbox, runtime, order: dict, amount: str, reason: str) -> None:
    """Refund from the admin, money handed back by hand (bank transfer: no gateway refund)."""
    body = {"amount": amount, "reason": reason, "api_refund": False}
    response = store.api.post(f"orders/{order['id']}/refunds", body)
    assert response.status_code == 201, response.text
    settle(store, runtime)


def request_return(store: Sandbox, runtime, order: dict, reason: str) -> None:
    """Have Giulia ask for a return of one mug through the returns plugin."""
    line = order["line_items"][0]
    returned = {
        "products": [{"item_id": line["id"], "product_id": line["product_id"], "qty": 1}],
        "subject": reason,
        "reason": reason,
        "status": "pending",
    }
    meta = [{"key": "wps_rma_return_product", "value": {"1763900000": returned}}]
    update_order(store, runtime, order, {"status": "return-requested", "meta_data": meta})


# --- what Giulia and the shop see ----------------------------------------------------


def forget_watermark(runtime, shop_id: int) -> None:
    """Make the reconcile job read every order again, as on a shop's first sync."""
    with runtime.database.transaction() as session:
        session.get(Shop, shop_id).synced_at = None


def watermark(runtime, shop_id: int) -> datetime | None:
    with runtime.database.transaction() as session:
        return as_utc(session.get(Shop, shop_id).synced_at)


def apology(order: dict) -> str:
    """Return the subject of the message that tells Giulia what the shop gives her."""
    return f"Un piccolo pensiero per scusarci dell'ordine #{order['number']}"


def store_emails(store: Sandbox) -> list[str]:
    """Return the templates of the e-mails the store itself sent the customer."""
    return [email["template"] for email in store.store.emails]


# --- a paid order the shop does not ship ---------------------------------------------


def test_an_order_not_shipped_within_the_handling_time_is_acknowledged_in_italian(
    store, shop, runtime, cli, mailbox, detector
):
    order = place_paid_order(store, runtime)

    live_until(store, runtime, SHIP_BY - timedelta(minutes=1))
    assert (incidents(cli), mailbox.messages()) == ([], [])

    live_until(store, runtime, SHIP_BY)

    assert incidents(cli) == [("delayed_shipment", str(order["id"]), "acknowledged")]
    (message,) = mailbox.messages()
    late = f"Il suo ordine #{order['number']} è in ritardo"
    assert (message["To"], message["Subject"], message["Content-Language"]) == (GIULIA, late, "it")
    assert message["From"] == f"Bottega Olivar <{SENDER}>"
    assert detector.detect_language_of(text_of(message)) == Language.ITALIAN
    assert f"Il suo ordine #{order['number']} sta impiegando più tempo" in text_of(message)
    assert "Le scriveremo di nuovo entro il 29 novembre 2026" in text_of(message)
    # One channel: Amends wrote no customer note, which the store would e-mail as well.
    assert store_emails(store) == ["customer_processing_order"]


def test_while_the_order_waits_an_update_comes_every_three_days_and_none_between(
    store, shop, runtime, mailbox
):
    order = place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY)  # acknowledged

    live_until(store, runtime, SHIP_BY + timedelta(days=10), every=timedelta(hours=6))

    assert received_at(mailbox) == [SHIP_BY + timedelta(days=day) for day in (0, 3, 6, 9)]
    assert (
        inbox_of(mailbox)
        == [(GIULIA, f"Il suo ordine #{order['number']} è in ritardo")]
        + [(GIULIA, f"Novità sul suo ordine #{order['number']}")] * 3
    )


def test_once_the_shop_completes_the_late_order_giulia_is_thanked_and_the_updates_stop(
    store, shop, runtime, cli, mailbox, detector
):
    """WooCommerce reports no delivery: `completed` ends the delay."""
    order = place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY + timedelta(days=4))  # acknowledged, one update

    update_order(store, runtime, order, {"status": "completed"})
    live_until(store, runtime, SHIP_BY + timedelta(days=14), every=timedelta(days=1))

    assert incidents(cli) == [("delayed_shipment", str(order["id"]), "resolved")]
    subjects = [subject for _, subject in inbox_of(mailbox)]
    assert subjects == [
        f"Il suo ordine #{order['number']} è in ritardo",
        f"Novità sul suo ordine #{order['number']}",
        f"Il suo ordine #{order['number']}: il ritardo è alle spalle",
    ]
    thanks = mailbox.messages()[-1]
    assert detector.detect_language_of(text_of(thanks)) == Language.ITALIAN
    assert "la ringraziamo" in text_of(thanks).lower()


def greeting(message: EmailMessage) -> str:
    """Return the first line of the plain-text part: how the letter greets its reader."""
    return message.get_body(("plain",)).get_content().splitlines()[0]


def test_every_message_greets_giulia_by_her_first_name(store, shop, runtime, mailbox):
    order = place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY + timedelta(days=4))  # acknowledged, one update

    update_order(store, runtime, order, {"status": "completed"})

    assert [to for to, _ in inbox_of(mailbox)] == [GIULIA] * 3
    assert [greeting(message) for message in mailbox.messages()] == ["Gentile Giulia,"] * 3
    html = mailbox.messages()[0].get_body(("html",)).get_content()
    assert "<p>Gentile Giulia,</p>" in html


def test_an_order_named_only_for_shipping_greets_that_name(store, shop, runtime, mailbox):
    billing = ITALIAN_ORDER["billing"] | {"first_name": ""}
    shipping = {"first_name": "Chiara", "last_name": "Bianchi", "city": "Roma", "country": "IT"}
    place_paid_order(store, runtime, billing=billing, shipping=shipping)

    live_until(store, runtime, SHIP_BY)

    (message,) = mailbox.messages()
    assert (message["To"], greeting(message)) == (GIULIA, "Gentile Chiara,")


def test_an_order_without_any_name_is_greeted_without_a_blank_or_none(
    store, shop, runtime, mailbox, detector
):
    billing = ITALIAN_ORDER["billing"] | {"first_name": "", "last_name": ""}
    place_paid_order(store, runtime, billing=billing, shipping={"first_name": ""})

    live_until(store, runtime, SHIP_BY)

    (message,) = mailbox.messages()
    text = message.get_body(("plain",)).get_content()
    assert (message["To"], greeting(message)) == (GIULIA, "Gentile cliente,")
    assert "None" not in text
    assert "Gentile ," not in text
    assert detector.detect_language_of(text_of(message)) == Language.ITALIAN


# --- returns ---------------------------------------------------------------------------


def test_a_refund_because_the_item_arrived_broken_opens_defective_item_and_giulia_hears_at_once(
    store, shop, runtime, cli, mailbox, detector
):
    order = place_paid_order(store, runtime)
    update_order(store, runtime, order, {"status": "completed"})

    refund(store, runtime, order, "12.50", "Arrivata rotta, il manico si è staccato")

    assert incidents(cli) == [("defective_item", str(order["id"]), "acknowledged")]
    message, coupon = mailbox.messages()
    received = f"Abbiamo ricevuto la sua segnalazione sull'ordine #{order['number']}"
    assert (message["To"], message["Subject"]) == (GIULIA, received)
    assert (coupon["To"], coupon["Subject"]) == (GIULIA, apology(order))
    assert detector.detect_language_of(text_of(message)) == Language.ITALIAN


def test_a_return_requested_as_defective_opens_defective_item(store, shop, runtime, cli, mailbox):
    order = place_paid_order(store, runtime)
    update_order(store, runtime, order, {"status": "completed"})

    request_return(store, runtime, order, "Prodotto difettoso: la tazza perde acqua")

    assert incidents(cli) == [("defective_item", str(order["id"]), "acknowledged")]
    received = f"Abbiamo ricevuto la sua segnalazione sull'ordine #{order['number']}"
    assert inbox_of(mailbox) == [(GIULIA, received), (GIULIA, apology(order))]


@pytest.mark.parametrize("by", ["refund", "return"])
def test_a_return_because_of_the_size_opens_nothing_and_sends_nothing(
    store, shop, runtime, cli, mailbox, by
):
    order = place_paid_order(store, runtime)
    update_order(store, runtime, order, {"status": "completed"})

    if by == "refund":
        refund(store, runtime, order, "12.50", "Taglia sbagliata, troppo piccola")
    else:
        request_return(store, runtime, order, "Taglia sbagliata, troppo piccola")

    assert (incidents(cli), mailbox.messages()) == ([], [])
    assert {row.status for row in inbox_rows(runtime)} <= {"done", "ignored"}


def test_an_order_waiting_for_its_return_is_not_taken_for_one_that_never_shipped(
    store, shop, runtime, cli, mailbox
):
    order = place_paid_order(store, runtime)
    update_order(store, runtime, order, {"status": "completed"})
    request_return(store, runtime, order, "Taglia sbagliata, troppo piccola")

    live_until(store, runtime, SHIP_BY + timedelta(days=4))

    assert (incidents(cli), mailbox.messages()) == ([], [])


# --- the same order brought again ------------------------------------------------------


def test_deliveries_received_again_and_orders_read_again_change_nothing_for_the_customer(
    store, shop, amends, runtime, cli, mailbox
):
    order = place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY)  # the late order is acknowledged
    refund(store, runtime, order, "12.50", "Arrivata rotta, il manico si è staccato")
    request_return(store, runtime, order, "Taglia sbagliata, troppo piccola")
    update_order(store, runtime, order, {"status": "completed"})
    before = (incidents(cli), inbox_of(mailbox))

    statuses = amends.replay()  # every delivery again, byte for byte
    forget_watermark(runtime, shop)
    read_again = sync.reconcile_orders(runtime, now(store))  # every order, from the start
    worker.run_once(runtime)
    live_until(store, runtime, now(store) + timedelta(days=1))

    assert set(statuses) == {200}
    assert (read_again.count, watermark(runtime, shop)) == (0, now(store) - timedelta(days=1))
    assert (incidents(cli), inbox_of(mailbox)) == before
    assert before == (
        [
            ("delayed_shipment", str(order["id"]), "resolved"),
            ("defective_item", str(order["id"]), "acknowledged"),
        ],
        [
            (GIULIA, f"Il suo ordine #{order['number']} è in ritardo"),
            (GIULIA, f"Abbiamo ricevuto la sua segnalazione sull'ordine #{order['number']}"),
            (GIULIA, apology(order)),  # the coupon the shop's default policy gives
            (GIULIA, f"Il suo ordine #{order['number']}: il ritardo è alle spalle"),
        ],
    )
