"""Request parameters as WordPress reads and validates them.

Query strings are parsed with PHP's rules (`status[]=a`, the last duplicate
wins), JSON bodies win over form bodies over the query, and each endpoint's
arguments are checked against a small schema with WordPress's exact messages
(`rest_invalid_param`, `rest_missing_callback_param`).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from flask import request

from sandboxes.woocommerce.money import is_numeric
from sandboxes.woocommerce.rest import RestError, wp_error

_DATE_TIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|z|[+-]\d{2}(:\d{2})?)?$"
)
TRUE_WORDS = {"true", "1"}
FALSE_WORDS = {"false", "0", ""}


def php_query(query: str) -> dict[str, Any]:
    """Parse a query string into what PHP puts in $_GET."""
    result: dict[str, Any] = {}
    for raw_key, value in parse_qsl(query, keep_blank_values=True):
        base, _, rest = raw_key.partition("[")
        base = base.replace(".", "_").replace(" ", "_")
        if not rest:
            result[base] = value
            continue
        subkeys = re.findall(r"([^\]]*)\]", "[" + rest)
        target = result.setdefault(base, {})
        if not isinstance(target, dict):
            target = result[base] = {}
        for position, subkey in enumerate(subkeys):
            last = position == len(subkeys) - 1
            key = subkey if subkey else str(len(target))
            if last:
                target[key] = value
            else:
                target = target.setdefault(key, {})
    return {key: _lists(value) for key, value in result.items()}


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {key: _lists(item) for key, item in value.items()}
        if list(converted) == [str(i) for i in range(len(converted))]:
            return list(converted.values())
        return converted
    return value


def request_params() -> dict[str, Any]:
    """Return the request's parameters, JSON body first, then form body, then query."""
    params = php_query(request.query_string.decode("latin-1"))
    if request.mimetype == "application/x-www-form-urlencoded":
        params.update(php_query(request.get_data(as_text=True)))
    elif request.mimetype == "application/json" and request.get_data():
        try:
            body = json.loads(request.get_data())
        except ValueError as error:
            raise wp_error(
                "rest_invalid_json",
                "Invalid JSON body passed.",
                400,
                json_error_code=4,
                json_error_message="Syntax error",
            ) from error
        if isinstance(body, dict):
            params.update(body)
    return params


def validate(
    params: dict[str, Any], schema: dict[str, dict[str, Any]], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Check `params` against `schema`; return them sanitized, with defaults filled in.

    Raises the RestError WordPress gives for missing or invalid arguments.
    """
    missing = [name for name in required if params.get(name) is None]
    if missing:
        raise wp_error(
            "rest_missing_callback_param",
            f"Missing parameter(s): {', '.join(missing)}",
            400,
            params=missing,
        )
    clean = dict(params)
    problems: dict[str, tuple[str, str]] = {}
    for name, rule in schema.items():
        if params.get(name) is None:
            if "default" in rule:
                clean[name] = rule["default"]
            continue
        try:
            clean[name] = _check(name, params[name], rule)
        except _Invalid as invalid:
            problems[name] = (invalid.code, invalid.message)
    if problems:
        raise _invalid_params(problems)
    return clean


def _invalid_params(problems: dict[str, tuple[str, str]]) -> RestError:
    return wp_error(
        "rest_invalid_param",
        f"Invalid parameter(s): {', '.join(problems)}",
        400,
        params={name: message for name, (_, message) in problems.items()},
        details={
            name: {"code": code, "message": message, "data": None}
            for name, (code, message) in problems.items()
        },
    )


class _Invalid(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _check(name: str, value: Any, rule: dict[str, Any]) -> Any:
    kind = rule.get("type", "string")
    value = _TYPES[kind](name, value, rule)
    if "enum" in rule and value not in rule["enum"]:
        raise _Invalid("rest_not_in_enum", f"{name} is not one of {wp_list(rule['enum'])}.")
    return value


def _string(name: str, value: Any, rule: dict[str, Any]) -> str:
    if not isinstance(value, str):
        raise _Invalid("rest_invalid_type", f"{name} is not of type string.")
    if rule.get("format") == "date-time" and not _DATE_TIME.match(value):
        raise _Invalid("rest_invalid_date", "Invalid date.")
    return value


def _integer(name: str, value: Any, rule: dict[str, Any]) -> int:
    if isinstance(value, bool) or not is_numeric(value) or float(value) != int(float(value)):
        raise _Invalid("rest_invalid_type", f"{name} is not of type integer.")
    number = int(float(value))
    low, high = rule.get("minimum"), rule.get("maximum")
    if low is not None and high is not None and not low <= number <= high:
        message = f"{name} must be between {low} (inclusive) and {high} (inclusive)"
        raise _Invalid("rest_out_of_bounds", message)
    if low is not None and number < low:
        raise _Invalid("rest_out_of_bounds", f"{name} must be greater than or equal to {low}")
    return number


def _number(name: str, value: Any, rule: dict[str, Any]) -> Any:
    if isinstance(value, bool) or not is_numeric(value):
        raise _Invalid("rest_invalid_type", f"{name} is not of type number.")
    return value


def _boolean(name: str, value: Any, rule: dict[str, Any]) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in TRUE_WORDS | FALSE_WORDS:
        return value.lower() in TRUE_WORDS
    raise _Invalid("rest_invalid_type", f"{name} is not of type boolean.")


def _array(name: str, value: Any, rule: dict[str, Any]) -> list[Any]:
    if isinstance(value, str):
        value = [part.strip() for part in re.split(r"[\s,]+", value) if part.strip()]
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        raise _Invalid("rest_invalid_type", f"{name} is not of type array.")
    items = rule.get("items")
    if not items:
        return value
    return [_check(f"{name}[{index}]", item, items) for index, item in enumerate(value)]


def _object(name: str, value: Any, rule: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Invalid("rest_invalid_type", f"{name} is not of type object.")
    return value


_TYPES = {
    "string": _string,
    "integer": _integer,
    "number": _number,
    "boolean": _boolean,
    "array": _array,
    "object": _object,
}


def wp_list(items: list[Any]) -> str:
    """Join like WordPress's %l: "a", "a and b", "a, b, and c"."""
    words = [str(item) for item in items]
    if len(words) < 3:
        return " and ".join(words)
    return ", ".join(words[:-1]) + ", and " + words[-1]


def collection_schema(orderby: list[str], **extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the arguments every WooCommerce list endpoint takes."""
    return {
        "context": {"type": "string", "enum": ["view", "edit"], "default": "view"},
        "page": {"type": "integer", "minimum": 1, "default": 1},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
        "search": {"type": "string"},
        "offset": {"type": "integer"},
        "order": {"type": "string", "enum": ["asc", "desc"], "default": "desc"},
        "orderby": {"type": "string", "enum": orderby, "default": orderby[0]},
        "include": {"type": "array", "items": {"type": "integer"}, "default": []},
        "exclude": {"type": "array", "items": {"type": "integer"}, "default": []},
        "after": {"type": "string", "format": "date-time"},
        "before": {"type": "string", "format": "date-time"},
        **extra,
    }
