"""GET /wp-json/: WordPress's REST index (WP_REST_Server::get_index), as anyone sees it.

Site data, the namespaces and routes this store serves, and the help link. Over
plain http on a production site application passwords are unavailable, so
`authentication` is empty; a visitor who cannot switch themes gets no theme link.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app

from sandboxes.woocommerce.consts import NAMESPACE, REST_PREFIX
from sandboxes.woocommerce.context import base_url, current_store, respond

bp = Blueprint("sandbox_index", __name__)

SITE_NAME = "Sandbox store"
HELP = "https://developer.wordpress.org/rest-api/"
METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


@bp.get(f"{REST_PREFIX}/", strict_slashes=False)
def index() -> Response:
    """Describe the site and its REST API."""
    store = current_store()
    site = base_url()
    hours = store.clock.utc_offset.total_seconds() / 3600
    return respond(
        {
            "name": SITE_NAME,
            "description": "",
            "url": site,
            "home": site,
            "gmt_offset": f"{hours:g}",
            "timezone_string": "",
            "page_for_posts": 0,
            "page_on_front": 0,
            "show_on_front": "posts",
            "namespaces": [NAMESPACE],
            "authentication": [],
            "routes": _routes(site),
            "site_logo": 0,
            "site_icon": 0,
            "site_icon_url": "",
            "_links": {"help": [{"href": HELP}]},
        },
        headers=[("Allow", "GET")],  # the index is open to anyone: rest_send_allow_header
    )


def _routes(site: str) -> dict[str, Any]:
    """Describe each route of the namespace as register_rest_route() patterns."""
    prefix = f"{REST_PREFIX}/{NAMESPACE}"
    routes: dict[str, Any] = {
        "/": {
            "namespace": "",
            "methods": ["GET"],
            "endpoints": [
                {"methods": ["GET"], "args": {"context": {"default": "view", "required": False}}}
            ],
            "_links": {"self": [{"href": f"{site}{REST_PREFIX}/"}]},
        }
    }
    for rule in sorted(current_app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(prefix):
            continue
        pattern = _PARAM.sub(_group, rule.rule[len(REST_PREFIX) :])
        methods = [m for m in METHOD_ORDER if m in (rule.methods or ())]
        route = routes.setdefault(pattern, {"namespace": NAMESPACE, "methods": [], "endpoints": []})
        route["methods"] += [m for m in methods if m not in route["methods"]]
        route["endpoints"].append({"methods": methods, "args": {}})
        if "(?P<" not in pattern:
            route["_links"] = {"self": [{"href": f"{site}{REST_PREFIX}{pattern}"}]}
    return routes


def _group(match: re.Match[str]) -> str:
    converter, name = match.groups()
    return f"(?P<{name}>[\\d]+)" if converter == "int" else f"(?P<{name}>[^/]+)"
