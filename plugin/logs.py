"""Logging: one line per event, a dotted slug and its context (`extra=`) as key=value."""

from __future__ import annotations

import logging
import sys
import time

_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class KeyValueFormatter(logging.Formatter):
    """Format `log.info("inbox.processed", extra={...})` as `... inbox.processed delivery=3`.

    The worker writes a line per delivery, a thousand a second: the time of day is
    formatted once a second rather than for each line, as it reads the same
    within one (a time zone is a whole number of seconds off UTC).
    """

    # The second last formatted and its text, one tuple so that threads share it safely.
    _second: tuple[int, str] = (-1, "")

    def format(self, record: logging.LogRecord) -> str:
        """Append the record's extra fields to the standard line."""
        line = super().format(record)
        fields = vars(record)
        extras = fields.keys() - _STANDARD
        if extras:
            line += " " + " ".join(f"{key}={fields[key]}" for key in sorted(extras))
        return line

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        """Return the record's time as logging.Formatter does, formatting each second once."""
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second = self._second
        if second[0] != int(record.created):
            moment = int(record.created)
            second = (moment, time.strftime(self.default_time_format, self.converter(moment)))
            self._second = second
        if not self.default_msec_format:
            return second[1]
        return self.default_msec_format % (second[1], record.msecs)


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
