"""WordPress REST answers: its error shape, JSON bodies and collection headers.

Every error is `{"code", "message", "data"}`. `data` is usually an object with
the HTTP status, but some WooCommerce errors (refunds) put a bare integer there,
and WordPress then answers HTTP 500 whatever the integer says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from math import ceil
from typing import Any, TypeVar
from urllib.parse import quote_plus

from flask import Response, has_request_context, request

from sandboxes.woocommerce.phpjson import php_json

T = TypeVar("T")

JSON_TYPE = "application/json; charset=UTF-8"


class WordPressResponse(Response):
    """A response whose Location goes out exactly as set.

    Werkzeug would percent-encode it, but WooCommerce's refund Location keeps
    the route's regex verbatim (OBSERVED), and clients see it that way.
    """

    def get_wsgi_headers(self, environ: Any) -> Any:
        """Return the headers to send, with the raw Location."""
        headers = super().get_wsgi_headers(environ)
        raw = self.headers.get("Location")
        if raw is not None:
            headers["Location"] = raw
        return headers


class RestError(Exception):
    """A WP_Error on its way to becoming the response."""

    def __init__(self, code: str, message: str, data: Any, http_status: int) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.data = data
        self.http_status = http_status

    def body(self) -> dict[str, Any]:
        """Return the JSON body WordPress sends for this error."""
        return {"code": self.code, "message": self.message, "data": self.data}


def wp_error(code: str, message: str, status: int, **extra: Any) -> RestError:
    """Build the usual error: `data` is `{"status": N, ...}` and N is the HTTP status."""
    return RestError(code, message, {"status": status, **extra}, status)


def found(
    items: Mapping[int, T], item_id: int, code: str, status: int = 404, message: str = "Invalid ID."
) -> T:
    """Return `items[item_id]`, or raise the invalid-id error WooCommerce gives for it."""
    item = items.get(item_id)
    if item is None:
        raise wp_error(code, message, status)
    return item


def bare_error(code: str, message: str, data: int) -> RestError:
    """Build an error whose `data` is a bare integer: WordPress answers it with HTTP 500."""
    return RestError(code, message, data, 500)


def json_response(
    payload: Any, status: int = 200, headers: Iterable[tuple[str, str]] = ()
) -> Response:
    """Answer `payload` as WordPress would encode it."""
    response = WordPressResponse(php_json(payload), status=status, content_type=JSON_TYPE)
    for name, value in headers:
        response.headers.add(name, value)
    return response


def error_response(error: RestError) -> Response:
    """Answer a RestError."""
    return json_response(error.body(), error.http_status)


def page_of(items: list[Any], page: int, per_page: int, offset: int | None = None) -> list[Any]:
    """Return the slice of `items` a page (or an explicit offset) asks for."""
    start = offset if offset is not None else (page - 1) * per_page
    return items[start : start + per_page]


def collection_response(
    payload: list[Any],
    *,
    total: int,
    page: int,
    per_page: int,
    base_url: str,
    query: Mapping[str, Any],
    max_pages: int | None = None,
) -> Response:
    """Answer a list with X-WP-Total, X-WP-TotalPages and the prev/next Link header.

    The Link URLs repeat the request's query (OAuth parameters included, as
    WordPress does) with `page` changed.
    """
    pages = max_pages if max_pages is not None else ceil(total / per_page) if per_page else 0
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(pages))]
    links = []
    if page > 1:
        links.append(f'<{_with_page(base_url, query, min(page - 1, pages))}>; rel="prev"')
    if pages > page:
        links.append(f'<{_with_page(base_url, query, page + 1)}>; rel="next"')
    if links:
        headers.append(("Link", ", ".join(links)))
    return json_response(payload, headers=headers)


def _with_page(base_url: str, query: Mapping[str, Any], page: int) -> str:
    params = dict(query)
    params["page"] = str(page)
    return f"{base_url}?{build_query(params)}"


def build_query(params: Mapping[str, Any], prefix: str = "") -> str:
    """Encode `params` like PHP's http_build_query (arrays as key[0]=...)."""
    parts = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, Mapping):
            parts.append(build_query(value, name))
        elif isinstance(value, list):
            parts.append(build_query(dict(enumerate(value)), name))
        else:
            parts.append(f"{quote_plus(name)}={quote_plus(_php_string(value))}")
    return "&".join(part for part in parts if part)


def _php_string(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def site_url(store_url: str) -> str:
    """Return the store URL with the scheme of the current request (WordPress's is_ssl())."""
    if has_request_context() and request.scheme == "https" and store_url.startswith("http://"):
        return "https://" + store_url[len("http://") :]
    return store_url
