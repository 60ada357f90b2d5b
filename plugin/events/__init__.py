"""The canonical event model: what every connector turns platform payloads into."""

from plugin.events.model import (
    CANONICAL_REASONS,
    Event,
    LineItem,
    OrderChanged,
    RefundRecorded,
    ReturnLine,
    ReturnRequested,
    Shipment,
)

__all__ = [
    "CANONICAL_REASONS",
    "Event",
    "LineItem",
    "OrderChanged",
    "RefundRecorded",
    "ReturnLine",
    "ReturnRequested",
    "Shipment",
]
