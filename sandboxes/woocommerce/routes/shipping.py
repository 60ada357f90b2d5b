"""/wp-json/wc/v3/shipping/zones[/<id>/methods]: read-only, as WooCommerce renders them.

Only what a merchant's tooling reads to see whether a free-shipping coupon can
work: the zones and each zone's methods with their settings (the `requires`
setting of `free_shipping` decides whether a coupon unlocks it).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from sandboxes.woocommerce.context import base_url, current_store, require_user, respond
from sandboxes.woocommerce.rest import wp_error
from sandboxes.woocommerce.serializers import ALL_METHODS

bp = Blueprint("sandbox_shipping", __name__, url_prefix="/wp-json/wc/v3")

REQUIRES_OPTIONS = {
    "": "N/A",
    "coupon": "A valid free shipping coupon",
    "min_amount": "A minimum order amount",
    "either": "A minimum order amount OR a coupon",
    "both": "A minimum order amount AND a coupon",
}


def _api() -> str:
    return f"{base_url()}/wp-json/wc/v3"


def _zone_json(zone: dict[str, Any]) -> dict[str, Any]:
    href = f"{_api()}/shipping/zones/{zone['id']}"
    return {
        "id": zone["id"],
        "name": zone["name"],
        "order": zone["order"],
        "_links": {
            "self": [{"href": href, "targetHints": {"allow": ALL_METHODS}}],
            "collection": [{"href": f"{_api()}/shipping/zones"}],
            "describedby": [{"href": f"{href}/locations"}],
        },
    }


def _method_json(zone_id: int, method: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "title": {"id": "title", "label": "Name", "type": "text", "value": method["title"]},
    }
    if method["method_id"] == "free_shipping":
        settings["requires"] = {
            "id": "requires",
            "label": "Free shipping requires...",
            "description": "",
            "type": "select",
            "value": method.get("requires", ""),
            "default": "",
            "tip": "",
            "placeholder": "",
            "options": REQUIRES_OPTIONS,
        }
    href = f"{_api()}/shipping/zones/{zone_id}/methods/{method['instance_id']}"
    return {
        "id": method["instance_id"],
        "instance_id": method["instance_id"],
        "title": method["title"],
        "order": method["order"],
        "enabled": method.get("enabled", True),
        "method_id": method["method_id"],
        "method_title": method["method_title"],
        "method_description": "",
        "settings": settings,
        "_links": {
            "self": [{"href": href, "targetHints": {"allow": ALL_METHODS}}],
            "describes": [{"href": f"{_api()}/shipping/zones/{zone_id}"}],
        },
    }


@bp.get("/shipping/zones")
def list_zones() -> Response:
    """List the shipping zones, "Locations not covered by your other zones" (id 0) first.

    get_items() puts zone 0 in front of the zones ordered by their `order` (OBSERVED).
    """
    require_user("list")
    zones = current_store().shipping_zones
    rest = [zone for zone in zones if zone["id"] == 0]
    others = sorted((z for z in zones if z["id"] != 0), key=lambda z: (z["order"], z["id"]))
    return respond([_zone_json(zone) for zone in [*rest, *others]])


@bp.get("/shipping/zones/<int:zone_id>/methods")
def list_methods(zone_id: int) -> Response:
    """List a zone's shipping methods with their settings."""
    require_user("list")
    zone = next((z for z in current_store().shipping_zones if z["id"] == zone_id), None)
    if zone is None:
        raise wp_error("woocommerce_rest_shipping_zone_invalid", "Resource does not exist.", 404)
    return respond([_method_json(zone_id, method) for method in zone["methods"]])
