"""Which roles a connector plays, checked once when the connectors are registered.

A connector lists its roles in `roles`; for each, it must have every attribute and
method the role's protocol names, with the same parameters. A connector that claims
a role it cannot play stops the process at start-up, with what it lacks, rather than
failing the first time a job or a view asks it for that role.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any, TypeVar

from plugin.errors import ConfigurationError
from plugin.platforms import (
    Actions,
    AdminLinks,
    Backfill,
    Embedded,
    Install,
    Intake,
    Reconcile,
    Subscriptions,
    TokenRefresh,
)

ROLES: dict[str, type] = {
    "intake": Intake,
    "subscriptions": Subscriptions,
    "reconcile": Reconcile,
    "actions": Actions,
    "install": Install,
    "embedded": Embedded,
    "admin_links": AdminLinks,
    "backfill": Backfill,
    "token_refresh": TokenRefresh,
}
_NAMES = {protocol: name for name, protocol in ROLES.items()}

R = TypeVar("R")


def role_name(protocol: type) -> str:
    """Return the name a connector lists `protocol` under in its `roles`."""
    try:
        return _NAMES[protocol]
    except KeyError:
        raise ConfigurationError(f"{protocol.__name__} is not a connector role") from None


def _members(protocol: type) -> dict[str, Any]:
    """Return what a role asks for: attribute names (None) and methods (the function)."""
    members: dict[str, Any] = dict.fromkeys(inspect.get_annotations(protocol))
    for name, value in vars(protocol).items():
        if not name.startswith("_") and inspect.isfunction(value):
            members[name] = value
    return members


def _parameters(function: Any, bound: bool) -> list[str]:
    names = list(inspect.signature(function).parameters)
    return names if bound else names[1:]


def _shortfalls(connector: Any, protocol: type) -> list[str]:
    """Describe each member of `protocol` that `connector` lacks or has in another shape."""
    shortfalls = []
    for name, method in _members(protocol).items():
        if not hasattr(connector, name):
            shortfalls.append(name)
            continue
        if method is None:
            continue
        found = getattr(connector, name)
        wanted = _parameters(method, bound=False)
        if not callable(found):
            shortfalls.append(f"{name} (not a method)")
        elif (have := _parameters(found, bound=True)) != wanted:
            shortfalls.append(f"{name}({', '.join(have)}), not {name}({', '.join(wanted)})")
    return shortfalls


def check_roles(connector: Any) -> None:
    """Refuse a connector that claims a role it cannot play; every connector takes deliveries."""
    platform = getattr(connector, "platform", type(connector).__name__)
    roles = frozenset(getattr(connector, "roles", ()))
    if "intake" not in roles:
        raise ConfigurationError(f"connector {platform!r} must play the 'intake' role")
    unknown = sorted(roles - set(ROLES))
    if unknown:
        known = ", ".join(ROLES)
        raise ConfigurationError(
            f"connector {platform!r} claims unknown role(s) {', '.join(unknown)}; known: {known}"
        )
    for role in sorted(roles):
        shortfalls = _shortfalls(connector, ROLES[role])
        if shortfalls:
            raise ConfigurationError(
                f"connector {platform!r} claims the {role!r} role but lacks "
                f"{'; '.join(shortfalls)}; implement them or drop {role!r} from its roles"
            )


def playing(connectors: Mapping[str, Any], protocol: type[R]) -> dict[str, R]:
    """Return the connectors (by platform) that play the role `protocol` describes."""
    name = role_name(protocol)
    return {platform: c for platform, c in connectors.items() if name in c.roles}


def connector_for(connectors: Mapping[str, Any], platform: str, protocol: type[R]) -> R:
    """Return the connector of `platform` in the role `protocol`; refuse one that lacks it."""
    connector = connectors.get(platform)
    if connector is None:
        raise ConfigurationError(f"no connector for platform {platform!r}")
    if role_name(protocol) not in connector.roles:
        raise ConfigurationError(
            f"the {platform} connector does not play the {role_name(protocol)!r} role"
        )
    return connector
