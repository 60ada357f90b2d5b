"""Two weeks of two shops: what goes right, what goes wrong, and what Amends does about it.

Casa Olivar sells on Shopify to customers in six languages; Bottega Olivar on
WooCommerce. Most orders ship the next day and arrive. Some are not shipped within
the two business days the shops promise, some the carrier delays or loses, some
come back broken, and some come back only because they did not fit; a customer whose
parcel was lost chooses her compensation on her own page. Time moves in
six-hour steps: at each, the stores do what the story says, deliver their
webhooks, and Amends' scheduler and worker run, as on a real day, on the stores'
own clock.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from woocommerce import API

from demo.choosing import FREE_SHIPPING, choose_on_page
from demo.people import CATALOGUE, SHOPIFY_CUSTOMERS, WOOCOMMERCE_CUSTOMERS, Customer, Product
from demo.world import WOO_KEY, WOO_SECRET, World
from plugin import scheduler, worker
from plugin.services import Runtime

DAYS = 14
STEP = timedelta(hours=6)

Act = Callable[[], Any]


@dataclass(order=True)
class Step:
    """One thing a store or a customer does at a moment of the story."""

    at: datetime
    number: int
    act: Act = field(compare=False)


@dataclass
class Story:
    """The story's steps, ordered by time, and what each store has been told to do."""

    world: World
    start: datetime
    steps: list[Step] = field(default_factory=list)
    counter: itertools.count = field(default_factory=itertools.count)

    def on(self, day: float, act: Act) -> None:
        """Do `act` on day `day` of the story (0 is the first day)."""
        self.steps.append(Step(self.start + timedelta(days=day), next(self.counter), act))


# --- Casa Olivar, on Shopify -------------------------------------------------------


def shopify_order(number: int, customer: Customer, lines: list[Product], at: datetime) -> dict:
    """Return an order in the orders/create webhook shape, placed and paid at `at`."""
    order_id = 6000 + number
    items = [
        {
            "id": order_id * 100 + index,
            "product_id": product.product_id,
            "variant_id": product.variant_id,
            "sku": product.sku,
            "title": product.title,
            "variant_title": product.variant_title,
            "quantity": 1,
            "price": product.price,
        }
        for index, product in enumerate(lines, start=1)
    ]
    subtotal = sum(float(product.price) for product in lines)
    total = f"{subtotal + 4.90:.2f}"
    person = {"first_name": customer.first_name, "last_name": customer.last_name}
    moment = at.isoformat()
    return {
        "id": order_id,
        "name": f"#{2000 + number}",
        "order_number": 2000 + number,
        "email": customer.email,
        "contact_email": customer.email,
        "created_at": moment,
        "processed_at": moment,
        "updated_at": moment,
        "currency": "EUR",
        "customer_locale": customer.locale,
        "financial_status": "paid",
        "fulfillment_status": None,
        "subtotal_price": f"{subtotal:.2f}",
        "total_price": total,
        "customer": person
        | {"id": 7000 + number, "email": customer.email, "locale": customer.locale},
        "shipping_address": person
        | {"address1": "Calle Mayor 1", "city": customer.city, "country_code": customer.country},
        "line_items": items,
        "shipping_lines": [
            {"id": order_id * 10, "title": "Standard", "code": "Standard", "price": "4.90"}
        ],
        "transactions": [
            {"id": order_id * 10 + 1, "kind": "sale", "status": "success", "amount": total}
        ],
    }


class CasaOlivar:
    """What happens to each of the Shopify shop's orders."""

    def __init__(self, story: Story) -> None:
        self.story, self.world, self.count = story, story.world, itertools.count(1)

    def order(self, day: float, customer: Customer, *products: Product) -> int:
        """Place an order on `day`; return its id."""
        number = next(self.count)
        at = self.story.start + timedelta(days=day)
        body = shopify_order(number, customer, list(products or CATALOGUE[:1]), at)
        self.story.on(day, lambda: self.world.shopify_control("/orders", body))
        return int(body["id"])

    def ship(self, day: float, order_id: int, tracking: str = "") -> None:
        """Hand the order to the carrier, tracked."""
        body = {"tracking_number": tracking or f"PQ{order_id}ES", "tracking_company": "Correos"}
        self.story.on(day, lambda: self.world.shopify_control(f"/orders/{order_id}/fulfill", body))

    def carrier(self, day: float, order_id: int, status: str, message: str = "") -> None:
        """Pass on the carrier's news of the parcel (delayed, failure, delivered...)."""
        body = {"status": status, "message": message}
        path = f"/orders/{order_id}/fulfillment_events"
        self.story.on(day, lambda: self.world.shopify_control(path, body))

    def delivered(self, order_id: int, placed: float, days: float = 3) -> None:
        """Ship the next day and deliver `days` later."""
        self.ship(placed + 1, order_id)
        self.carrier(placed + 1 + days, order_id, "delivered")

    def give_back(self, day: float, order_id: int, reason: str, note: str = "") -> None:
        """Have the customer ask to return the order's first line."""
        line = {
            "line_item_id": order_id * 100 + 1,
            "quantity": 1,
            "return_reason": reason,
            "return_reason_note": note,
        }
        path = f"/orders/{order_id}/returns"
        self.story.on(day, lambda: self.world.shopify_control(path, {"lines": [line]}))

    def refund_shipping(self, day: float, order_id: int, note: str) -> None:
        """Have staff refund the order's shipping from the Shopify admin."""
        body = {"note": note, "shipping": {"full_refund": True}}
        self.story.on(day, lambda: self.world.shopify_control(f"/orders/{order_id}/refunds", body))


def casa_olivar(story: Story) -> None:
    """Write Casa Olivar's two weeks."""
    shop = CasaOlivar(story)
    lucia, marco, anna, jonas, camille, emma, javier, giulia = SHOPIFY_CUSTOMERS
    mug, cloth, apron, oil, dish = CATALOGUE
    for number in range(14):  # the orders that simply arrive
        customer = SHOPIFY_CUSTOMERS[number % len(SHOPIFY_CUSTOMERS)]
        placed = number % 5
        shop.delivered(shop.order(placed, customer, CATALOGUE[number % 5]), placed)
    # Not shipped within two business days: one ships late, one is still waiting.
    late = shop.order(1, lucia, mug, cloth)
    shop.ship(8, late)
    shop.carrier(10, late, "delivered")
    shop.refund_shipping(6, late, "Envío devuelto por el retraso")
    shop.order(9, camille, oil)
    # The carrier is late, then delivers; the carrier loses one.
    delayed = shop.order(2, jonas, dish)
    shop.ship(3, delayed)
    shop.carrier(5, delayed, "delayed", "Verzögerung im Verteilzentrum")
    shop.carrier(8, delayed, "delivered")
    held_up = shop.order(4, emma, oil)
    shop.ship(5, held_up)
    shop.carrier(7, held_up, "delayed", "Held at the sorting centre")
    lost = shop.order(3, anna, cloth)
    shop.ship(4, lost)
    shop.carrier(7, lost, "failure", "Адресат не найден")
    # Offered a choice for it, Anna picks free shipping on her page, from her e-mail.
    story.on(8, lambda: choose_on_page(story.world.mailbox, anna.email, FREE_SHIPPING))
    # Back broken, or only too small.
    broken = shop.order(2, marco, mug)
    shop.delivered(broken, 2)
    shop.give_back(7, broken, "DEFECTIVE", "Il manico si è staccato")
    cracked = shop.order(4, javier, dish)
    shop.delivered(cracked, 4)
    shop.give_back(9, cracked, "OTHER", "Llegó roto, la fuente está rajada")
    small = shop.order(3, emma, apron)
    shop.delivered(small, 3)
    shop.give_back(8, small, "SIZE_TOO_SMALL")
    giulias = shop.order(5, giulia, apron)
    shop.delivered(giulias, 5)
    shop.give_back(10, giulias, "COLOR")


# --- Bottega Olivar, on WooCommerce --------------------------------------------------


class BottegaOlivar:
    """What happens to each of the WooCommerce shop's orders, through its REST API."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.api = API(story.world.woocommerce_url, WOO_KEY, WOO_SECRET, version="wc/v3")
        self.placed: dict[str, int] = {}

    def _call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = getattr(self.api, method)(path, body)
        if response.status_code >= 300:
            raise RuntimeError(f"sandbox WooCommerce {path}: {response.text}")
        return response.json()

    def order(self, day: float, name: str, customer: Customer, product_id: int = 10) -> None:
        """Place and pay an order on `day`, remembered as `name`."""
        person = {"first_name": customer.first_name, "last_name": customer.last_name}
        body = {
            "payment_method": "bacs",
            "set_paid": True,
            "billing": person
            | {"email": customer.email, "city": customer.city, "country": customer.country},
            "shipping": person | {"city": customer.city, "country": customer.country},
            "line_items": [{"product_id": product_id, "quantity": 2}],
            "shipping_lines": [{"method_id": "flat_rate", "method_title": "Flat", "total": "5.90"}],
            "meta_data": [{"key": "wpml_language", "value": customer.locale}],
        }

        def place() -> None:
            self.placed[name] = self._call("post", "orders", body)["id"]

        self.story.on(day, place)

    def complete(self, day: float, name: str) -> None:
        """Mark the order completed: shipped, as WooCommerce shops say it."""
        self.story.on(
            day, lambda: self._call("put", f"orders/{self.placed[name]}", {"status": "completed"})
        )

    def refund(self, day: float, name: str, amount: str, reason: str) -> None:
        """Refund part of the order by hand, saying why."""
        body = {"amount": amount, "reason": reason, "api_refund": False}
        self.story.on(day, lambda: self._call("post", f"orders/{self.placed[name]}/refunds", body))

    def return_requested(self, day: float, name: str, reason: str) -> None:
        """Have the customer ask for a return through the shop's returns plugin."""

        def ask() -> None:
            order = self.api.get(f"orders/{self.placed[name]}").json()
            line = order["line_items"][0]
            item = {"item_id": line["id"], "product_id": line["product_id"], "qty": 1}
            returned = {"products": [item], "subject": reason, "reason": reason}
            returned["status"] = "pending"
            meta = [{"key": "wps_rma_return_product", "value": {"1763900000": returned}}]
            body = {"status": "return-requested", "meta_data": meta}
            self._call("put", f"orders/{self.placed[name]}", body)

        self.story.on(day, ask)


def bottega_olivar(story: Story) -> None:
    """Write Bottega Olivar's two weeks."""
    shop = BottegaOlivar(story)
    giulia, lukas, elodie, carmen = WOOCOMMERCE_CUSTOMERS
    for number in range(8):
        name = f"arrives-{number}"
        shop.order(number % 4, name, WOOCOMMERCE_CUSTOMERS[number % 4], 10 + number % 2)
        shop.complete(number % 4 + 1, name)
    shop.order(1, "late", lukas)
    shop.complete(9, "late")
    shop.order(10, "waiting", elodie, 11)
    shop.order(2, "broken", giulia)
    shop.complete(3, "broken")
    shop.refund(8, "broken", "12.50", "La tazza è arrivata rotta")
    shop.order(3, "too-small", carmen, 11)
    shop.complete(4, "too-small")
    shop.return_requested(9, "too-small", "La fuente es demasiado pequeña")


# --- playing it ----------------------------------------------------------------------


def write(world: World, start: datetime) -> Story:
    """Return the whole story, starting at `start`."""
    story = Story(world, start)
    casa_olivar(story)
    bottega_olivar(story)
    story.steps.sort()
    return story


def play(story: Story, runtime: Runtime, report: Callable[[datetime, int], None]) -> None:
    """Live through the story in six-hour steps; `report` hears each day's end.

    The stores' clocks stop at the story's end, never past it: the story ends now, by
    default, and a store ahead of Amends' own clock signs session tokens Amends
    refuses as not yet valid.
    """
    world, pending = story.world, list(story.steps)
    end = story.start + timedelta(days=DAYS)
    moment = story.start
    while moment <= end:
        world.advance_to(moment)
        while pending and pending[0].at <= moment:
            pending.pop(0).act()
        scheduler.run_due(runtime, now=moment)
        settle(world, runtime)
        if moment.hour == story.start.hour:
            report(moment, len(world.mailbox.envelopes))
        moment += STEP


def settle(world: World, runtime: Runtime) -> None:
    """Let the stores deliver, Amends handle it and send its mail; twice, for what follows."""
    for _ in range(2):
        world.deliver()
        worker.run_once(runtime)
