"""The error family the domain and the connectors raise.

Each class tells its caller what to do next: retry now, retry later, or stop.
The CLI prints `str(error)` as one line; keep messages actionable.
"""


class AmendsError(Exception):
    """Base class for errors an operator can act on."""


class ConfigurationError(AmendsError):
    """A setting is missing or malformed; fix the configuration and start again."""


class AddressInUse(AmendsError):
    """Another server listens on the address; stop it or choose another."""


class StorageUnavailable(AmendsError):
    """The database cannot be reached or written right now; try again shortly."""


class NotFound(AmendsError):
    """The thing asked for does not exist (or belongs to another shop)."""


class InvalidInput(AmendsError):
    """The input cannot be used as given; the message says which part and why."""


class PlatformError(AmendsError):
    """A call to a store platform failed.

    `code` is the platform's own error code when it gave one (e.g.
    `woocommerce_rest_coupon_code_already_exists`), `status` the HTTP status.
    """

    retryable = False

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class PlatformUnavailable(PlatformError):
    """The platform answered 5xx or could not be reached; retry with backoff.

    `retry_after` is the wait in seconds the answer asked for, when it said one
    (a 503 with Retry-After: a site in maintenance).
    """

    retryable = True

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after = retry_after


class PlatformTimeout(PlatformUnavailable):
    """The platform did not answer in time; retry with backoff."""


class PlatformRateLimited(PlatformError):
    """The platform asked us to slow down; retry after `retry_after` seconds."""

    retryable = True

    def __init__(self, message: str, retry_after: float, **details: object) -> None:
        super().__init__(message, **details)  # type: ignore[arg-type]
        self.retry_after = retry_after


class PlatformRejected(PlatformError):
    """The platform refused the request as invalid; do not retry it unchanged."""


class PlatformUnauthorized(PlatformRejected):
    """The shop's credentials were refused; stop calling until it is reconnected."""
