"""Short-lived signed values (the panel pass, form tokens), dated by Amends' own clock.

itsdangerous signs and dates them; its signer reads the wall clock unless told
otherwise, so the signer here asks the runtime's clock (plugin/clock.py), as every
other part of Amends does.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from plugin.clock import Clock
from plugin.services import Runtime


def runtime() -> Runtime:
    """Return the runtime the app was built with."""
    return current_app.extensions["amends"]


def _signer_on(clock: Clock) -> type[TimestampSigner]:
    class ClockSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock.now().timestamp())

    return ClockSigner


def dumps(salt: str, value: Any) -> str:
    """Sign and date `value` for the purpose `salt` names."""
    rt = runtime()
    serializer = URLSafeTimedSerializer(
        rt.settings.secret_key, salt=salt, signer=_signer_on(rt.clock)
    )
    return serializer.dumps(value)


def loads(salt: str, token: str, max_age: int) -> Any | None:
    """Return the value signed for `salt` no longer than `max_age` seconds ago, or None."""
    rt = runtime()
    serializer = URLSafeTimedSerializer(
        rt.settings.secret_key, salt=salt, signer=_signer_on(rt.clock)
    )
    try:
        return serializer.loads(token, max_age=max_age)
    except BadSignature:  # also a signature too old (SignatureExpired)
        return None
