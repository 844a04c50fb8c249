"""`/drill` over the real Application and HTTP stack: five items graded as they come, the scenario
offered at the end, `/end` mid-set, no drills during a session; a lead's `/team` charts."""
from __future__ import annotations

import asyncio
import datetime as dt

from bot_world import ALICE, LEAD, XIAOMING, callback_data, keyboard_after, run, start_practice

GOOD = {"zh": "我理解您现在很困难，我们一起想办法。您看这周五前先还五百元可以吗？",
        "en": "I understand this is hard, and I want to help. Could you pay $50 by Friday?"}
BAD = {"zh": "你这个骗子，再不还就让你坐牢。", "en": "You deadbeat, pay up or you go to jail."}
WORDS = {"zh": {"intro": "专项练习", "item": "请改写", "passed": "通过", "failed": "还不够", "done": "练习完成",
                "better": "参考说法"},
         "en": {"intro": "Drill set", "item": "Your rewrite", "passed": "Passed", "failed": "Not yet",
                "done": "Drill set done", "better": "Better"}}


async def register(api, user):
    mark = len(api.calls)
    await api.say(user, "/start")
    await api.wait_text(user.id, "CollectorDojo" if user.language_code == "en" else "催收陪练", since=mark)


def test_a_whole_drill_set_in_each_language(store, scenarios):
    async def body(world):
        api = world.api
        for user, lang in ((XIAOMING, "zh"), (ALICE, "en")):
            words = WORDS[lang]
            await register(api, user)
            mark = len(api.calls)
            await api.say(user, "/drill false_legal_threat")
            await api.wait_text(user.id, words["intro"], since=mark)
            await api.wait_text(user.id, words["item"], since=mark)
            for number in range(1, 6):
                mark = len(api.calls)
                await api.say(user, BAD[lang] if number == 2 else GOOD[lang])
                verdict = await api.wait_text(user.id, words["better"], since=mark)
                assert (words["failed"] if number == 2 else words["passed"]) in verdict.text
            await api.wait_text(user.id, words["done"], since=mark)
            offer = await keyboard_after(api, user.id, mark)
            [scenario_button] = callback_data(offer)
            assert scenario_button.startswith("p:s:") and scenario_button[4:] in scenarios
            (drill_set,) = store.drill_sets(f"tg:{user.id}")
            assert drill_set["status"] == "completed" and drill_set["passed"] == 4 and drill_set["lang"] == lang

    run(body, store, scenarios)


def test_end_stops_a_drill_set_and_a_session_blocks_drills(store, scenarios):
    scenario_id = sorted(sid for sid, s in scenarios.items() if "en" in s.languages)[0]

    async def body(world):
        api = world.api
        await register(api, ALICE)
        mark = len(api.calls)
        await api.say(ALICE, "/drill harassment")
        await api.wait_text(ALICE.id, "Item 1/5", since=mark)
        await api.say(ALICE, GOOD["en"])
        await api.wait_text(ALICE.id, "Item 2/5", since=mark)
        mark = len(api.calls)
        await api.say(ALICE, "/end")
        await api.wait_text(ALICE.id, "Drill set ended:", since=mark)
        (drill_set,) = store.drill_sets(f"tg:{ALICE.id}")
        assert drill_set["status"] == "abandoned" and drill_set["focus"] == ["harassment"]
        answered = store.drill_set(drill_set["drill_set"])["attempts"]
        assert [a["rewrite"] is not None for a in answered] == [True, False, False, False, False]

        await start_practice(api, ALICE, scenario_id, "en", "coach")
        mark = len(api.calls)
        await api.say(ALICE, "/drill")
        await api.wait_text(ALICE.id, "finish it with /end", since=mark)

    run(body, store, scenarios)


def test_unknown_drill_topic_is_answered_with_the_topics(store, scenarios):
    async def body(world):
        api = world.api
        await register(api, ALICE)
        mark = len(api.calls)
        await api.say(ALICE, "/drill calling_hours")
        answer = await api.wait_text(ALICE.id, "No drills on calling_hours", since=mark)
        assert "nvc.request" in answer.text

    run(body, store, scenarios)


def test_lead_team_sends_funnel_heatmap_and_cohort_charts(store, scenarios):
    async def body(world):
        api = world.api
        await register(api, LEAD)
        await register(api, ALICE)
        mark = len(api.calls)
        await api.say(LEAD, "/team")
        photos = await api.wait_for(lambda c: c.method == "sendPhoto" and c.chat_id == LEAD.id, since=mark, count=3)
        assert all(p.params["photo"]["content"].startswith(b"\x89PNG") for p in photos)
        assert any("Weak points" in (p.text or "") for p in photos)

    run(body, store, scenarios)


def test_progress_shows_proficiency_and_first_best_latest_per_scenario(store, scenarios):
    scenario_id = sorted(scenarios)[0]

    async def body(world):
        api = world.api
        await register(api, ALICE)
        trainee = f"tg:{ALICE.id}"
        for number, overall in enumerate((50, 82, 70)):
            session_id = f"glance-{number}"
            store.start_session(session_id, trainee, scenario_id, "en", "coach", "telegram")
            store.record_turn(session_id, 1, "hello", "greet", 0.9, "hm", {"anger": 0.3}, {"violations": []}, None)
            store.finish_session(session_id, "payment_plan", {"scores": {"overall": overall, "compliance": 90,
                                                                         "nvc": 60, "deescalation": 70}})
        mark = len(api.calls)
        await api.say(ALICE, "/progress")
        text = (await api.wait_text(ALICE.id, "Per scenario", since=mark)).text
        assert "50 → 82 (latest 70, lift +32, 3 attempts)" in text
        assert "Proficiency" in text

    run(body, store, scenarios)


def test_a_holder_is_reminded_once_before_a_level_lapses(store, scenarios):
    async def body(world):
        api = world.api
        await register(api, LEAD)
        await register(api, ALICE)
        trainee = f"tg:{ALICE.id}"
        grant = store.certify(trainee, 1, by=f"tg:{LEAD.id}", reason="passed")
        soon = (store.clock() + dt.timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S")
        with store.transaction() as db:
            db.execute("update certifications set expires_at = ? where id = ?", [soon, grant["id"]])
        message = await api.wait_text(ALICE.id, "lapses on", timeout=10)
        assert soon[:10] in message.text
        mark = len(api.calls)
        await api.say(ALICE, "/progress")
        await api.wait_text(ALICE.id, f"Lapses on {soon[:10]}", since=mark)
        await asyncio.sleep(1.0)
        assert len([c for c in api.calls_to("sendMessage", ALICE.id) if "lapses on" in c.text]) == 1

    run(body, store, scenarios)
