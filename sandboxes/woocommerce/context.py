"""What every sandbox view needs: the store, the caller, and WordPress-shaped answers."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, request

from sandboxes.woocommerce.auth import refuse
from sandboxes.woocommerce.params import php_query
from sandboxes.woocommerce.rest import collection_response, json_response, site_url
from sandboxes.woocommerce.serializers import rest_url
from sandboxes.woocommerce.store import SandboxStore

EXTENSION = "woocommerce_sandbox"


def current_store() -> SandboxStore:
    """Return the store of the running app."""
    return current_app.extensions[EXTENSION]


def base_url() -> str:
    """Return the site URL as this request sees it (scheme follows the request)."""
    return site_url(current_store().url)


def authenticated() -> bool:
    """Tell whether the request runs as a user (an API key authenticated it)."""
    return g.get("api_key") is not None


def require_user(kind: str) -> None:
    """Refuse a request that runs as nobody, as the route's permission check does."""
    if not authenticated():
        raise refuse(kind)


def respond(
    payload: Any, status: int = 200, headers: list[tuple[str, str]] | None = None
) -> Response:
    """Answer `payload`, trimmed to `_fields` when the request asks for it."""
    return json_response(_trim(payload), status, headers or [])


def created(payload: Any, location: str) -> Response:
    """Answer 201 with the Location of the new resource."""
    return respond(payload, 201, [("Location", location)])


def listing(
    payload: list[Any],
    *,
    route: str,
    total: int,
    page: int,
    per_page: int,
    extra_query: dict[str, Any] | None = None,
    max_pages: int | None = None,
) -> Response:
    """Answer a page of a collection with WordPress's pagination headers."""
    query = php_query(request.query_string.decode("latin-1"))
    for name, value in (extra_query or {}).items():
        query[name] = value
    return collection_response(
        [_trim(item) for item in payload],
        total=total,
        page=page,
        per_page=per_page,
        base_url=rest_url(base_url(), route),
        query=query,
        max_pages=max_pages,
    )


def _trim(payload: Any) -> Any:
    """Keep only the `_fields` asked for (top level and dotted paths), as WordPress does."""
    wanted = request.args.get("_fields")
    if not wanted or not isinstance(payload, dict):
        return payload
    paths = [field.strip().split(".") for field in wanted.split(",") if field.strip()]
    return _pick(payload, paths)


def _pick(data: dict[str, Any], paths: list[list[str]]) -> dict[str, Any]:
    picked: dict[str, Any] = {}
    for key, value in data.items():
        nested = [path[1:] for path in paths if path[0] == key]
        if not nested:
            continue
        if any(not rest for rest in nested) or not isinstance(value, dict):
            picked[key] = value
        else:
            picked[key] = _pick(value, nested)
    return picked


def store_path(path: str) -> str:
    """Return the absolute wc/v3 URL of `path` for this request."""
    return rest_url(base_url(), path)
