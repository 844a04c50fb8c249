"""Shared fixtures: the live simulator (real Rasa server + real action server on free loopback ports)."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dojo.servers import QUIET_ENV, free_port, stop_all
from dojo.stores import LocalStore, create_tracker_database, local_postgres, local_redis

for _name, _value in QUIET_ENV.items():
    os.environ.setdefault(_name, _value)


class LiveSimulator:
    """A running simulator that tests may also break and mend (kill and restart either server)."""

    def __init__(self, simulator, db_path: Path, tracker_db: Path):
        self._simulator = simulator
        self.db_path = db_path
        self.tracker_db = tracker_db

    @property
    def rasa_url(self) -> str:
        return self._simulator.rasa_url

    @property
    def actions_port(self) -> int:
        return self._simulator.actions_port

    def stop_rasa(self) -> None:
        self._simulator.rasa.stop()

    def kill_rasa(self) -> None:
        self._simulator.rasa.kill()

    def start_rasa(self) -> None:
        self._simulator.rasa.start()
        self._simulator.rasa.wait_ready()

    def stop_actions(self) -> None:
        self._simulator.actions.stop()

    def kill_actions(self) -> None:
        self._simulator.actions.kill()

    def start_actions(self) -> None:
        self._simulator.actions.start()
        self._simulator.actions.wait_ready()

    def ensure_running(self) -> None:
        if not self._simulator.actions.running():
            self.start_actions()
        if not self._simulator.rasa.running():
            self.start_rasa()


@pytest.fixture(scope="session")
def live_simulator(tmp_path_factory):
    """One simulator for the whole test run: loading the model costs ~20 s, so it is paid once."""
    from dojo.servers import simulator_for
    from foundation.settings import Settings

    root = tmp_path_factory.mktemp("live")
    settings = Settings.from_env().with_(db_path=root / "dojo.db", tracker_db=root / "tracker.db", rasa_token="")
    try:
        simulator = simulator_for(settings, log_dir=root / "logs")
    except Exception as exc:  # no model: the suite must say so loudly, not skip
        pytest.fail(f"cannot start the live simulator: {exc}")
    simulator.start()
    live = LiveSimulator(simulator, settings.db_path, settings.tracker_db)
    try:
        yield live
    finally:
        simulator.stop()


@pytest.fixture()
def simulator(live_simulator):
    """The live simulator, restarted first if an earlier test broke it."""
    live_simulator.ensure_running()
    return live_simulator


# Real Redis and PostgreSQL servers for the scale deployment's tests, on free loopback ports in temporary
# folders, started once per test run when a test asks and stopped at its end (the Debian packages
# `redis-server` and `postgresql`; `.ci/run` installs them).
@pytest.fixture(scope="session")
def store_folder():
    # PostgreSQL runs as the `postgres` user when the tests run as root: it must reach its folder,
    # which pytest's own temporary folders (mode 0700) do not allow.
    path = Path(tempfile.mkdtemp(prefix="dojo-scale-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _started(store: LocalStore) -> LocalStore:
    store.process.start()
    try:
        store.process.wait_ready()
    except BaseException:
        stop_all([store.process])
        raise
    return store


@pytest.fixture(scope="session")
def redis_server(store_folder):
    env = dict(os.environ, **QUIET_ENV)
    store = _started(local_redis(store_folder / "redis", free_port(), env, store_folder / "logs"))
    yield store
    stop_all([store.process])


@pytest.fixture(scope="session")
def postgres_server(store_folder):
    env = dict(os.environ, **QUIET_ENV)
    store = _started(local_postgres(store_folder / "postgres", free_port(), env, store_folder / "logs"))
    create_tracker_database(store.url)
    yield store
    stop_all([store.process])


# Measured figures (F1, recall, latency…) that tests compute; printed at the end of every run so
# CI's log shows them whether the tests pass or fail.
FIGURES = []


@pytest.fixture()
def record_figure():
    def record(name: str, value) -> None:
        FIGURES.append((name, value))

    return record


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("measured figures")
        for name, value in FIGURES:
            terminalreporter.write_line(f"{name}: {value}")
