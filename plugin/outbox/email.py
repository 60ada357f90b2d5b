"""Customer e-mail from the outbox: written in the customer's language, sent over SMTP.

The outbox row holds the decision (which message, to whom, in which language, the
date the next update is promised for); the words are written when it is sent,
with the shop's name, address and own wording as they are then. What follows on
the incident is written with the result: the timeline, and the move to
`acknowledged` once the acknowledgement has gone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from email.message import EmailMessage
from typing import Any

from sqlalchemy.orm import Session

from plugin.errors import ConfigurationError
from plugin.incidents.customer import ACKNOWLEDGEMENT
from plugin.incidents.links import IncidentLinks
from plugin.incidents.states import ACKNOWLEDGED, OPEN, move
from plugin.incidents.timeline import add_timeline
from plugin.messaging import (
    GivenCompensation,
    MessageContext,
    SmtpSender,
    build_message,
    render,
)
from plugin.messaging.voice import ShopVoice
from plugin.outbox import EMAIL
from plugin.outbox.runner import Claim, Receipt
from plugin.storage.models import Incident, OutboxEntry


class EmailCourier:
    """Send the outbox's e-mail rows through one SMTP server."""

    def __init__(
        self,
        sender: SmtpSender,
        from_address: str,
        now: Callable[[], datetime],
        links: IncidentLinks | None = None,
    ) -> None:
        """Send through `sender`, from `from_address` (AMENDS_SMTP_SENDER), dated by `now`.

        With `links`, each message carries a fresh link to the incident's page.
        """
        if "@" not in from_address:
            raise ConfigurationError(
                f"AMENDS_SMTP_SENDER must be the e-mail address messages come from, "
                f"got {from_address!r}"
            )
        self.sender = sender
        self.from_address = from_address
        self.now = now
        self.links = links

    def carry_out(self, claim: Claim, done: Callable[[Receipt], None]) -> None:
        """Write the e-mail and send it; say it was done as soon as the server took it."""
        message = self.compose(claim)
        receipt = Receipt(message_id=str(message["Message-ID"]))
        self.sender.send(message, on_accepted=lambda: done(receipt))

    def compose(self, claim: Claim) -> EmailMessage:
        """Write the message the row describes, as the shop signs it today."""
        payload = claim.payload
        voice = ShopVoice.of(claim.shop_domain, claim.shop_settings)
        promised = payload.get("next_update")
        context = MessageContext(
            order_name=payload["order_name"],
            shop_name=voice.name,
            contact_email=voice.contact_email or self.from_address,
            customer_first_name=payload.get("customer_first_name"),
            next_update=date.fromisoformat(promised) if promised else None,
            incident_url=self._link(claim),
            compensation=_given(payload.get("compensation")),
        )
        rendered = render(
            payload["incident_kind"], payload["stage"], payload["locale"], context, voice.overrides
        )
        return build_message(
            rendered,
            recipient=payload["to"],
            shop_name=voice.name,
            sender=self.from_address,
            reply_to=voice.reply_to,
            message_key=claim.key,  # so a second attempt carries the same Message-ID
            sent_at=self.now(),
        )

    def _link(self, claim: Claim) -> str | None:
        if self.links is None or claim.incident_id is None:
            return None
        return self.links.url(claim.shop_id, claim.incident_id)

    def succeeded(self, session: Session, entry: OutboxEntry, receipt: Receipt) -> None:
        """Note the message on the timeline; an acknowledged incident moves on."""
        incident = session.get(Incident, entry.incident_id) if entry.incident_id else None
        if incident is None:
            return
        detail = _detail(entry) | {"message_id": entry.message_id}
        add_timeline(session, incident.id, "message_sent", detail)
        if entry.payload.get("stage") == ACKNOWLEDGEMENT and incident.status == OPEN:
            move(session, incident, ACKNOWLEDGED, actor="system", reason="acknowledgement sent")

    def failed(self, session: Session, entry: OutboxEntry) -> None:
        """Note on the timeline that the message could not be sent, and why."""
        if entry.incident_id is not None:
            detail = _detail(entry) | {"attempts": entry.attempts, "error": entry.last_error}
            add_timeline(session, entry.incident_id, "message_failed", detail)


def _given(told: dict[str, Any] | None) -> GivenCompensation | None:
    """Read what a compensation message tells, as the outbox row keeps it."""
    if not told:
        return None
    until = told.get("valid_until")
    return GivenCompensation(
        kind=told["kind"],
        amount=Decimal(told["amount"]),
        currency=told["currency"],
        percent=Decimal(told["percent"]) if told.get("percent") else None,
        code=told.get("code"),
        valid_until=date.fromisoformat(until) if until else None,
    )


def _detail(entry: OutboxEntry) -> dict[str, object]:
    payload = entry.payload
    return {
        "stage": payload.get("stage"),
        "channel": EMAIL,
        "locale": payload.get("locale"),
        "key": entry.idempotency_key,
    }
