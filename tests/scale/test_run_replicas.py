"""`dojo run --replicas 2` under one supervisor: a SIGTERM or a SIGKILL while the replicas load stops
both replicas, the action server, Redis and PostgreSQL (HAProxy starts only once the replicas answer),
and frees every port.

Start-up only (the replicas are still loading the model when the signal comes), so these cost seconds,
not two model loads; tests/scale/test_replicas_live.py serves real traffic through the same parts."""
from __future__ import annotations

import shutil
import signal
import tempfile
import time
from pathlib import Path

import pytest

from dojo.servers import ensure_ports_free, free_port
from process_tree import descendants, kill_quietly, read_until, start_dojo_run, wait_gone

pytestmark = pytest.mark.rasa

# Redis, PostgreSQL (and at least one of its workers), the action server and two replicas.
CHILDREN_WHILE_LOADING = 6


@pytest.fixture()
def run_folder():
    folder = Path(tempfile.mkdtemp(prefix="dojo-run-replicas-"))
    folder.chmod(0o755)  # PostgreSQL runs as `postgres` when the tests run as root
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def start(run_folder):
    rasa_port, actions_port = free_port(), free_port()
    env = {"DOJO_RASA_PORT": str(rasa_port), "DOJO_ACTIONS_PORT": str(actions_port),
           "DOJO_DB": str(run_folder / "dojo.db"), "DOJO_TRACKER_DB": str(run_folder / "tracker.db"),
           "DOJO_REDIS_URL": "", "DOJO_TRACKER_DB_URL": ""}
    process = start_dojo_run(env, "--replicas", "2")
    return process, {"DOJO_RASA_PORT": rasa_port, "DOJO_ACTIONS_PORT": actions_port}


def loading(process, timeout: float = 90):
    """Every child started, the replicas loading their models."""
    read_until(process, "Starting 2 Rasa replica(s)")
    deadline = time.monotonic() + timeout
    found = descendants(process.pid)
    while time.monotonic() < deadline and process.poll() is None:
        found = descendants(process.pid)
        commands = " ".join(_command(pid) for pid in found)
        if len(found) >= CHILDREN_WHILE_LOADING and commands.count("rasa run") == 2:
            return found
        time.sleep(0.3)
    pytest.fail(f"the replicas never started loading: {[_command(pid) for pid in found]}")


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_sigterm_while_the_replicas_load_stops_everything(run_folder):
    process, ports = start(run_folder)
    children = set()
    try:
        children = loading(process)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=15)
        assert time.monotonic() - started < 15 and process.returncode == 0, rest
        assert wait_gone(children, timeout=1) == []
        ensure_ports_free(ports)
    finally:
        process.kill()
        kill_quietly(children)


def test_sigkill_while_the_replicas_load_takes_every_child_along(run_folder):
    process, ports = start(run_folder)
    children = set()
    try:
        children = loading(process)
        process.kill()
        process.wait(timeout=10)
        assert wait_gone(children, timeout=15) == []
        ensure_ports_free(ports)
    finally:
        kill_quietly(children)
