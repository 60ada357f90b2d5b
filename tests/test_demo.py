"""`make demo`: the bundled scenario runs from a fresh instance and opens its incident."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.slow
def test_the_demo_delivers_signed_samples_and_shows_the_incident_they_open(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "demo" / "play.py"), "--once", "--instance", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": str(Path(sys.executable).parent), "COLUMNS": "200"},
    )

    assert result.returncode == 0, result.stderr
    assert "delivered shopify returns/request: HTTP 200" in result.stdout
    assert "delivered woocommerce order.created: HTTP 200" in result.stdout
    assert "processed 3 deliveries" in result.stdout
    assert "defective_item" in result.stdout
    assert "Incident 1 defective_item (open) order #1042 of shop 1" in result.stdout
    assert "Amends is serving at http://127.0.0.1:" in result.stdout
