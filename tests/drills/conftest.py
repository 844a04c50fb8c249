"""Fixtures: a real SQLite store per test with a hand-moved clock, and the shipped drill bank."""
from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from drills import load_bank  # noqa: E402
from drill_world import Clock, open_store  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def store(tmp_path, clock):
    opened = open_store(tmp_path / "var" / "dojo.db", clock)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def bank():
    return load_bank()
