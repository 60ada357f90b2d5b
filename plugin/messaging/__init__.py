"""Messages to customers: which language, what they say, and the e-mail that carries them.

    language = resolve_locale(order.locale, customer.locale, shop.locale)
    rendered = render("delayed_shipment", "acknowledgement", language, context, overrides)
    message = build_message(rendered, recipient=..., shop_name=..., sender=..., ...)
    SmtpSender.from_url(settings.smtp_url).send(message)

Framework-free: Jinja2 and Babel for the words, the standard library for the mail.
"""

from plugin.messaging.context import VARIABLES, GivenCompensation, MessageContext
from plugin.messaging.email import build_message
from plugin.messaging.letter import KINDS, STAGES
from plugin.messaging.locale import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, resolve_locale
from plugin.messaging.overrides import validate_override
from plugin.messaging.render import Overrides, RenderedMessage, render
from plugin.messaging.smtp import SmtpSender

__all__ = [
    "DEFAULT_LANGUAGE",
    "KINDS",
    "STAGES",
    "SUPPORTED_LANGUAGES",
    "VARIABLES",
    "GivenCompensation",
    "MessageContext",
    "Overrides",
    "RenderedMessage",
    "SmtpSender",
    "build_message",
    "render",
    "resolve_locale",
    "validate_override",
]
