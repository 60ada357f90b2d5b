"""The default for reading free-text reasons before a classifier is configured."""

from __future__ import annotations


def unclassified(text: str | None) -> str:
    """Return "other": without a classifier, words alone decide nothing."""
    return "other"
