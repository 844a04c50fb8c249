"""`dojo run` serves both servers on 127.0.0.1 and stops them cleanly on Ctrl-C, on SIGTERM during
start-up, and even when it is SIGKILLed (the parent-death signal); a restart finds the ports free."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from foundation.paths import REPO_ROOT
from process_tree import kill_quietly, read_until, start_dojo_run, wait_for_descendants, wait_gone
from rasa_client import RasaClient
from dojo.servers import ensure_ports_free, free_port, port_in_use

pytestmark = pytest.mark.rasa


def test_run_serves_on_loopback_and_stops_on_ctrl_c(tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    env = dict(os.environ, DOJO_RASA_PORT=str(rasa_port), DOJO_ACTIONS_PORT=str(actions_port),
               DOJO_DB=str(tmp_path / "dojo.db"), DOJO_TRACKER_DB=str(tmp_path / "tracker.db"), TELEGRAM_BOT_TOKEN="")
    process = subprocess.Popen([sys.executable, "-m", "dojo.cli", "run"], cwd=REPO_ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        output.append(line)
        if "Simulator ready" in line or process.poll() is not None:
            break
    assert "Simulator ready" in "".join(output), "".join(output)

    async def talk():
        async with RasaClient(f"http://127.0.0.1:{rasa_port}") as client:
            opening = await client.start_session(f"run-{uuid.uuid4().hex[:8]}", "wbb-m1-layoff", "en", "coach", "runner")
            return opening

    assert asyncio.run(talk()).text
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "Stopping the servers" in rest
    assert not port_in_use(rasa_port) and not port_in_use(actions_port)


def run_env(tmp_path, rasa_port, actions_port):
    return {"DOJO_RASA_PORT": str(rasa_port), "DOJO_ACTIONS_PORT": str(actions_port), "DOJO_DB": str(tmp_path / "dojo.db"),
            "DOJO_TRACKER_DB": str(tmp_path / "tracker.db")}


def test_sigterm_during_start_up_stops_both_servers(tmp_path):
    """The model takes ~20 s to load; a SIGTERM then used to kill `dojo run` alone and leave both servers
    on their ports, so the next `dojo run` refused to start."""
    rasa_port, actions_port = free_port(), free_port()
    process = start_dojo_run(run_env(tmp_path, rasa_port, actions_port))
    children = set()
    try:
        read_until(process, "Starting the action server")
        children = wait_for_descendants(process.pid, 2, timeout=30)
        while not port_in_use(actions_port) and process.poll() is None:  # mid start-up: Rasa is still loading
            time.sleep(0.2)
        assert not port_in_use(rasa_port)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=15)
        assert time.monotonic() - started < 15 and process.returncode == 0, rest
        assert "Stopping the servers" in rest
        assert wait_gone(children, timeout=1) == []
        ensure_ports_free({"DOJO_RASA_PORT": rasa_port, "DOJO_ACTIONS_PORT": actions_port})  # a restart may go ahead
    finally:
        process.kill()
        kill_quietly(children)


def test_servers_die_with_a_sigkilled_dojo_run(tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    process = start_dojo_run(run_env(tmp_path, rasa_port, actions_port))
    children = set()
    try:
        read_until(process, "Starting the action server")
        children = wait_for_descendants(process.pid, 2, timeout=30)
        while not port_in_use(actions_port) and process.poll() is None:
            time.sleep(0.2)
        process.kill()  # no handler runs: only the parent-death signal can stop the servers
        process.wait(timeout=10)
        assert wait_gone(children, timeout=15) == []
        ensure_ports_free({"DOJO_RASA_PORT": rasa_port, "DOJO_ACTIONS_PORT": actions_port})
    finally:
        kill_quietly(children)
