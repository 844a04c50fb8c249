"""Fixtures: a real SQLite file per test, a clock the test moves, the four personas' scenarios."""
from __future__ import annotations

import datetime as dt
import os

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

from foundation.paths import certification_policy  # noqa: E402
from progress.certification import load_policy  # noqa: E402
from progress.store import Store  # noqa: E402
from progress_fixtures import SCENARIOS, Clock  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def policy():
    return load_policy(certification_policy())


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "var" / "dojo.db"


@pytest.fixture
def store(db_path, clock, policy):
    opened = Store.open(db_path, clock=clock, policy=policy, busy_timeout=1.0)
    opened.sync_scenarios(SCENARIOS)
    yield opened
    opened.close()


