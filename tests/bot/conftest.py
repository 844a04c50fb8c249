"""Fixtures for the bot's tests: the scenario catalogue and a real progress store on a temporary file."""
from __future__ import annotations

import pytest

from progress.store import Store


@pytest.fixture(scope="session")
def scenarios():
    """The shipped scenarios, checked against the persona ids only: the bot never reads persona lines."""
    from progress.vocab import PERSONAS
    from simulator.catalog import load_scenarios

    return load_scenarios(personas=dict.fromkeys(PERSONAS))


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "dojo.db") as opened:
        yield opened
