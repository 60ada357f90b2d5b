"""The sandbox Shopify's clock stands still, jumps, and can be set ticking again."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from sandboxes.shopify.clock import SandboxClock

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_frozen_clock_moves_only_when_advanced():
    clock = SandboxClock(time_scale=0.0, start=START)
    time.sleep(0.01)
    assert clock.now() == START
    assert clock.advance(3600) == START + timedelta(hours=1)


def test_a_resumed_clock_ticks_on_from_where_it_stood():
    clock = SandboxClock(time_scale=0.0, start=START)
    clock.advance(86400)

    resumed = clock.resume(time_scale=1000.0)
    time.sleep(0.05)

    assert timedelta(0) <= resumed - (START + timedelta(days=1)) < timedelta(seconds=1)
    assert clock.now() > resumed + timedelta(seconds=10)  # 50 ms at 1000x
    assert clock.real_seconds_until(clock.timestamp() + 1000) is not None


def test_a_clock_cannot_resume_backwards():
    with pytest.raises(ValueError, match="must not be negative"):
        SandboxClock(time_scale=0.0, start=START).resume(-1)
