"""Incidents: their lifecycle, their timeline and the detectors that open them."""

KINDS = frozenset(
    {
        "delayed_shipment",
        "delivery_exception",
        "defective_item",
        "wrong_item",
        "not_as_described",
        "manual",
    }
)
STATUSES = frozenset({"open", "waiting_customer", "resolved", "closed"})
