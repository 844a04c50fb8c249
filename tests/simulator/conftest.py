import os

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from simulator.catalog import load_catalog  # noqa: E402


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()
