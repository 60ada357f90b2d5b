"""Layered settings: code defaults, the instance folder, the environment, a test dict.

Settings are read once, in `load_settings`, and passed on as a typed object; no
other module reads the environment.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plugin.errors import ConfigurationError

CONFIG_FILE = "amends.toml"
SECRET_KEY_FILE = "secret_key"

# Variables the operator contract names without the AMENDS_ prefix.
UNPREFIXED = {
    "SHOPIFY_API_KEY": "shopify_api_key",
    "SHOPIFY_API_SECRET": "shopify_api_secret",
    "SHOPIFY_API_SECRET_PREVIOUS": "shopify_api_secret_previous",
}


@dataclass(frozen=True)
class Settings:
    """Everything Amends can be configured with, and the defaults."""

    instance_path: Path
    database_url: str = ""
    secret_key: str = ""
    shopify_api_key: str = ""
    shopify_api_secret: str = ""
    # Accepted alongside the current secret while a rotation propagates (up to an hour).
    shopify_api_secret_previous: str = ""
    # A sandbox Shopify's base URL, used instead of https://<shop> (tests and the demo).
    shopify_admin_url: str = ""
    # Topics to subscribe each Shopify shop to through the Admin API (comma-separated),
    # for an app whose shopify.app.toml does not declare them; the upkeep keeps them.
    shopify_api_webhook_topics: tuple[str, ...] = ()
    smtp_url: str = ""
    # The address customer e-mail comes from, under the shop's name; replies go to the shop.
    smtp_sender: str = ""
    # Where platforms reach this deployment (webhook delivery and callback URLs).
    public_url: str = "http://127.0.0.1:8000"
    platform_timeout_seconds: float = 10.0
    platform_retry_backoff_seconds: float = 0.5
    reconcile_overlap_seconds: float = 300.0
    webhook_max_bytes: int = 5 * 1024 * 1024
    inbox_max_attempts: int = 8
    inbox_retry_base_seconds: float = 30.0
    inbox_retry_max_seconds: float = 3600.0
    inbox_retention_days: int = 30
    # Customer messages: an SMTP outage of about a day is ridden out before one is parked.
    outbox_max_attempts: int = 12
    outbox_retry_base_seconds: float = 60.0
    outbox_retry_max_seconds: float = 3600.0
    # How long a message being sent stays its worker's; longer than any SMTP exchange
    # (10 s a step). After it, the worker is taken to have died and another sends it.
    outbox_lease_seconds: float = 600.0
    worker_poll_seconds: float = 1.0
    # How often a standby scheduler checks whether the one running the jobs has gone.
    scheduler_standby_poll_seconds: float = 15.0
    log_level: str = "INFO"
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def shopify_webhook_secrets(self) -> tuple[str, ...]:
        """Return the secrets a Shopify delivery may be signed with, newest first."""
        return tuple(s for s in (self.shopify_api_secret, self.shopify_api_secret_previous) if s)


FIELDS = {f.name: f for f in dataclasses.fields(Settings) if f.name not in ("extra",)}


def load_settings(
    instance_path: Path,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build settings from defaults, `<instance>/amends.toml`, `AMENDS_*` and `overrides`."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    values.update(_from_file(instance_path / CONFIG_FILE))
    values.update(_from_environ(environ))
    values.update({k.lower(): v for k, v in (overrides or {}).items()})
    values["instance_path"] = instance_path
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ConfigurationError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    values = {name: _coerce(name, value) for name, value in values.items()}
    if "log_level" in values:
        values["log_level"] = _log_level(values["log_level"])
    values.setdefault("database_url", _default_database_url(instance_path))
    if not values.get("secret_key"):
        values["secret_key"] = _instance_secret_key(instance_path)
    return Settings(**values)


def _from_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return {k.lower(): v for k, v in tomllib.load(handle).items()}
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"{path} is not valid TOML: {error}") from error


def _from_environ(environ: Mapping[str, str]) -> dict[str, str]:
    values = {name: environ[var] for var, name in UNPREFIXED.items() if environ.get(var)}
    for var, value in environ.items():
        name = var[len("AMENDS_") :].lower() if var.startswith("AMENDS_") else None
        if name in FIELDS and name != "instance_path" and value != "":
            values[name] = value
    return values


def _coerce(name: str, value: Any) -> Any:
    kind = str(FIELDS[name].type)  # annotations are strings here (postponed evaluation)
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind == "Path":
            return Path(value)
        if kind == "tuple[str, ...]" and isinstance(value, str):
            return tuple(item.strip() for item in value.split(",") if item.strip())
    except (TypeError, ValueError) as error:
        wanted = {"int": "an integer", "float": "a number"}.get(kind, kind)
        raise ConfigurationError(f"setting {name} must be {wanted}, got {value!r}") from error
    return value


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level(value: Any) -> str:
    """Return a log level's name in capitals; refuse what logging would not know."""
    level = str(value).upper()
    if level not in LOG_LEVELS:
        choices = ", ".join(name.lower() for name in LOG_LEVELS)
        raise ConfigurationError(f"setting log_level must be one of {choices}, got {value!r}")
    return level


def _default_database_url(instance_path: Path) -> str:
    return f"sqlite:///{instance_path / 'amends.sqlite3'}"


def _instance_secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it on first use (zero-setup default)."""
    path = instance_path / SECRET_KEY_FILE
    try:
        instance_path.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()
    except OSError as error:
        raise ConfigurationError(
            f"cannot keep a secret key in {instance_path} ({error.strerror}): make the "
            "instance folder writable (AMENDS_INSTANCE_PATH), or set AMENDS_SECRET_KEY"
        ) from error
