"""What a shop's credentials must look like before Amends stores them.

An empty or trivially short webhook secret lets anyone sign a delivery, and an
empty token only fails later, at the platform, far from whoever typed it. Every
way a shop is created or changed (the command line, the connect flows) comes
through `check_credentials`, so none of them can store one.

The minimums are deliberately loose: they refuse what cannot be a real
credential, not what merely looks unusual (a sandbox store's `ck_sandbox`, a
Shopify token from before 2020 with no prefix).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from plugin.errors import InvalidInput


@dataclass(frozen=True)
class Rule:
    """What one credential must be: a prefix, a minimum length, and what a real one is like."""

    label: str
    min_length: int
    real: str  # what a real one looks like, for the error message
    prefix: str = ""

    def check(self, value: object) -> None:
        """Refuse `value` with a message that says what is needed (never the value itself)."""
        if value is None or value == "":
            raise InvalidInput(f"the {self.label} is missing; {self.real}")
        if not isinstance(value, str):
            raise InvalidInput(f"the {self.label} must be text; {self.real}")
        if value != value.strip():
            raise InvalidInput(f"the {self.label} starts or ends with spaces; copy it again")
        if not value.startswith(self.prefix):
            raise InvalidInput(f"the {self.label} must start with {self.prefix}; {self.real}")
        if len(value) < self.min_length:
            raise InvalidInput(
                f"the {self.label} is too short: at least {self.min_length} characters, "
                f"got {len(value)}; {self.real}"
            )


RULES = {
    "access_token": Rule(
        "access token",
        16,
        "Shopify's are shpat_ (or shpua_, shpca_, shppa_) followed by 32 hex digits",
    ),
    "consumer_key": Rule(
        "consumer key",
        10,
        "WooCommerce issues ck_ followed by 40 hex digits",
        prefix="ck_",
    ),
    "consumer_secret": Rule(
        "consumer secret",
        10,
        "WooCommerce issues cs_ followed by 40 hex digits",
        prefix="cs_",
    ),
    "webhook_secret": Rule(
        "webhook secret",
        16,
        "use a random one of 32 letters and digits",
    ),
}

# The credentials a shop of each platform cannot work without.
REQUIRED = {
    "shopify": ("access_token",),
    "woocommerce": ("consumer_key", "consumer_secret", "webhook_secret"),
}


def check_credentials(platform: str, credentials: Mapping[str, object]) -> None:
    """Refuse a new shop's credentials unless each one its platform needs is usable.

    A platform this table does not know (a connector added later) must still give
    usable values for every credential of a kind the table has a rule for.
    """
    for name in REQUIRED.get(platform, ()):
        RULES[name].check(credentials.get(name))
    for name, value in credentials.items():
        if name in RULES and name not in REQUIRED.get(platform, ()):
            RULES[name].check(value)


def check_changes(platform: str, changes: Mapping[str, object]) -> None:
    """Refuse changed credentials unless each is one its platform uses, and usable."""
    for name, value in changes.items():
        if name not in REQUIRED.get(platform, ()):
            label = RULES[name].label if name in RULES else name
            raise InvalidInput(f"a {platform} shop has no {label} to change")
        RULES[name].check(value)
