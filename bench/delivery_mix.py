"""A store day's deliveries, made from the recorded ones in tests/fixtures, each distinct.

Every order has a story: the deliveries its platform sends for it, in order, with
its own ids and times. Most orders just ship and arrive; some are held up by the
carrier, fail at the door, or come back for one of several reasons, as a shop sees
them. The payloads are the recorded ones (tests/fixtures/shopify/*.json, the
WooCommerce 9.9.5 order in tests/fixtures/woocommerce/005-order.created.body.bin and
its `action.woocommerce_order_refunded` ping) with only what must differ changed:
ids, names, times, the customer (each order's own, as on a store day) and their language,
fulfillments, returns, refunds.

For every 30 orders (20 Shopify, 10 WooCommerce):

Shopify
  10  delivered: orders/create, orders/paid, orders/updated (shipped),
      fulfillment_events/create in_transit, then delivered
   2  carrier delay: the same with a `delayed` event before delivery (delayed_shipment)
   1  failed at the door: orders/updated whose fulfillment says `failure` (delivery_exception)
   2  defective: shipped, returns/request `defective`, returns/approve, refunds/create
      with the shipping refunded (defective_item, the refund attached to it)
   1  "other" return whose note says it arrived broken, in the customer's language
      (defective_item through the six-language reason classifier)
   2  size return (returns/request `size_too_small`), declined: opens nothing
   1  colour return (a `color-too-bright` reason definition): opens nothing
   1  never paid, then cancelled
WooCommerce
   6  order.created (paid), order.updated with Shipment Tracking, order.updated completed
   1  refunded "llegó roto" (order.updated with the refund, and the action ping, ignored)
   1  return requested (WP Swings RMA), "llegó rota" (defective_item)
   1  return requested for size: opens nothing
   1  pending order moved to the trash (order.deleted)

Deliveries of 64 consecutive orders are interleaved, step by step, as a busy shop's
webhooks arrive: no two deliveries in a row are usually about the same order.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
WINDOW = 64  # orders whose deliveries are interleaved
START = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # the first order's time; one a minute after
LOCALES = ("es", "it", "ru", "de", "fr", "en", "pt-BR")
BROKEN = {
    "es": "Llegó rota, el asa está partida",
    "it": "La tazza è arrivata rotta",
    "ru": "Кружка пришла сломанной",
    "de": "Die Tasse kam kaputt an",
    "fr": "La tasse est arrivée cassée",
    "en": "The mug arrived broken",
    "pt-BR": "The mug arrived broken",
}


def _json(name: str) -> dict[str, Any]:
    return orjson.loads((FIXTURES / name).read_bytes())


SHOPIFY_ORDER = _json("shopify/orders_create.json")
SHOPIFY_EVENT = _json("shopify/fulfillment_events_create.json")
SHOPIFY_REFUND = _json("shopify/refunds_create.json")
SHOPIFY_RETURN = _json("shopify/returns_request.json")
SHOPIFY_SIZE_RETURN = _json("shopify/returns_request_thin_size.json")
SHOPIFY_DEFINED_RETURN = _json("shopify/returns_request_definition.json")
SHOPIFY_DECLINE = _json("shopify/returns_decline.json")
WOO_ORDER = _json("woocommerce/005-order.created.body.bin")
WOO_REFUNDED_ACTION = _json("woocommerce/010-action.woocommerce_order_refunded.body.bin")


@dataclass(frozen=True)
class Planned:
    """One delivery to put in the inbox."""

    platform: str  # "shopify" or "woocommerce"
    topic: str
    body: bytes
    story: str


Step = tuple[str, dict[str, Any]]  # topic, payload


def iso(moment: datetime) -> str:
    """Format a time as Shopify does, with its offset."""
    return moment.isoformat(timespec="seconds")


def gmt(moment: datetime) -> str:
    """Format a time as WooCommerce's `*_gmt` fields do: UTC, no offset."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


# --- Shopify --------------------------------------------------------------------------


class ShopifyOrder:
    """One Shopify order's ids and times, and the payloads its deliveries carry."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.id = 6_100_000_000_000 + number
        self.parcel = 5_200_000_000_000 + number
        self.placed = START + timedelta(minutes=number)
        self.locale = LOCALES[number % len(LOCALES)]
        self.email = f"cliente{number}@example.es"

    def at(self, hours: float) -> datetime:
        return self.placed + timedelta(hours=hours)

    def order(self, hours: float, *, paid: bool = True, **changes: Any) -> dict[str, Any]:
        return SHOPIFY_ORDER | {
            "id": self.id,
            "admin_graphql_api_id": f"gid://shopify/Order/{self.id}",
            "name": f"#{self.number + 1001}",
            "number": self.number + 1,
            "order_number": self.number + 1001,
            "customer_locale": self.locale,
            "email": self.email,
            "contact_email": self.email,
            "customer": SHOPIFY_ORDER["customer"] | {"id": self.id, "email": self.email},
            "created_at": iso(self.placed),
            "processed_at": iso(self.placed),
            "updated_at": iso(self.at(hours)),
            "financial_status": "paid" if paid else "pending",
            **changes,
        }

    def shipped(self, hours: float, shipment_status: str | None = "in_transit") -> dict[str, Any]:
        fulfillment = {
            "id": self.parcel,
            "order_id": self.id,
            "status": "success",
            "shipment_status": shipment_status,
            "tracking_company": "Correos Express",
            "tracking_number": f"32300083{self.number:08d}",
            "tracking_numbers": [f"32300083{self.number:08d}"],
            "created_at": iso(self.at(20)),
        }
        return self.order(hours, fulfillment_status="fulfilled", fulfillments=[fulfillment])

    def event(self, hours: float, status: str) -> dict[str, Any]:
        return SHOPIFY_EVENT | {
            "id": 29_500_000_000 + self.number * 1000 + int(hours),
            "fulfillment_id": self.parcel,
            "order_id": self.id,
            "status": status,
            "happened_at": iso(self.at(hours)),
            "created_at": iso(self.at(hours)),
            "updated_at": iso(self.at(hours)),
        }

    def returned(self, template: dict[str, Any], **line_changes: Any) -> dict[str, Any]:
        (line,) = template["return_line_items"]
        return template | {
            "id": 9_200_000_000 + self.number,
            "admin_graphql_api_id": f"gid://shopify/Return/{9_200_000_000 + self.number}",
            "name": f"#{self.number + 1001}-R1",
            "order": {"id": self.id, "admin_graphql_api_id": f"gid://shopify/Order/{self.id}"},
            "return_line_items": [line | line_changes],
        }

    def return_moved(self, status: str) -> dict[str, Any]:
        return SHOPIFY_DECLINE | {"id": 9_200_000_000 + self.number, "status": status}

    def refund(self, hours: float) -> dict[str, Any]:
        return SHOPIFY_REFUND | {
            "id": 987_000_000_000 + self.number,
            "order_id": self.id,
            "created_at": iso(self.at(hours)),
            "processed_at": iso(self.at(hours)),
        }


def shopify_delivered(o: ShopifyOrder) -> list[Step]:
    return [
        ("orders/create", o.order(0)),
        ("orders/paid", o.order(0)),
        ("orders/updated", o.shipped(20)),
        ("fulfillment_events/create", o.event(30, "in_transit")),
        ("fulfillment_events/create", o.event(50, "delivered")),
    ]


def shopify_carrier_delay(o: ShopifyOrder) -> list[Step]:
    return [
        ("orders/create", o.order(0)),
        ("orders/updated", o.shipped(20)),
        ("fulfillment_events/create", o.event(30, "in_transit")),
        ("fulfillment_events/create", o.event(55, "delayed")),
        ("fulfillment_events/create", o.event(99, "delivered")),
    ]


def shopify_failed_at_door(o: ShopifyOrder) -> list[Step]:
    return [
        ("orders/create", o.order(0)),
        ("orders/updated", o.shipped(20)),
        ("orders/updated", o.shipped(52, "failure")),
    ]


def shopify_defective(o: ShopifyOrder) -> list[Step]:
    return [
        ("orders/create", o.order(0)),
        ("orders/updated", o.shipped(20, "delivered")),
        ("returns/request", o.returned(SHOPIFY_RETURN)),
        ("returns/approve", o.return_moved("approved")),
        ("refunds/create", o.refund(100)),
    ]


def shopify_broken_note(o: ShopifyOrder) -> list[Step]:
    note = BROKEN[o.locale]
    return [
        ("orders/create", o.order(0)),
        ("orders/updated", o.shipped(20, "delivered")),
        (
            "returns/request",
            o.returned(
                SHOPIFY_RETURN, return_reason="other", return_reason_note=note, customer_note=None
            ),
        ),
    ]


def shopify_size_return(o: ShopifyOrder) -> list[Step]:
    return [
        ("orders/create", o.order(0)),
        ("orders/updated", o.shipped(20, "delivered")),
        ("returns/request", o.returned(SHOPIFY_SIZE_RETURN)),
        ("returns/decline", o.return_moved("declined")),
    ]


def shopify_colour_return(o: ShopifyOrder) -> list[Step]:
    definition = {
        "id": "gid://shopify/ReturnReasonDefinition/31",
        "handle": "color-too-bright",
        "name": "Color too bright",
        "deleted": False,
    }
    return [
        ("orders/create", o.order(0)),
        ("orders/updated", o.shipped(20, "delivered")),
        (
            "returns/request",
            o.returned(SHOPIFY_DEFINED_RETURN, return_reason_definition=definition),
        ),
    ]


def shopify_cancelled(o: ShopifyOrder) -> list[Step]:
    cancelled = {"cancelled_at": iso(o.at(30)), "cancel_reason": "customer"}
    return [
        ("orders/create", o.order(0, paid=False)),
        ("orders/cancelled", o.order(30, paid=False, **cancelled)),
    ]


# --- WooCommerce ----------------------------------------------------------------------


class WooOrder:
    """One WooCommerce order's ids and times, and the payloads its deliveries carry."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.id = 200_000 + number
        self.placed = START + timedelta(minutes=number, seconds=30)
        self.locale = LOCALES[number % len(LOCALES)]

    def order(
        self, hours: float, status: str = "processing", paid: bool = True, meta: list | None = None
    ) -> dict[str, Any]:
        modified = self.placed + timedelta(hours=hours)
        return WOO_ORDER | {
            "id": self.id,
            "number": str(self.id),
            "order_key": f"wc_order_bench{self.id}",
            "status": status,
            "date_created": gmt(self.placed),
            "date_created_gmt": gmt(self.placed),
            "date_modified": gmt(modified),
            "date_modified_gmt": gmt(modified),
            "date_paid": gmt(self.placed) if paid else None,
            "date_paid_gmt": gmt(self.placed) if paid else None,
            "billing": WOO_ORDER["billing"] | {"email": f"cliente.woo{self.number}@example.es"},
            "meta_data": [{"id": 1, "key": "wpml_language", "value": self.locale}, *(meta or [])],
        }

    def tracked(self, hours: float, status: str = "processing") -> dict[str, Any]:
        tracking = {
            "tracking_provider": "correos",
            "custom_tracking_provider": "",
            "custom_tracking_link": "",
            "tracking_number": f"PQ4B7E{self.number:08d}",
            "date_shipped": str(int((self.placed + timedelta(hours=20)).timestamp())),
            "tracking_id": f"{self.number:x}",
        }
        meta = [{"id": 2, "key": "_wc_shipment_tracking_items", "value": [tracking]}]
        return self.order(hours, status, meta=meta)

    def return_requested(self, hours: float, reason: str) -> dict[str, Any]:
        request = {
            str(int((self.placed + timedelta(hours=hours)).timestamp())): {
                "products": [{"item_id": 1, "product_id": 10, "qty": 1, "price": 12.5}],
                "subject": "Devolución",
                "reason": reason,
                "status": "pending",
            }
        }
        meta = [{"id": 3, "key": "wps_rma_return_product", "value": request}]
        return self.order(hours, "return-requested", meta=meta)


def woo_completed(o: WooOrder) -> list[Step]:
    return [
        ("order.created", o.order(0)),
        ("order.updated", o.tracked(20)),
        ("order.updated", o.tracked(60, "completed")),
    ]


def woo_refund_broken(o: WooOrder) -> list[Step]:
    refunded = o.tracked(80) | {
        "refunds": [{"id": 300_000 + o.number, "reason": "Llegó roto", "total": "-12.50"}]
    }
    return [
        ("order.created", o.order(0)),
        ("order.updated", refunded),
        ("action.woocommerce_order_refunded", WOO_REFUNDED_ACTION | {"arg": o.id}),
    ]


def woo_return_broken(o: WooOrder) -> list[Step]:
    return [
        ("order.created", o.order(0)),
        ("order.updated", o.return_requested(90, "Llegó rota, el asa está partida")),
    ]


def woo_return_size(o: WooOrder) -> list[Step]:
    return [
        ("order.created", o.order(0)),
        ("order.updated", o.return_requested(90, "Talla demasiado pequeña")),
    ]


def woo_trashed(o: WooOrder) -> list[Step]:
    return [
        ("order.created", o.order(0, "pending", paid=False)),
        ("order.deleted", {"id": o.id}),
    ]


# --- the mix ----------------------------------------------------------------------------

Story = tuple[str, str, Callable[[Any], list[Step]], int]  # name, platform, steps, weight

STORIES: tuple[Story, ...] = (
    ("delivered", "shopify", shopify_delivered, 10),
    ("carrier delay", "shopify", shopify_carrier_delay, 2),
    ("failed at the door", "shopify", shopify_failed_at_door, 1),
    ("defective return + refund", "shopify", shopify_defective, 2),
    ('"other" return, broken', "shopify", shopify_broken_note, 1),
    ("size return, declined", "shopify", shopify_size_return, 2),
    ("colour return", "shopify", shopify_colour_return, 1),
    ("unpaid, cancelled", "shopify", shopify_cancelled, 1),
    ("completed", "woocommerce", woo_completed, 6),
    ("refunded, arrived broken", "woocommerce", woo_refund_broken, 1),
    ("RMA return, broken", "woocommerce", woo_return_broken, 1),
    ("RMA return, size", "woocommerce", woo_return_size, 1),
    ("trashed", "woocommerce", woo_trashed, 1),
)
ORDER_CLASSES = {"shopify": ShopifyOrder, "woocommerce": WooOrder}


def _cycle() -> list[Story]:
    """Return one round of the stories, each story's orders spread evenly over it."""
    placed = [
        ((k + 0.5) / story[3], n, story) for n, story in enumerate(STORIES) for k in range(story[3])
    ]
    return [story for _, _, story in sorted(placed, key=lambda entry: entry[:2])]


def _orders() -> Iterator[tuple[str, str, list[Step]]]:
    """Yield (story, platform, steps) for one order after another, round after round."""
    numbers: Counter[str] = Counter()
    for name, platform, steps, _ in itertools.cycle(_cycle()):
        number = numbers[platform]
        numbers[platform] += 1
        yield name, platform, steps(ORDER_CLASSES[platform](number))


def plan(count: int) -> list[Planned]:
    """Return `count` deliveries of the mix, interleaved across WINDOW orders at a time."""
    planned: list[Planned] = []
    orders = _orders()
    while len(planned) < count:
        window = list(itertools.islice(orders, WINDOW))
        for step in range(max(len(steps) for _, _, steps in window)):
            for name, platform, steps in window:
                if step < len(steps):
                    topic, payload = steps[step]
                    planned.append(Planned(platform, topic, orjson.dumps(payload), name))
    return planned[:count]


def describe(planned: list[Planned]) -> dict[str, Any]:
    """Count the deliveries by platform and topic, and the orders by story."""
    topics = Counter(f"{p.platform} {p.topic}" for p in planned)
    return {
        "deliveries": len(planned),
        "by_topic": dict(sorted(topics.items())),
        "mean_body_bytes": round(sum(len(p.body) for p in planned) / max(1, len(planned))),
    }
