"""A delivery's body reads to the values the standard library's parser gives.

orjson reads most bodies; what it would read differently (an integer beyond 64
bits, which it makes a float) or refuses (NaN, text that is not UTF-8) is the
standard parser's.
"""

from __future__ import annotations

import json

import pytest

from connectors.headers import json_object
from plugin.platforms import MalformedDelivery


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": 820982911946154508, "total": "54.80", "weight": 0.1}',
        b'{"id": 123456789012345678901234567890}',
        b'{"id": 18446744073709551616, "other": -9223372036854775809}',
        b'{"id": 1, "rate": NaN, "cap": Infinity}',
        '{"note": "caf\u00e9"}'.encode("utf-16"),
        b'{"a": 1, "a": 2, "small": 5e-324, "big": 1.7976931348623157e308}',
    ],
)
def test_a_body_reads_as_the_standard_parser_reads_it(body):
    read = json_object("orders/create", body)

    assert repr(read) == repr(json.loads(body))


def test_a_body_that_is_not_json_is_malformed():
    with pytest.raises(MalformedDelivery, match="not JSON"):
        json_object("orders/create", b'{"id": 1')
    with pytest.raises(MalformedDelivery, match="not an object"):
        json_object("orders/create", b"[123456789012345678901234567890]")
