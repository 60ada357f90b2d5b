"""Incidents: their lifecycle, their timeline and the detectors that open them."""

KINDS = frozenset(
    {
        "delayed_shipment",
        "delivery_exception",
        "defective_item",
        "wrong_item",
        "not_as_described",
        "manual",
        "quality",
    }
)
# Kinds about the shop's products, not one customer's order: the merchant hears of
# them, no customer does (a `quality` incident is a defect spike of one SKU).
MERCHANT_KINDS = frozenset({"quality"})
CUSTOMER_KINDS = KINDS - MERCHANT_KINDS
# The lifecycle's statuses; plugin.incidents.states says which moves join them.
STATUSES = frozenset(
    {"open", "acknowledged", "in_progress", "awaiting_customer", "resolved", "closed"}
)

# What a timeline entry can say. A closed set, so that the panel, the reports and the
# customer's page can show every entry, and a typo fails where it is written.
TIMELINE_TYPES = frozenset(
    {
        "incident_opened",
        "status_changed",
        "reopened",
        "note_added",
        "customer_message",
        "signal_attached",
        "return_approved",
        "return_declined",
        "return_closed",
        "return_canceled",
        "refund_recorded",
        "message_queued",
        "message_sent",
        "message_failed",
        "message_skipped",
        "compensation_decided",
        "compensation_offered",
        "compensation_chosen",
        "compensation_approved",
        "compensation_denied",
        "compensation_issued",
        "compensation_failed",
        "sla_breached",
        "customer_data_redacted",
    }
)
# Who moved an incident: the product itself, the store platform, the customer (from
# their page), or staff ("staff" alone, or "staff:<who>").
ACTORS = frozenset({"system", "platform", "customer", "staff"})
