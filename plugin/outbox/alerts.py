"""The merchant's alerts from the outbox: the same mail server as the customers' messages.

The row holds the facts of the breach (which target, when the incident opened, what
became of its acknowledgement); the words are written when it is sent, in the
language and under the shop's name the row and the shop's settings give.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from plugin.incidents.timeline import add_timeline
from plugin.messaging import build_message
from plugin.messaging.alerts import SlaAlert, render_alert
from plugin.messaging.merchant import merchant_message
from plugin.messaging.render import RenderedMessage
from plugin.messaging.smtp import SmtpSender
from plugin.messaging.spikes import ReturnBehind, SpikeAlert, render_spike_alert
from plugin.messaging.voice import ShopVoice
from plugin.outbox import DEFECT_SPIKE, MERCHANT_EMAIL
from plugin.outbox.email import EmailCourier
from plugin.outbox.runner import Claim, Receipt
from plugin.storage.models import OutboxEntry

SENDER_NAME = "Amends"  # the alert comes from Amends, about the shop named in its subject
PANEL_CASE = "/admin/incidents/{}"  # the panel's page of a case (admin_ui.pages)


class MerchantAlertCourier(EmailCourier):
    """Send the outbox's alerts to merchants through the customers' SMTP server."""

    def __init__(
        self,
        sender: SmtpSender,
        from_address: str,
        now: Callable[[], datetime],
        panel_url: str | None = None,
    ) -> None:
        """Send as EmailCourier does; with `panel_url` (AMENDS_PUBLIC_URL), link each case."""
        super().__init__(sender, from_address, now)
        self.panel_url = panel_url.rstrip("/") if panel_url else None

    def compose(self, claim: Claim) -> EmailMessage:
        """Write the alert the row describes, in the shop's language."""
        payload = claim.payload
        if payload.get("alert") == DEFECT_SPIKE:
            if "text" in payload:  # queued before alerts were written in the shop's language
                return self._send(claim, merchant_message(payload["subject"], payload["text"]))
            return self._send(claim, render_spike_alert(self._spike(claim), payload["locale"]))
        zone = ZoneInfo(payload["timezone"])
        acknowledged = payload.get("acknowledged_at")
        alert = SlaAlert(
            breach=payload["breach"],
            shop_name=ShopVoice.of(claim.shop_domain, claim.shop_settings).name,
            order_name=payload["order_name"],
            incident_id=payload["incident_id"],
            incident_kind=payload["incident_kind"],
            opened_at=datetime.fromisoformat(payload["opened_at"]).astimezone(zone),
            target_hours=payload.get("target_hours"),
            target_days=payload.get("target_days"),
            acknowledgement=payload.get("acknowledgement"),
            acknowledged_at=datetime.fromisoformat(acknowledged).astimezone(zone)
            if acknowledged
            else None,
            panel_url=self.case_url(payload["incident_id"]),
        )
        return self._send(claim, render_alert(alert, payload["locale"]))

    def case_url(self, incident_id: int) -> str | None:
        """Return the case's page in the panel (`/admin/incidents/ID`), if Amends has an address."""
        return f"{self.panel_url}{PANEL_CASE.format(incident_id)}" if self.panel_url else None

    def _spike(self, claim: Claim) -> SpikeAlert:
        payload = claim.payload
        spike, zone = payload["spike"], ZoneInfo(payload["timezone"])
        return SpikeAlert(
            shop_name=ShopVoice.of(claim.shop_domain, claim.shop_settings).name,
            product=spike["title"] or spike["sku"] or spike["product_id"],
            sku=spike["sku"],
            reason=spike["reason"],
            recent_returned=spike["recent_returned"],
            recent_sold=spike["recent_sold"],
            baseline_returned=spike["baseline_returned"],
            baseline_sold=spike["baseline_sold"],
            p_value=spike["p_value"],
            threshold=spike["threshold"],
            recent_days=spike["recent_days"],
            baseline_days=spike["baseline_days"],
            incident_id=payload["incident_id"],
            returns=tuple(
                ReturnBehind(
                    order=item["order"],
                    requested_at=datetime.fromisoformat(item["requested_at"]).astimezone(zone),
                    units=item["units"],
                    note=item["note"],
                )
                for item in payload["returns"]
            ),
            more_returns=payload["more_returns"],
            panel_url=self.case_url(payload["incident_id"]),
        )

    def _send(self, claim: Claim, rendered: RenderedMessage) -> EmailMessage:
        return build_message(
            rendered,
            recipient=claim.payload["to"],
            shop_name=SENDER_NAME,
            sender=self.from_address,
            reply_to=None,
            message_key=claim.key,
            sent_at=self.now(),
        )

    def succeeded(self, session: Session, entry: OutboxEntry, receipt: Receipt) -> None:
        """Note on the incident that its merchant was told."""
        if entry.incident_id is not None:
            detail = _detail(entry) | {"message_id": entry.message_id}
            add_timeline(session, entry.incident_id, "message_sent", detail)

    def failed(self, session: Session, entry: OutboxEntry) -> None:
        """Note on the incident that the alert could not be sent, and why."""
        if entry.incident_id is not None:
            detail = _detail(entry) | {"attempts": entry.attempts, "error": entry.last_error}
            add_timeline(session, entry.incident_id, "message_failed", detail)


def _detail(entry: OutboxEntry) -> dict[str, object]:
    return {
        "to": "merchant",
        "breach": entry.payload.get("breach"),
        "alert": entry.payload.get("alert", "sla"),
        "channel": MERCHANT_EMAIL,
        "locale": entry.payload.get("locale"),
        "key": entry.idempotency_key,
    }
