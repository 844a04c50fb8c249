"""`dojo run` serves both servers on 127.0.0.1 and stops them cleanly on Ctrl-C."""
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
from rasa_client import RasaClient
from dojo.servers import free_port, port_in_use

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
