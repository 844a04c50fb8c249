"""Fixtures: a real SQLite store per test with a hand-moved clock, and the shipped drill bank."""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from drills import load_bank  # noqa: E402
from drill_world import clock, store  # noqa: E402,F401  (shared fixtures)



@pytest.fixture(scope="session")
def bank():
    return load_bank()
