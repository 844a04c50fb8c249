"""`dojo bot` as a real process: polls the fake Bot API, answers, stops on SIGINT, never logs the token."""
from __future__ import annotations

import asyncio
import os
import signal
import sys

from bot_world import ALICE
from fake_rasa import FakeRasaServer
from fake_simulator import ScriptedSimulator
from fake_telegram import FakeBotApi

from foundation.paths import REPO_ROOT


def test_dojo_bot_process_end_to_end(store, tmp_path):
    async def main():
        async with FakeBotApi() as api, FakeRasaServer(ScriptedSimulator(store)) as rasa:
            env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
                   "DOJO_RASA_URL": rasa.url, "DOJO_DB": str(tmp_path / "dojo.db"),  # the `store` fixture's file
                   "DOJO_LOG_LEVEL": "DEBUG", "DOJO_LEAD_IDS": "", "DOJO_TRAINER_IDS": "",
                   "RASA_TELEMETRY_ENABLED": "false"}
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "dojo.cli", "bot", cwd=str(REPO_ROOT), env=env,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
            try:
                await api.wait_for(lambda c: c.method == "getUpdates", timeout=60)
                await api.say(ALICE, "/start")
                await api.wait_text(ALICE.id, "CollectorDojo", timeout=20)
            finally:
                process.send_signal(signal.SIGINT)
                output, _ = await asyncio.wait_for(process.communicate(), 30)
            return process.returncode, output.decode("utf-8", "replace"), api.token

    returncode, output, token = asyncio.run(main())
    assert returncode == 0, output[-2000:]
    assert "getUpdates" in output or "Application started" in output  # DEBUG logging really ran
    assert token not in output and token.split(":")[1] not in output
    assert store.get_user(f"tg:{ALICE.id}")["role"] == "trainee"
