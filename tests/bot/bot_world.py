"""The bot tests' world: users, a running Application against the fake Bot API, keyboard helpers."""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any, AsyncIterator, List, Optional

from telegram import Update

from bot.app import build_application
from bot.network import RetryingRateLimiter
from dojo.rulings import Rescorer
from foundation.settings import Settings
from fake_simulator import ScriptedSimulator
from fake_telegram import Call, FakeBotApi, TgUser

LEAD = TgUser(9001, "Lena", "lena_lead", "en")
TRAINER = TgUser(9002, "Tom", "tom_trainer", "en")
ALICE = TgUser(1001, "Alice", "alice", "en")
XIAOMING = TgUser(1002, "小明", "xiaoming", "zh-hans")


def bot_settings(api: FakeBotApi) -> Settings:
    return Settings(telegram_token=api.token, telegram_base_url=api.base_url,
                    lead_ids=(LEAD.id,), trainer_ids=(TRAINER.id,), rasa_url="http://127.0.0.1:1")


@contextlib.asynccontextmanager
async def running_bot(api: FakeBotApi, store: Any, simulator: Any, scenarios: Any,
                      settings: Optional[Settings] = None,
                      replay_interval: dt.timedelta = dt.timedelta(seconds=0.3),
                      abandon_interval: dt.timedelta = dt.timedelta(hours=1)) -> AsyncIterator[Any]:
    """The real Application, polling the fake server, stopped cleanly afterwards (like a bot restart)."""
    app = build_application(settings or bot_settings(api), store, simulator, scenarios=scenarios,
                            rate_limiter=RetryingRateLimiter(backoff=0.05),
                            replay_interval=replay_interval, reminder_interval=dt.timedelta(seconds=0.3),
                            abandon_interval=abandon_interval, ruling_interval=dt.timedelta(seconds=0.3),
                            rescorer=Rescorer())
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@dataclass
class World:
    """One test's bot: the fake Telegram, the real store, the scripted simulator."""

    api: FakeBotApi
    store: Any
    simulator: ScriptedSimulator
    scenarios: Any


def run(coro_fn, store, scenarios, simulator=None, **kwargs):
    """Run an async test body `coro_fn(world)` against a started bot."""

    async def main():
        async with FakeBotApi() as api:
            world = World(api, store, simulator or ScriptedSimulator(store), scenarios)
            async with running_bot(api, store, world.simulator, scenarios, **kwargs):
                await coro_fn(world)

    asyncio.run(main())


def buttons(call: Call) -> List[dict]:
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


def callback_data(call: Call) -> List[str]:
    return [b["callback_data"] for b in buttons(call)]


async def keyboard_after(api: FakeBotApi, chat_id: int, since: int) -> Call:
    calls = await api.wait_for(lambda c: c.chat_id == chat_id and bool(buttons(c)), since=since)
    return calls[-1]


async def start_practice(api: FakeBotApi, user: TgUser, scenario_id: str, lang: str, mode: str) -> int:
    """/practice → scenario → language → mode; returns the call index where the session began."""
    mark = len(api.calls)
    await api.say(user, "/practice")
    menu = await keyboard_after(api, user.id, mark)
    assert f"p:s:{scenario_id}" in callback_data(menu)
    mark = len(api.calls)
    await api.tap(user, f"p:s:{scenario_id}")
    assert f"p:l:{scenario_id}:{lang}" in callback_data(await keyboard_after(api, user.id, mark))
    mark = len(api.calls)
    await api.tap(user, f"p:l:{scenario_id}:{lang}")
    assert f"p:m:{scenario_id}:{lang}:{mode}" in callback_data(await keyboard_after(api, user.id, mark))
    mark = len(api.calls)
    await api.tap(user, f"p:m:{scenario_id}:{lang}:{mode}")
    first_line = {"zh": "请开始您的第一句话", "en": "Type your first line"}
    ui = "zh" if (user.language_code or "").startswith("zh") else "en"
    await api.wait_text(user.id, first_line[ui], since=mark)
    return mark
