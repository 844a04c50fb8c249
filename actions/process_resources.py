"""The action server's process-wide resources (settings, catalogue, store), built on first use rather than at import time.

Building them lazily keeps importing the package cheap (rasa_sdk imports every module) and lets
tests point `DOJO_DB` at their own file before the first action runs.
"""
from __future__ import annotations

import threading
from functools import lru_cache

from foundation.settings import Settings
from progress.store import Store
from simulator.catalog import load_catalog, scenario_rows

_store_lock = threading.Lock()
_store = None


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


@lru_cache(maxsize=1)
def catalog():
    """Personas and scenarios, validated once per process."""
    return load_catalog()


def store() -> Store:
    """One store per process: opening runs migrations, which must not happen on every turn."""
    global _store
    with _store_lock:
        if _store is None:
            _store = Store.open(settings().db_path)
            _store.sync_scenarios(scenario_rows(catalog().scenarios))
        return _store
