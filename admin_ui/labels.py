"""Words for the domain's names (kinds, statuses, timeline entries), in the panel's language.

The English words are marked with `N_` for `pybabel extract -k N_` and translated only
when shown: a page of fifty rows translates fifty words, not the whole table each time.
"""

from __future__ import annotations

from admin_ui.i18n import gettext


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name)
    """Mark `message` for translation where it is shown, not here."""
    return message


KINDS = {
    "delayed_shipment": N_("Delayed shipment"),
    "delivery_exception": N_("Delivery problem"),
    "defective_item": N_("Defective item"),
    "wrong_item": N_("Wrong item"),
    "not_as_described": N_("Not as described"),
    "manual": N_("Opened by staff"),
}
STATUSES = {
    "open": N_("Open"),
    "acknowledged": N_("Acknowledged"),
    "in_progress": N_("In progress"),
    "awaiting_customer": N_("Awaiting customer"),
    "resolved": N_("Resolved"),
    "closed": N_("Closed"),
}
# Polaris badge tones: what needs attention stands out.
TONES = {
    "open": "critical",
    "acknowledged": "warning",
    "in_progress": "info",
    "awaiting_customer": "info",
    "resolved": "success",
    "closed": "neutral",
}
# The canonical return reasons (plugin/returns), as a merchant names them.
REASONS = {
    "defective": N_("Defective"),
    "damaged_in_transit": N_("Damaged in transit"),
    "wrong_item": N_("Wrong item sent"),
    "not_as_described": N_("Not as described"),
    "size_too_small": N_("Too small"),
    "size_too_large": N_("Too large"),
    "colour": N_("Colour"),
    "style": N_("Style"),
    "unwanted": N_("No longer wanted"),
    "other": N_("Other reason"),
    "unknown": N_("Reason not given"),
}
PLATFORMS = {"shopify": "Shopify", "woocommerce": "WooCommerce"}
ENTRIES = {
    "incident_opened": N_("Incident opened"),
    "status_changed": N_("Status changed"),
    "reopened": N_("Reopened"),
    "note_added": N_("Note"),
    "customer_message": N_("Message from the customer"),
    "signal_attached": N_("New signal"),
    "return_approved": N_("Return approved"),
    "return_declined": N_("Return declined"),
    "return_closed": N_("Return closed"),
    "return_canceled": N_("Return canceled"),
    "refund_recorded": N_("Refund recorded"),
    "message_queued": N_("Message queued"),
    "message_sent": N_("Message sent"),
    "message_failed": N_("Message failed"),
    "message_skipped": N_("Message skipped"),
    "compensation_decided": N_("Compensation decided"),
    "compensation_offered": N_("Compensation offered"),
    "compensation_chosen": N_("Compensation chosen"),
    "compensation_approved": N_("Compensation approved"),
    "compensation_denied": N_("Compensation denied"),
    "compensation_issued": N_("Compensation issued"),
    "compensation_failed": N_("Compensation failed"),
    "sla_breached": N_("Response time exceeded"),
    "customer_data_redacted": N_("Customer data erased"),
}

COMPENSATION_KINDS = {
    "shipping_refund": N_("Shipping refund"),
    "percent_coupon": N_("Percentage discount code"),
    "fixed_coupon": N_("Discount code"),
    "free_shipping": N_("Free-shipping code"),
    "gift": N_("Gift"),
}
COMPENSATION_STATUSES = {
    "pending_approval": N_("Waiting for approval"),
    "offered": N_("Offered to the customer"),
    "queued": N_("Being issued"),
    "issued": N_("Issued"),
    "failed": N_("Failed"),
    "denied": N_("Denied"),
    "withdrawn": N_("Withdrawn"),
    "not_chosen": N_("Not chosen"),
    "given_by_staff": N_("Given by staff"),
}


def _word(names: dict[str, str], value: str | None) -> str:
    if value is None:
        return ""
    return gettext(names[value]) if value in names else value


def kind_label(value: str | None) -> str:
    """Return an incident kind in words."""
    return _word(KINDS, value)


def status_label(value: str | None) -> str:
    """Return an incident status in words."""
    return _word(STATUSES, value)


def entry_label(value: str | None) -> str:
    """Return a timeline entry's type in words."""
    return _word(ENTRIES, value)


def compensation_label(value: str | None) -> str:
    """Return a compensation kind in words."""
    return _word(COMPENSATION_KINDS, value)


def compensation_status_label(value: str | None) -> str:
    """Return a compensation status in words."""
    return _word(COMPENSATION_STATUSES, value)


def reason_label(value: str | None) -> str:
    """Return a canonical return reason in words."""
    return _word(REASONS, value)


def platform_label(value: str | None) -> str:
    """Return a platform's own name."""
    return PLATFORMS.get(value or "", value or "")


def status_tone(value: str | None) -> str:
    """Return the badge tone of a status."""
    return TONES.get(value or "", "neutral")


GLOBALS = {
    "kind_label": kind_label,
    "status_label": status_label,
    "entry_label": entry_label,
    "compensation_label": compensation_label,
    "compensation_status_label": compensation_status_label,
    "platform_label": platform_label,
    "reason_label": reason_label,
    "status_tone": status_tone,
}
