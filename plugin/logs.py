"""Logging: one line per event, a dotted slug and its context (`extra=`) as key=value."""

from __future__ import annotations

import logging
import sys

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    """Format `log.info("inbox.processed", extra={...})` as `... inbox.processed delivery=3`."""

    def format(self, record: logging.LogRecord) -> str:
        """Append the record's extra fields to the standard line."""
        line = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        if extras:
            line += " " + " ".join(f"{key}={value}" for key, value in sorted(extras.items()))
        return line


class StderrHandler(logging.StreamHandler):
    """Write to the current `sys.stderr`, even when it was swapped after set-up."""

    @property
    def stream(self):  # noqa: ANN201
        """Return the current standard error."""
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # noqa: ANN001
        """Ignore the stream logging.StreamHandler would bind once."""


def configure_logging(level: str = "INFO") -> None:
    """Send Amends' logs to stderr once per process, at `level`."""
    logger = logging.getLogger("amends")
    logger.setLevel(level.upper())
    if any(getattr(h, "_amends", False) for h in logger.handlers):
        return
    handler = StderrHandler()
    handler.setFormatter(KeyValueFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler._amends = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
