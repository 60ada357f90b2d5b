r"""JSON text as WordPress writes it (wp_json_encode), byte for byte.

PHP escapes `/` as `\/` and every non-ASCII character as `\uXXXX`, with no
spaces between tokens. Webhook signatures are computed over exactly these
bytes, so deliveries and REST answers share this one encoder.
"""

from __future__ import annotations

import json
from typing import Any


def php_json(value: Any) -> str:
    """Encode `value` compactly with PHP's default escaping."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    # `/` only ever occurs inside JSON strings, so a plain replace is exact.
    return text.replace("/", "\\/")


def php_json_bytes(value: Any) -> bytes:
    """Encode `value` as the bytes WordPress would send."""
    return php_json(value).encode("ascii")
