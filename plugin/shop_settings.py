"""The settings a merchant edits in the panel, read from and written to where they live.

They are kept in three places of a shop's settings: its promises (`care`: handling
time, business days, holidays, timezone, update cadence, the address alerts go to),
its voice (`messages`: the sender's name, the reply-to address, the default
language) and its compensation policy (`compensation`: the monthly budget). The
panel sees them as one form; `save_settings` checks the whole form first and writes
all three in the caller's transaction, or nothing.

Each problem is a `code` per field (and the value it was about), so the panel says
it in the merchant's own language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from sqlalchemy.orm import Session

from plugin.compensation import store as compensation
from plugin.compensation.documents import read_policy
from plugin.compensation.store import policy_of
from plugin.errors import InvalidInput, NotFound
from plugin.incidents import care
from plugin.incidents.care import CareSettings
from plugin.messaging import voice
from plugin.messaging.locale import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES
from plugin.messaging.voice import ShopVoice
from plugin.storage.models import Shop

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_HOLIDAYS = 100
MAX_NAME = 80
MAX_BUDGET = Decimal(10) ** 9
FIELDS = (
    "handling_days",
    "business_days",
    "holidays",
    "timezone",
    "update_every_days",
    "language",
    "monthly_budget",
    "sender_name",
    "reply_to",
    "merchant_email",
)


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field: a code the panel words, and the value it is about."""

    code: str
    value: str | None = None

    def as_json(self) -> dict[str, str | None]:
        """Return the problem as the API answers it."""
        return {"code": self.code, "value": self.value}


class SettingsInvalid(InvalidInput):
    """The form has problems; `problems` maps each field to its problem. Nothing was saved."""

    def __init__(self, problems: dict[str, FieldProblem]) -> None:
        self.problems = problems
        listed = ", ".join(f"{name} ({problem.code})" for name, problem in problems.items())
        super().__init__(f"the settings were not saved: check {listed}")


class _Problem(ValueError):
    """A field's check failed with `code`, about `value`."""

    def __init__(self, code: str, value: Any = None) -> None:
        super().__init__(code)
        self.code = code
        self.value = None if value is None else str(value)


def _whole(low: int, high: int, code: str) -> BeforeValidator:
    def check(value: Any) -> int:
        text = str(value).strip() if isinstance(value, str | int) else None
        if isinstance(value, bool) or text is None or not text.lstrip("-").isdigit():
            raise _Problem(code, value)
        if not low <= int(text) <= high:
            raise _Problem(code, value)
        return int(text)

    return BeforeValidator(check)


def _business_days(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(day, str) for day in value):
        raise _Problem("business_days")
    unknown = [day for day in value if day not in WEEKDAYS]
    if unknown:
        raise _Problem("unknown_weekday", unknown[0])
    if not value:
        raise _Problem("no_business_day")
    return tuple(day for day in WEEKDAYS if day in value)


def _holidays(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise _Problem("holidays")
    if len(value) > MAX_HOLIDAYS:
        raise _Problem("too_many_holidays", MAX_HOLIDAYS)
    days: set[date] = set()
    for item in value:
        try:
            days.add(date.fromisoformat(str(item).strip()))
        except ValueError as error:
            raise _Problem("not_a_date", item) from error
    return tuple(day.isoformat() for day in sorted(days))


def _timezone(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise _Problem("unknown_timezone", value) from error
    return name


def _language(value: Any) -> str:
    if value not in SUPPORTED_LANGUAGES:
        raise _Problem("unknown_language", value)
    return str(value)


def _budget(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool | float) or not isinstance(value, str | int):
        raise _Problem("not_an_amount", value)
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise _Problem("not_an_amount", value) from error
    exact = amount.is_finite() and amount == amount.quantize(Decimal("0.01"))
    if not exact or not 0 <= amount <= MAX_BUDGET:
        raise _Problem("not_an_amount", value)
    return f"{amount:f}"


def _name(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > MAX_NAME:
        raise _Problem("name_too_long", MAX_NAME)
    return value.strip() or None


def _email(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise _Problem("not_an_email", value)
    try:
        address = Address(addr_spec=value.strip())
    except (HeaderParseError, IndexError, ValueError) as error:
        raise _Problem("not_an_email", value) from error
    if not address.username or "." not in address.domain:
        raise _Problem("not_an_email", value)
    return address.addr_spec


class MerchantSettings(BaseModel):
    """The settings form, each value checked as the merchant typed it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    handling_days: Annotated[int, _whole(0, 60, "handling_days")]
    business_days: Annotated[tuple[str, ...], BeforeValidator(_business_days)]
    holidays: Annotated[tuple[str, ...], BeforeValidator(_holidays)]
    timezone: Annotated[str, BeforeValidator(_timezone)]
    update_every_days: Annotated[int, _whole(1, 60, "update_every_days")]
    language: Annotated[str, BeforeValidator(_language)]
    monthly_budget: Annotated[str | None, BeforeValidator(_budget)]
    sender_name: Annotated[str | None, BeforeValidator(_name)]
    reply_to: Annotated[str | None, BeforeValidator(_email)]
    merchant_email: Annotated[str | None, BeforeValidator(_email)]

    @classmethod
    def parse(cls, given: Mapping[str, Any]) -> MerchantSettings:
        """Check every field of `given`; raise SettingsInvalid naming each bad one."""
        try:
            return cls.model_validate(dict(given))
        except ValidationError as error:
            raise SettingsInvalid(_problems(error)) from error

    def as_json(self) -> dict[str, Any]:
        """Return the settings as the API shows them."""
        return self.model_dump(mode="json")


def _problems(error: ValidationError) -> dict[str, FieldProblem]:
    """Turn pydantic's errors into one problem per field, in the form's order."""
    found: dict[str, FieldProblem] = {}
    for detail in error.errors():
        name = str(detail["loc"][0]) if detail["loc"] else "settings"
        cause = (detail.get("ctx") or {}).get("error")
        if isinstance(cause, _Problem):
            problem = FieldProblem(cause.code, cause.value)
        elif detail["type"] == "missing":
            problem = FieldProblem("missing")
        elif detail["type"] == "extra_forbidden":
            problem = FieldProblem("unknown_setting", name)
            name = "settings"
        else:
            problem = FieldProblem(name)
        found.setdefault(name, problem)
    order = {name: index for index, name in enumerate((*FIELDS, "settings"))}
    return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))


def current_settings(shop: Shop) -> MerchantSettings:
    """Return the shop's settings as the form shows them, defaults where it set none."""
    stored = shop.settings or {}
    promises = CareSettings.of(stored)
    spoken = ShopVoice.of(shop.domain, stored)
    named = ((stored.get(voice.KEY) or {}).get("shop_name") or "").strip() or None
    budget = policy_of(stored).caps.monthly_budget
    return MerchantSettings.model_validate(
        {
            "handling_days": promises.handling_days,
            "business_days": [
                day for n, day in enumerate(WEEKDAYS) if n not in promises.calendar.weekend
            ],
            "holidays": [day.isoformat() for day in promises.calendar.holidays],
            "timezone": promises.calendar.timezone,
            "update_every_days": promises.update_every_days,
            "language": spoken.locale if spoken.locale in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE,
            "monthly_budget": None if budget is None else f"{budget:f}",
            "sender_name": named,
            "reply_to": spoken.reply_to,
            "merchant_email": promises.merchant_email,
        }
    )


def save_settings(session: Session, shop_id: int, given: Mapping[str, Any]) -> MerchantSettings:
    """Check the whole form, then write it where each part lives; a bad form changes nothing."""
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise NotFound(f"no shop with id {shop_id}")
    wanted = MerchantSettings.parse(given)
    stored = dict(shop.settings or {})
    stored[care.KEY] = _care(stored.get(care.KEY), wanted)
    stored[voice.KEY] = _voice(stored.get(voice.KEY), wanted)
    CareSettings.of(stored)  # what else the shop keeps there must still read
    ShopVoice.of(shop.domain, stored)
    policy = policy_of(stored)
    budget = None if wanted.monthly_budget is None else Decimal(wanted.monthly_budget)
    if budget != policy.caps.monthly_budget:
        caps = {**policy.caps.model_dump(mode="json", exclude_none=True), "monthly_budget": budget}
        if budget is None:
            del caps["monthly_budget"]
        # Checked in full again, as every policy kept is.
        stored[compensation.KEY] = read_policy({**policy.document(), "caps": caps}).document()
    shop.settings = stored
    return wanted


def _care(kept: Any, wanted: MerchantSettings) -> dict[str, Any]:
    return {
        **(kept if isinstance(kept, Mapping) else {}),
        "handling_days": wanted.handling_days,
        "weekend": [n for n, day in enumerate(WEEKDAYS) if day not in wanted.business_days],
        "holidays": list(wanted.holidays),
        "timezone": wanted.timezone,
        "update_every_days": wanted.update_every_days,
        "merchant_email": wanted.merchant_email,
    }


def _voice(kept: Any, wanted: MerchantSettings) -> dict[str, Any]:
    return {
        **(kept if isinstance(kept, Mapping) else {}),
        "shop_name": wanted.sender_name,
        "reply_to": wanted.reply_to,
        "locale": wanted.language,
    }
