"""The bot process SIGKILLed mid-session and restarted: the trainee's call goes on, nothing committed is lost."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bot"))

from bot_world import start_practice  # noqa: E402
from fake_telegram import FakeBotApi, TgUser  # noqa: E402

from foundation.paths import REPO_ROOT  # noqa: E402
from progress.store import Store  # noqa: E402

pytestmark = pytest.mark.rasa

TRAINEE = TgUser(7301, "Kai", "kai_restart", "en")
LINES = [
    "Hi, this is Lena from Harbor Bank card services. This call is recorded, and I'm calling about your credit card account.",
    "Could you confirm the last four digits of your card for me?",
    "Your account is 35 days past due, with a balance of $2,300.",
]


async def start_bot(api: FakeBotApi, rasa_url: str, db_path: Path):
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
           "DOJO_RASA_URL": rasa_url, "DOJO_DB": str(db_path), "DOJO_LEAD_IDS": "", "DOJO_TRAINER_IDS": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "dojo.cli", "bot", cwd=str(REPO_ROOT), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    since = len(api.calls)
    await api.wait_for(lambda c: c.method == "getUpdates", since=since, timeout=90)
    return process


def test_bot_killed_with_sigkill_and_restarted_mid_session(simulator):
    async def main():
        async with FakeBotApi() as api:
            bot = await start_bot(api, simulator.rasa_url, simulator.db_path)
            try:
                await api.say(TRAINEE, "/start")
                await api.wait_text(TRAINEE.id, "CollectorDojo", timeout=30)
                await start_practice(api, TRAINEE, "wbb-m1-layoff", "en", "coach")
                for line in LINES[:2]:
                    mark = len(api.calls)
                    await api.say(TRAINEE, line)
                    await api.wait_for(lambda c: c.method == "sendMessage" and "Lin Xiaowen" in c.text,
                                       since=mark, timeout=60)
            finally:
                bot.send_signal(signal.SIGKILL)
                await bot.wait()
            bot = await start_bot(api, simulator.rasa_url, simulator.db_path)
            try:
                mark = len(api.calls)
                await api.say(TRAINEE, LINES[2])
                await api.wait_for(lambda c: c.method == "sendMessage" and "Lin Xiaowen" in c.text,
                                   since=mark, timeout=60)
            finally:
                bot.send_signal(signal.SIGINT)
                await bot.wait()

    asyncio.run(main())
    store = Store.open(simulator.db_path)
    session = store.sessions_for(f"tg:{TRAINEE.id}", limit=1)[0]
    turns = [t["trainee_text"] for t in store.session_turns(session["id"]) if t["turn_no"] > 0]
    assert turns == LINES
