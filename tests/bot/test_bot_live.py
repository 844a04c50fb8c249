"""The bot against the real simulator: trained Rasa model, real action server, real store (slow, `rasa`)."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from bot_world import running_bot, start_practice
from fake_telegram import FakeBotApi, TgUser

from rasa_client import RasaClient
from progress.store import Store

pytestmark = pytest.mark.rasa

LINES = {
    "en": ["Hello, this is Sam from the card centre, and this call is recorded.",
           "Before we go on, can you confirm your date of birth for me?",
           "I understand things have been hard lately, and I appreciate you talking with me."],
    "zh": ["您好，我是信用卡中心的小王，本次通话会录音。",
           "为了核实身份，请您告诉我身份证后四位。",
           "我理解您最近压力很大，谢谢您愿意和我沟通。"],
}
UI = {"en": {"report": "Report card", "down": "briefly unavailable", "back": "The simulator is back"},
      "zh": {"report": "成绩单", "down": "暂时不可用", "back": "模拟器已恢复"}}


def scenario_for(scenarios, lang):
    return sorted(sid for sid, s in scenarios.items() if lang in s.languages)[0]


@pytest.mark.parametrize("lang, user", [("en", TgUser(5101, "Eve", "eve_live", "en")),
                                        ("zh", TgUser(5102, "小红", "xiaohong_live", "zh-hans"))])
def test_live_session_from_start_to_report_card(simulator, scenarios, lang, user):
    store = Store.open(simulator.db_path)
    scenario_id = scenario_for(scenarios, lang)
    debtor = scenarios[scenario_id].card(lang)["debtor_name"]

    async def main():
        async with FakeBotApi() as api, RasaClient(simulator.rasa_url, timeout=30.0) as rasa:
            async with running_bot(api, store, rasa, scenarios):
                await api.say(user, "/start")
                mark = await start_practice(api, user, scenario_id, lang, "coach")
                await api.wait_text(user.id, f"🗣 <b>{debtor}</b>", since=mark, timeout=30)
                for line in LINES[lang]:
                    mark = len(api.calls)
                    await api.say(user, line)
                    await api.wait_text(user.id, f"🗣 <b>{debtor}</b>", since=mark, timeout=30)
                mark = len(api.calls)
                await api.say(user, "/end")
                card = await api.wait_text(user.id, UI[lang]["report"], since=mark, timeout=30)
                assert any(word in card.text for word in ("PASS", "FAIL", "通过"))

    asyncio.run(main())
    session = store.sessions_for(f"tg:{user.id}")[0]
    assert session["status"] == "completed"
    assert [t["trainee_text"] for t in store.session_turns(session["id"])][-3:] == LINES[lang]


@pytest.mark.parametrize("outage", ["rasa", "actions"])
def test_live_outage_mid_session_resumes(simulator, scenarios, outage):
    store = Store.open(simulator.db_path)
    user = TgUser(5200 + (outage == "actions"), "Olga", f"olga_{outage}", "en")
    scenario_id = scenario_for(scenarios, "en")
    debtor = scenarios[scenario_id].card("en")["debtor_name"]
    stop = simulator.stop_rasa if outage == "rasa" else simulator.stop_actions
    start = simulator.start_rasa if outage == "rasa" else simulator.start_actions

    async def main():
        async with FakeBotApi() as api, RasaClient(simulator.rasa_url, timeout=30.0) as rasa:
            async with running_bot(api, store, rasa, scenarios, replay_interval=dt.timedelta(seconds=1)):
                mark = await start_practice(api, user, scenario_id, "en", "coach")
                await api.wait_text(user.id, f"🗣 <b>{debtor}</b>", since=mark, timeout=30)
                await asyncio.to_thread(stop)
                mark = len(api.calls)
                await api.say(user, LINES["en"][0])
                await api.wait_text(user.id, UI["en"]["down"], since=mark, timeout=40)
                await asyncio.to_thread(start)
                await api.wait_text(user.id, UI["en"]["back"], since=mark, timeout=120)
                await api.wait_text(user.id, f"🗣 <b>{debtor}</b>", since=mark, timeout=60)

    asyncio.run(main())
    session = store.active_session_for(f"tg:{user.id}")
    assert session is not None
    assert [t["trainee_text"] for t in store.session_turns(session["id"])][-1:] == [LINES["en"][0]]
