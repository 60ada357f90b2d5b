"""What the customer does from their incident's page: write to the shop.

A message lands on the timeline as the customer's and takes the incident up again:
to `in_progress` from any status that may move there (a resolved or closed one is
reopened), and where it may not (another incident of the same kind is open for the
order) the message is kept all the same.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from plugin.errors import InvalidInput
from plugin.incidents.states import IN_PROGRESS, MOVES, InvalidTransition, move
from plugin.incidents.timeline import add_timeline
from plugin.storage.models import Incident

CUSTOMER = "customer"
MAX_MESSAGE_LENGTH = 4000
log = logging.getLogger("amends.incidents")


def customer_message(session: Session, incident: Incident, text: str) -> None:
    """Keep the customer's message on the timeline and take the incident up."""
    text = text.strip()
    if not text:
        raise InvalidInput("a message needs some text")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise InvalidInput(f"a message holds at most {MAX_MESSAGE_LENGTH} characters")
    add_timeline(session, incident.id, "customer_message", {"text": text}, actor=CUSTOMER)
    if IN_PROGRESS not in MOVES[incident.status]:
        return
    try:  # refused before anything is written: the message stays
        move(session, incident, IN_PROGRESS, actor=CUSTOMER, reason="the customer wrote")
    except InvalidTransition as refusal:
        log.info(
            "incidents.customer-message-kept", extra={"incident": incident.id, "why": str(refusal)}
        )
