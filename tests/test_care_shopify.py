"""What a Shopify store's customer experiences when something goes wrong with an order.

End to end: a sandbox Shopify store delivers its signed webhooks to Amends' real HTTP
endpoint, Amends' scheduler and worker run on the store's own clock, and the customer's
mail is what a real SMTP server on loopback accepted. Lucía ordered from a shop in
Madrid (two business days to ship, an update every three days) in Spanish; each test is
one thing that happens to her order and what reaches her inbox because of it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from lingua import Language, LanguageDetectorBuilder

from plugin import scheduler, worker
from plugin.app import create_app
from plugin.storage.models import Shop
from tests.conftest import SHOPIFY_DOMAIN, SHOPIFY_SECRET
from tests.helpers import inbox_of, inbox_rows, incidents, received_at, text_of
from tests.test_messaging_templates import LANGUAGES, NEIGHBOURS
from tests.test_sandbox_shopify_harness import TOKEN, Sandbox, running_sandbox, serving

SENDER = "care@amends.example"
LUCIA = "lucia.fernandez@example.es"
SHOP_SETTINGS = {
    "care": {"handling_days": 2, "timezone": "Europe/Madrid", "update_every_days": 3},
    "messages": {"shop_name": "Olivar", "contact_email": "hola@olivar.example"},
}
# Paid on Monday 23 November at 10:00 in Madrid; Tuesday and Wednesday are its two
# business days, so it must have shipped by Thursday 00:00 in Madrid.
SHIP_BY = datetime.fromisoformat("2026-11-25T23:00:00+00:00")
MUG = 14620193734713  # the order's first line: two ceramic mugs

LATE = "Su pedido #1042 se está retrasando"
LATE_NEWS = "Novedades sobre su pedido #1042"
DELAY_OVER = "Su pedido #1042: el retraso ya está resuelto"
FAILED_DELIVERY = "Incidencia en la entrega de su pedido #1042"
DELIVERY_SOLVED = "La entrega de su pedido #1042 ya está solucionada"
DEFECT_RECEIVED = "Hemos recibido su aviso sobre el pedido #1042"
THANKS = "le agradecemos de corazón su paciencia y su confianza"
# What the shop gives for the trouble (its default compensation policy), told with it.
APOLOGY = "Un detalle para compensarle por su pedido #1042"


@pytest.fixture
def settings_overrides(settings_overrides, smtp_server) -> dict:
    return settings_overrides | {
        "smtp_url": f"smtp://127.0.0.1:{smtp_server.port}",
        "smtp_sender": SENDER,
    }


@pytest.fixture(scope="module")
def detector():  # noqa: ANN201
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values(), *NEIGHBOURS).build()


class FirstAnswerLost:
    """Put in front of Amends: when `losing`, the answer to each delivery's first attempt is lost.

    Amends stores the delivery; Shopify sees a 502 instead of Amends' 200, as when a
    proxy or the network drops the answer, and tries again later with the same
    X-Shopify-Webhook-Id and body. The second attempt gets Amends' own answer.
    """

    def __init__(self, app: Any) -> None:
        self.app, self.losing, self.seen = app, False, set()

    def __call__(self, environ: dict, start_response: Any) -> Any:
        webhook_id = environ.get("HTTP_X_SHOPIFY_WEBHOOK_ID")
        if not self.losing or webhook_id in self.seen:
            return self.app(environ, start_response)
        self.seen.add(webhook_id)
        b"".join(self.app(environ, lambda status, headers, exc_info=None: None))
        start_response("502 Bad Gateway", [("Content-Length", "0")])
        return [b""]


@pytest.fixture
def front(runtime) -> Iterator[tuple[FirstAnswerLost, str]]:
    lossy = FirstAnswerLost(create_app(runtime=runtime))
    with serving(lossy) as url:
        yield lossy, url


@pytest.fixture
def store(runtime, front) -> Iterator[Sandbox]:
    _, url = front
    with running_sandbox(
        shop_domain=SHOPIFY_DOMAIN,
        api_secret=SHOPIFY_SECRET,
        api_key=None,
        webhook_uri=f"{url}/webhooks/shopify",
    ) as sandbox:
        runtime.settings = dataclasses.replace(
            runtime.settings, public_url=url, shopify_admin_url=sandbox.base
        )
        runtime.connectors["shopify"].app = dataclasses.replace(
            runtime.connectors["shopify"].app, admin_url=sandbox.base
        )
        runtime.use_clock(sandbox.clock)  # one time for the store, the scheduler and the mail
        yield sandbox


@pytest.fixture
def shop(store, make_shop, runtime) -> int:
    shop_id = make_shop("shopify", api_url=store.base, access_token=TOKEN)
    with runtime.database.transaction() as session:
        session.get(Shop, shop_id).settings = SHOP_SETTINGS
    return shop_id


# --- the store's day and Amends' -----------------------------------------------------


def settle(store: Sandbox, runtime) -> None:
    """Let the store deliver what it has to say, Amends handle it, and its mail go."""
    store.flush()
    worker.run_once(runtime)
    store.drain()  # retries of deliveries whose answer Shopify did not see
    worker.run_once(runtime)


def live_until(store: Sandbox, runtime, until: datetime, every=timedelta(hours=12)) -> None:
    """Let time pass: every `every`, the scheduler runs what is due, then the worker."""
    while (now := store.clock.now()) < until:
        store.advance(min(every, until - now).total_seconds())
        scheduler.run_due(runtime, now=store.clock.now())
        settle(store, runtime)


def place_paid_order(store: Sandbox, runtime, **changes: Any) -> dict:
    """Have Lucía place and pay for order #1042 now (the fixture's dates are a week old)."""
    now = store.clock.now().isoformat()
    order = store.place_order(created_at=now, processed_at=now, updated_at=now, **changes)
    settle(store, runtime)
    return order


def ship(store: Sandbox, runtime) -> None:
    store.post(
        "/orders/5001/fulfill", {"tracking_number": "PQ4B7E0712345", "tracking_company": "Correos"}
    )
    settle(store, runtime)


def carrier_says(store: Sandbox, runtime, status: str, message: str = "") -> None:
    store.post("/orders/5001/fulfillment_events", {"status": status, "message": message})
    settle(store, runtime)


def request_return(store: Sandbox, runtime, reason: str, note: str = "") -> None:
    line = {"line_item_id": MUG, "quantity": 1, "return_reason": reason, "return_reason_note": note}
    store.post("/orders/5001/returns", {"lines": [line]})
    settle(store, runtime)


# --- what Lucía and the shop see -----------------------------------------------------


# --- a paid order the shop does not ship ---------------------------------------------


def test_an_order_not_shipped_within_the_handling_time_is_acknowledged_in_spanish(
    store, shop, runtime, cli, mailbox, detector
):
    place_paid_order(store, runtime)

    live_until(store, runtime, SHIP_BY - timedelta(minutes=1))
    assert (incidents(cli), mailbox.messages()) == ([], [])

    live_until(store, runtime, SHIP_BY)

    assert incidents(cli) == [("delayed_shipment", "5001", "acknowledged")]
    (message,) = mailbox.messages()
    assert (message["To"], message["Subject"], message["Content-Language"]) == (LUCIA, LATE, "es")
    assert message["From"] == f"Olivar <{SENDER}>"
    assert detector.detect_language_of(text_of(message)) == Language.SPANISH
    assert "Su pedido #1042 está tardando más de lo que le prometimos" in text_of(message)
    assert "como muy tarde el 29 de noviembre de 2026" in text_of(message)


def test_while_the_order_waits_an_update_comes_every_three_days_and_none_between(
    store, shop, runtime, mailbox
):
    place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY)  # acknowledged

    live_until(store, runtime, SHIP_BY + timedelta(days=10), every=timedelta(hours=6))

    assert received_at(mailbox) == [SHIP_BY + timedelta(days=day) for day in (0, 3, 3, 6, 9)]
    # Three days late, her shipping is refunded, and she is told so after the update.
    assert (
        inbox_of(mailbox)
        == [(LUCIA, LATE), (LUCIA, LATE_NEWS), (LUCIA, APOLOGY)] + [(LUCIA, LATE_NEWS)] * 2
    )
    assert "como muy tarde el 8 de diciembre de 2026" in text_of(mailbox.messages()[-1])


def test_a_late_order_is_followed_until_it_is_delivered_and_only_then_thanked(
    store, shop, runtime, cli, mailbox
):
    place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY + timedelta(days=4))  # acknowledged, one update

    ship(store, runtime)
    live_until(store, runtime, SHIP_BY + timedelta(days=7))  # on its way: one more update
    carrier_says(store, runtime, "delivered")

    assert incidents(cli) == [("delayed_shipment", "5001", "resolved")]
    # Three days late, her shipping is refunded and she is told so; she is thanked only
    # once the parcel is at her door.
    assert inbox_of(mailbox) == [(LUCIA, LATE), (LUCIA, LATE_NEWS), (LUCIA, APOLOGY)] + [
        (LUCIA, LATE_NEWS),
        (LUCIA, DELAY_OVER),
    ]
    assert received_at(mailbox)[-1] == SHIP_BY + timedelta(days=7)
    assert THANKS in text_of(mailbox.messages()[-1])


def greeting(message: EmailMessage) -> str:
    """Return the first line of the plain-text part: how the letter greets its reader."""
    return message.get_body(("plain",)).get_content().splitlines()[0]


def test_every_message_greets_lucia_by_her_first_name(store, shop, runtime, mailbox):
    place_paid_order(store, runtime)
    live_until(store, runtime, SHIP_BY + timedelta(days=4))  # acknowledged, one update
    ship(store, runtime)
    carrier_says(store, runtime, "delivered")

    assert inbox_of(mailbox) == [
        (LUCIA, LATE), (LUCIA, LATE_NEWS), (LUCIA, APOLOGY), (LUCIA, DELAY_OVER),
    ]  # fmt: skip
    assert [greeting(message) for message in mailbox.messages()] == ["Hola, Lucía:"] * 4
    html = mailbox.messages()[0].get_body(("html",)).get_content()
    assert "<p>Hola, Lucía:</p>" in html


def test_a_guest_named_only_on_the_shipping_label_is_greeted_by_that_name(
    store, shop, runtime, mailbox
):
    label = {"first_name": "Marta", "last_name": "Gil", "city": "Madrid", "country_code": "ES"}
    place_paid_order(store, runtime, customer=None, shipping_address=label)

    live_until(store, runtime, SHIP_BY)

    (message,) = mailbox.messages()
    assert (message["To"], greeting(message)) == (LUCIA, "Hola, Marta:")


def test_an_order_without_any_name_is_greeted_without_a_blank_or_none(
    store, shop, runtime, mailbox, detector
):
    place_paid_order(store, runtime, customer=None, shipping_address=None)

    live_until(store, runtime, SHIP_BY)

    (message,) = mailbox.messages()
    text = message.get_body(("plain",)).get_content()
    assert (message["To"], greeting(message)) == (LUCIA, "Hola:")
    assert "None" not in text
    assert "Hola, :" not in text
    assert "Hola ," not in text
    assert detector.detect_language_of(text_of(message)) == Language.SPANISH


# --- a parcel in trouble with the carrier ---------------------------------------------


def test_a_parcel_the_carrier_delays_is_followed_until_it_is_delivered_then_thanked(
    store, shop, runtime, cli, mailbox
):
    place_paid_order(store, runtime)
    ship(store, runtime)
    carrier_says(store, runtime, "delayed", "Incidencia en el centro de Coslada")
    live_until(store, runtime, store.clock.now() + timedelta(days=4))

    carrier_says(store, runtime, "delivered")

    assert incidents(cli) == [("delayed_shipment", "5001", "resolved")]
    assert inbox_of(mailbox) == [
        (LUCIA, LATE),
        (LUCIA, LATE_NEWS),
        (LUCIA, APOLOGY),  # three days late: the shipping refunded
        (LUCIA, DELAY_OVER),
    ]
    assert THANKS in text_of(mailbox.messages()[-1])


def test_a_failed_delivery_opens_a_delivery_exception_and_lucia_hears_of_it_once(
    store, shop, runtime, cli, mailbox, detector
):
    place_paid_order(store, runtime)
    ship(store, runtime)

    # One carrier event: fulfillment_events/create, fulfillments/update and
    # orders/updated all say "failure"; they open one incident between them.
    carrier_says(store, runtime, "failure", "Dirección incompleta")

    assert incidents(cli) == [("delivery_exception", "5001", "acknowledged")]
    (message,) = mailbox.messages()
    assert (message["To"], message["Subject"]) == (LUCIA, FAILED_DELIVERY)
    assert detector.detect_language_of(text_of(message)) == Language.SPANISH


# --- returns ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "note"),
    [("defective", ""), ("other", "El asa llegó rota")],
    ids=["defective", "other-but-arrived-broken"],
)
def test_a_defective_return_opens_defective_item_and_lucia_is_answered_at_once(
    store, shop, runtime, cli, mailbox, detector, reason, note
):
    place_paid_order(store, runtime)
    ship(store, runtime)
    carrier_says(store, runtime, "delivered")

    request_return(store, runtime, reason, note)

    assert incidents(cli) == [("defective_item", "5001", "acknowledged")]
    message, coupon = mailbox.messages()
    assert (message["To"], message["Subject"]) == (LUCIA, DEFECT_RECEIVED)
    assert (coupon["To"], coupon["Subject"]) == (LUCIA, APOLOGY)
    assert detector.detect_language_of(text_of(message)) == Language.SPANISH


def test_a_return_because_of_the_size_opens_nothing_and_sends_nothing(
    store, shop, runtime, cli, mailbox
):
    place_paid_order(store, runtime)
    ship(store, runtime)
    carrier_says(store, runtime, "delivered")

    request_return(store, runtime, "size_too_small", "Me queda pequeño")

    assert (incidents(cli), mailbox.messages()) == ([], [])
    assert [(row.topic, row.status) for row in inbox_rows(runtime)][-2:] == [
        ("returns/request", "done"),
        ("orders/updated", "done"),
    ]


# --- deliveries Shopify sends again ----------------------------------------------------


def test_every_delivery_sent_twice_changes_nothing_for_the_customer(
    store, shop, front, runtime, cli, mailbox
):
    lossy, _ = front
    lossy.losing = True  # Shopify never sees Amends' 200, and tries every delivery again

    place_paid_order(store, runtime)
    ship(store, runtime)
    carrier_says(store, runtime, "delayed", "Incidencia en el centro de Coslada")
    carrier_says(store, runtime, "failure", "Dirección incompleta")
    carrier_says(store, runtime, "delivered")
    request_return(store, runtime, "other", "El asa llegó rota")
    request_return(store, runtime, "size_too_small")

    attempts: dict[str, list[int]] = {}
    for attempt in store.deliveries():
        attempts.setdefault(attempt["webhook_id"], []).append(attempt["attempt"])
    assert set(map(tuple, attempts.values())) == {(1, 2)}  # each one delivered twice
    assert incidents(cli) == [
        ("delayed_shipment", "5001", "resolved"),
        ("delivery_exception", "5001", "resolved"),
        ("defective_item", "5001", "acknowledged"),
    ]
    assert inbox_of(mailbox) == [
        (LUCIA, LATE),
        (LUCIA, FAILED_DELIVERY),
        (LUCIA, DELAY_OVER),
        (LUCIA, DELIVERY_SOLVED),
        (LUCIA, DEFECT_RECEIVED),
        (LUCIA, APOLOGY),  # the coupon for the defective mug, made and told once
    ]
