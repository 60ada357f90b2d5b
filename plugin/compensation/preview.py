"""Show what a policy would decide for one of the shop's incidents, changing nothing.

The merchant editing a policy picks an incident and sees what the draft would give
it, with the rule and the caps that applied, before saving it. The facts are
gathered as for a real decision (the order, the customer's history, this month's
spend), the decision is made and only shown: no row, no timeline entry, no outbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugin.compensation.decide import decide
from plugin.compensation.gather import gather
from plugin.compensation.policy import Policy
from plugin.incidents.staff import find_incident
from plugin.incidents.views import incident_json
from plugin.scope import ShopScope
from plugin.storage.models import Incident

CHOICES = 50  # the incidents offered to preview with: the newest


def preview(
    session: Session, scope: ShopScope, incident_id: int, policy: Policy, at: datetime
) -> dict[str, Any]:
    """Return what `policy` would decide for the incident at `at`, or why it cannot yet.

    `decision` is None when the incident cannot be decided yet; `waiting` says why.
    """
    incident = find_incident(session, scope, incident_id)
    gathered = gather(session, incident, at, policy=policy)
    shown = incident_json(incident)
    if isinstance(gathered, str):
        return {"incident": shown, "decision": None, "waiting": gathered}
    decision = decide(
        gathered.policy,
        gathered.facts,
        gathered.history,
        gathered.spend_so_far,
        gathered.given,
    )
    decided = decision.to_json() | {"words": [given.words() for given in decision.compensations]}
    return {"incident": shown, "decision": decided, "waiting": None}


def incidents_to_preview(session: Session, scope: ShopScope) -> list[dict[str, Any]]:
    """Return the shop's newest incidents that a policy can be tried on."""
    query = scope.filter(select(Incident), Incident.shop_id).order_by(Incident.id.desc())
    return [incident_json(found) for found in session.scalars(query.limit(CHOICES))]
