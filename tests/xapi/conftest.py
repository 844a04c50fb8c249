"""Fixtures: a real LRS (Ralph) started by the test, and a store with a generated history."""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "drills"))

from drill_world import Clock, open_store  # noqa: E402
from lrs_process import Lrs, ensure_lrs_venv  # noqa: E402


@pytest.fixture(scope="session")
def lrs_bin():
    try:
        return ensure_lrs_venv()
    except (RuntimeError, OSError) as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no LRS venv on this machine: {exc}")


@pytest.fixture
def lrs(lrs_bin, tmp_path):
    server = Lrs(lrs_bin, tmp_path / "lrs").start()
    yield server
    server.kill()


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def store(tmp_path, clock):
    opened = open_store(tmp_path / "var" / "dojo.db", clock)
    yield opened
    opened.close()
