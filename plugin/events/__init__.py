"""The canonical event model: what every connector turns platform payloads into."""

from plugin.events.model import (
    CANONICAL_REASONS,
    SHIPMENT_STATUSES,
    CustomerDataRequested,
    CustomerRedactionRequested,
    Event,
    LineItem,
    OrderChanged,
    OrderTrashed,
    RefundRecorded,
    ReturnLine,
    ReturnRequested,
    ReturnStatusChanged,
    Shipment,
    ShipmentUpdated,
    ShopRedactionRequested,
    ShopUninstalled,
)

__all__ = [
    "CANONICAL_REASONS",
    "SHIPMENT_STATUSES",
    "CustomerDataRequested",
    "CustomerRedactionRequested",
    "Event",
    "LineItem",
    "OrderChanged",
    "OrderTrashed",
    "RefundRecorded",
    "ReturnLine",
    "ReturnRequested",
    "ReturnStatusChanged",
    "Shipment",
    "ShipmentUpdated",
    "ShopRedactionRequested",
    "ShopUninstalled",
]
