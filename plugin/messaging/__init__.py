"""Messages to customers: which language, what they say, and the e-mail that carries them."""

from plugin.messaging.locale import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES, resolve_locale

__all__ = ["DEFAULT_LANGUAGE", "SUPPORTED_LANGUAGES", "resolve_locale"]
