"""/wp-json/wc/v3/webhooks: register, list, read, update and delete webhooks.

Creating answers 201 after the ping was attempted (its result does not
matter); the answer is prepared before the ping, so `date_modified` is null.
"""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import Blueprint, Response

from sandboxes.woocommerce.context import (
    base_url,
    created,
    current_store,
    listing,
    require_user,
    respond,
    store_path,
)
from sandboxes.woocommerce.models import Webhook
from sandboxes.woocommerce.params import collection_schema, request_params, validate
from sandboxes.woocommerce.rest import found, wp_error
from sandboxes.woocommerce.serializers import webhook_json
from sandboxes.woocommerce.store import SandboxStore
from sandboxes.woocommerce.webhooks import (
    STATUSES,
    check_delivery_url,
    check_topic,
    create_webhook,
    update_webhook,
)

bp = Blueprint("sandbox_webhooks", __name__, url_prefix="/wp-json/wc/v3")
LIST_SCHEMA = collection_schema(
    ["date", "id", "title"],
    status={"type": "string", "enum": ["all", *STATUSES], "default": "all"},
)
WRITE_SCHEMA: dict[str, dict[str, Any]] = {
    "name": {"type": "string"},
    "status": {"type": "string", "enum": STATUSES},
    "topic": {"type": "string"},
    "delivery_url": {"type": "string"},
    "secret": {"type": "string"},
}


@bp.get("/webhooks")
def list_webhooks() -> Response:
    """List webhooks, filtered by status; TotalPages is 1 when per_page is 1 (as WooCommerce)."""
    store = current_store()
    args = validate(request_params(), LIST_SCHEMA)
    require_user("list")
    with store.lock:
        found = _filtered(store, args)
        per_page = args["per_page"]
        offset = args.get("offset") or (args["page"] - 1) * per_page
        payload = [webhook_json(store, w, base_url()) for w in found[offset : offset + per_page]]
    pages = ceil(len(found) / per_page) if per_page > 1 else 1
    return listing(
        payload,
        route="webhooks",
        total=len(found),
        page=offset // per_page + 1,
        per_page=per_page,
        max_pages=pages,
    )


def _filtered(store: SandboxStore, args: dict[str, Any]) -> list[Webhook]:
    webhooks = list(store.webhooks.values())
    if args["status"] != "all":
        webhooks = [webhook for webhook in webhooks if webhook.status == args["status"]]
    if args.get("search"):
        webhooks = [w for w in webhooks if args["search"].lower() in w.name.lower()]
    if args["include"]:
        webhooks = [webhook for webhook in webhooks if webhook.id in args["include"]]
    webhooks = [webhook for webhook in webhooks if webhook.id not in args["exclude"]]
    sign = -1 if args["order"] == "desc" else 1
    if args["orderby"] == "id":
        return sorted(webhooks, key=lambda webhook: sign * webhook.id)
    if args["orderby"] == "title":
        return sorted(webhooks, key=lambda webhook: webhook.name, reverse=sign < 0)
    return sorted(webhooks, key=lambda webhook: (sign * webhook.created.timestamp(), webhook.id))


@bp.post("/webhooks")
def create() -> Response:
    """Register a webhook: always active, then pinged."""
    store = current_store()
    args = validate(request_params(), WRITE_SCHEMA, required=("topic", "delivery_url"))
    require_user("create")
    check_topic(args["topic"], "Webhook topic is required and must be valid.")
    check_delivery_url(args["delivery_url"])
    with store.lock:
        webhook = create_webhook(store, args)
        payload = webhook_json(store, webhook, base_url())
    store.deliverer.ping(webhook.id)
    return created(payload, store_path(f"webhooks/{webhook.id}"))


def _webhook(store: SandboxStore, webhook_id: int, status: int = 400) -> Webhook:
    message = "ID is invalid." if status == 400 else "Invalid ID."
    return found(
        store.webhooks, webhook_id, "woocommerce_rest_shop_webhook_invalid_id", status, message
    )


@bp.get("/webhooks/<int:webhook_id>")
def read(webhook_id: int) -> Response:
    """Return one webhook (an unknown id is a 400, as WooCommerce answers)."""
    store = current_store()
    require_user("view")
    with store.lock:
        return respond(webhook_json(store, _webhook(store, webhook_id), base_url()))


@bp.route("/webhooks/<int:webhook_id>", methods=["POST", "PUT", "PATCH"])
def update(webhook_id: int) -> Response:
    """Change status, delivery URL, secret, topic or name; ping when the save calls for it."""
    store = current_store()
    args = validate(request_params(), WRITE_SCHEMA)
    require_user("edit")
    with store.lock:
        must_ping = update_webhook(store, _webhook(store, webhook_id), args)
    if must_ping:
        store.deliverer.ping(webhook_id)
    with store.lock:
        return respond(webhook_json(store, _webhook(store, webhook_id), base_url()))


@bp.delete("/webhooks/<int:webhook_id>")
def delete(webhook_id: int) -> Response:
    """Delete a webhook; it cannot be trashed, so force=true is required."""
    store = current_store()
    args = validate(request_params(), {"force": {"type": "boolean", "default": False}})
    require_user("delete")
    if not args["force"]:
        raise wp_error(
            "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing.", 501
        )
    with store.lock:
        webhook = _webhook(store, webhook_id, status=404)
        payload = webhook_json(store, webhook, base_url())
        del store.webhooks[webhook.id]
    return respond(payload)
