"""Encrypt shop credentials at rest with a key derived from AMENDS_SECRET_KEY."""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from plugin.errors import ConfigurationError


class CredentialBox:
    """Seal and open per-shop secrets (access tokens, key pairs, webhook secrets)."""

    def __init__(self, secret_key: str) -> None:
        if not secret_key:
            raise ConfigurationError("AMENDS_SECRET_KEY is empty; set it to a long random value")
        derived = HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"amends shop credentials"
        ).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, credentials: dict[str, Any]) -> bytes:
        """Return `credentials` encrypted and authenticated."""
        return self._fernet.encrypt(json.dumps(credentials, sort_keys=True).encode())

    def open(self, sealed: bytes) -> dict[str, Any]:
        """Return the credentials sealed in `sealed`."""
        try:
            return json.loads(self._fernet.decrypt(sealed))
        except InvalidToken as error:
            raise ConfigurationError(
                "stored shop credentials cannot be decrypted: AMENDS_SECRET_KEY changed?"
            ) from error
