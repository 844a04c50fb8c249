"""Fixtures: a real LRS (Ralph) started by the test, and a store with a generated history."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "drills"))

from drill_world import clock, store  # noqa: E402,F401  (shared fixtures)
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

