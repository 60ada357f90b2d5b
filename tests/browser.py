"""Debian's Chromium for the browser tests, and where their screenshots go.

Never a downloaded browser: Playwright drives /usr/bin/chromium. The flags keep it
from reaching out to Google's services, which this machine's closed network refuses.
Screenshots go to build/screenshots/ (ignored by git); `make screenshots` writes the
ones the README shows, in docs/screenshots/, by setting AMENDS_SCREENSHOTS.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("AMENDS_SCREENSHOTS") or ROOT / "build" / "screenshots")
