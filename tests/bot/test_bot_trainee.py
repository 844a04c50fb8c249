"""A trainee's whole session over the real Application and HTTP stack, in Chinese and in English."""
from __future__ import annotations

import pytest
from bot_world import ALICE, XIAOMING, buttons, callback_data, keyboard_after, run, start_practice

from bot.render import TELEGRAM_LIMIT, visible_text


def first_scenario(scenarios, lang):
    return sorted(sid for sid, s in scenarios.items() if lang in s.languages)[0]


@pytest.mark.parametrize("user, lang, expect", [
    (ALICE, "en", {"welcome": "CollectorDojo", "card": "Amount owed", "tip": "Coach's tip", "report": "Report card",
                   "verdict": "FAIL", "outcome": "payment plan", "rude": "idiot", "plan": "Could we agree a payment plan?"}),
    (XIAOMING, "zh", {"welcome": "催收陪练", "card": "欠款", "tip": "教练提示", "report": "成绩单",
                      "verdict": "未通过", "outcome": "分期方案", "rude": "你这个笨蛋", "plan": "我们可以商量一个分期方案吗？"}),
])
def test_full_session_from_start_to_report_card(store, scenarios, user, lang, expect):
    scenario_id = first_scenario(scenarios, lang)

    async def body(world):
        api = world.api
        await api.say(user, "/start")
        await api.wait_text(user.id, expect["welcome"])
        assert store.get_user(f"tg:{user.id}")["role"] == "trainee"
        assert store.get_user(f"tg:{user.id}")["lang"] == lang

        mark = await start_practice(api, user, scenario_id, lang, "coach")
        card = await api.wait_text(user.id, expect["card"], since=mark)
        debtor = scenarios[scenario_id].card(lang)["debtor_name"]
        opening = await api.wait_text(user.id, f"🗣 <b>{debtor}</b>", since=mark)
        assert api.calls.index(card) < api.calls.index(opening)
        assert api.calls_to("sendChatAction", user.id, since=mark)
        assert store.active_session_for(f"tg:{user.id}") is not None

        mark = len(api.calls)
        await api.say(user, expect["rude"])
        tip = await api.wait_text(user.id, expect["tip"], since=mark)
        assert "第六十九条" in tip.text
        mark = len(api.calls)
        await api.say(user, expect["plan"])
        report = await api.wait_text(user.id, expect["report"], since=mark)
        assert expect["outcome"] in report.text and expect["verdict"] in report.text
        assert store.active_session_for(f"tg:{user.id}") is None
        session = store.sessions_for(f"tg:{user.id}")[0]
        assert session["status"] == "completed" and session["outcome"] == "payment_plan"
        assert [t["trainee_text"] for t in store.session_turns(session["id"])] == [expect["rude"], expect["plan"]]

    run(body, store, scenarios)


def test_exam_mode_gives_no_tip_until_the_end(store, scenarios):
    scenario_id = first_scenario(scenarios, "en")

    async def body(world):
        api = world.api
        await start_practice(api, ALICE, scenario_id, "en", "exam")
        mark = len(api.calls)
        await api.say(ALICE, "listen you idiot")
        await api.wait_text(ALICE.id, "complaint", since=mark)
        await api.settle()
        assert not any("Coach's tip" in text for text in api.texts_to(ALICE.id, mark))
        mark = len(api.calls)
        await api.say(ALICE, "/end")
        report = await api.wait_text(ALICE.id, "Report card", since=mark)
        assert "FAIL" in report.text and "abusive language" in report.text

    run(body, store, scenarios)


def test_text_without_a_session_points_to_practice(store, scenarios):
    async def body(world):
        await world.api.say(ALICE, "hello?")
        await world.api.wait_text(ALICE.id, "/practice")
        assert world.simulator.received == []

    run(body, store, scenarios)


def test_second_practice_while_active_is_refused(store, scenarios):
    scenario_id = first_scenario(scenarios, "en")

    async def body(world):
        api = world.api
        await start_practice(api, ALICE, scenario_id, "en", "coach")
        mark = len(api.calls)
        await api.say(ALICE, "/practice")
        await api.wait_text(ALICE.id, "already have a session", since=mark)
        assert len(store.sessions_for(f"tg:{ALICE.id}")) == 1

    run(body, store, scenarios)


def test_history_and_transcript_only_for_the_owner(store, scenarios):
    scenario_id = first_scenario(scenarios, "en")

    async def body(world):
        api = world.api
        await start_practice(api, ALICE, scenario_id, "en", "coach")
        await api.say(ALICE, "a payment plan then?")
        await api.wait_text(ALICE.id, "Report card")
        mark = len(api.calls)
        await api.say(ALICE, "/history")
        menu = await keyboard_after(api, ALICE.id, mark)
        [data] = [d for d in callback_data(menu) if d.startswith("h:")]
        assert "85" in buttons(menu)[0]["text"]
        mark = len(api.calls)
        await api.tap(ALICE, data)
        transcript = await api.wait_text(ALICE.id, "Transcript", since=mark)
        assert "a payment plan then?" in transcript.text
        # Another trainee cannot open Alice's transcript even with a forged button.
        mark = len(api.calls)
        await api.tap(XIAOMING, data)
        await api.wait_text(XIAOMING.id, "无权查看", since=mark)
        assert not any("a payment plan then?" in text for text in api.texts_to(XIAOMING.id, mark))

    run(body, store, scenarios)


def test_progress_shows_scores_level_and_chart(store, scenarios):
    scenario_id = first_scenario(scenarios, "en")

    async def body(world):
        api = world.api
        await start_practice(api, ALICE, scenario_id, "en", "exam")
        await api.say(ALICE, "shall we do a plan?")
        await api.wait_text(ALICE.id, "Report card")
        mark = len(api.calls)
        await api.say(ALICE, "/progress")
        text = await api.wait_text(ALICE.id, "Progress of", since=mark)
        assert "Sessions completed: 1 (1 exams)" in text.text and "Left for level" in text.text
        [photo] = await api.wait_for(lambda c: c.method == "sendPhoto" and c.chat_id == ALICE.id, since=mark)
        assert photo.params["photo"]["content"].startswith(b"\x89PNG")

    run(body, store, scenarios)


def test_language_switch_persists(store, scenarios):
    async def body(world):
        api = world.api
        await api.say(ALICE, "/language")
        menu = await keyboard_after(api, ALICE.id, 0)
        assert set(callback_data(menu)) == {"lang:zh", "lang:en"}
        await api.tap(ALICE, "lang:zh")
        await api.wait_text(ALICE.id, "之后我会用中文")
        assert store.get_user(f"tg:{ALICE.id}")["lang"] == "zh"
        mark = len(api.calls)
        await api.say(ALICE, "/help")
        await api.wait_text(ALICE.id, "可用命令", since=mark)

    run(body, store, scenarios)


def test_long_transcript_is_split_under_the_limit(store, scenarios):
    scenario_id = first_scenario(scenarios, "en")
    store.ensure_user(f"tg:{ALICE.id}", name="alice", telegram_id=ALICE.id, lang="en")
    store.start_session("long-1", f"tg:{ALICE.id}", scenario_id, "en", "coach", "telegram")
    for turn in range(1, 41):
        store.record_turn("long-1", turn, f"<line {turn}> " + "please & thank you " * 12, "greet", 0.9,
                          "I hear you. " * 15, {"anger": 0.2}, {"violations": []}, None)

    async def body(world):
        api = world.api
        mark = len(api.calls)
        await api.tap(ALICE, "h:long-1")
        await api.wait_text(ALICE.id, "&lt;line 40&gt;", since=mark)
        parts = [c for c in api.calls_to("sendMessage", ALICE.id, since=mark)]
        assert len(parts) >= 3
        assert all(len(visible_text(c.text)) <= TELEGRAM_LIMIT for c in parts)
        assert all(c.params.get("parse_mode") == "HTML" for c in parts)

    run(body, store, scenarios)
