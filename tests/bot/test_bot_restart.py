"""What a bot restart must not lose or repeat: held lines, reminders sent; and idle sessions get closed.

Each test stops one Application and starts a new one on a new Store object over the same SQLite
file, so only what is in the file carries over (the simulator, like Rasa, keeps running).
"""
from __future__ import annotations

import asyncio
import datetime as dt

from bot_world import ALICE, LEAD, XIAOMING, running_bot, start_practice
from fake_simulator import ScriptedSimulator
from fake_telegram import FakeBotApi

from bot import jobs
from progress.store import ABANDONED_AFTER_MINUTES, Store, utc_now

HELD = ["first line while the simulator is down", "second line while it is still down"]


def scenario_in(scenarios, lang):
    return sorted(sid for sid, s in scenarios.items() if lang in s.languages)[0]


async def eventually(check, timeout=5.0):
    """The Bot API server sees a message a moment before the bot has recorded that it sent it."""
    for _ in range(int(timeout / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()


def listening(call, chat_id):
    return call.chat_id == chat_id and "I'm listening" in call.text


def test_lines_held_during_an_outage_survive_a_bot_restart(tmp_path, scenarios):
    path = tmp_path / "dojo.db"

    async def main():
        action_store = Store.open(path)  # the action server's own connection, as in production
        simulator = ScriptedSimulator(action_store)
        async with FakeBotApi() as api:
            first_store = Store.open(path)
            async with running_bot(api, first_store, simulator, scenarios):
                await start_practice(api, ALICE, scenario_in(scenarios, "en"), "en", "coach")
                simulator.available = False
                mark = len(api.calls)
                for line in HELD:
                    await api.say(ALICE, line)
                await api.wait_for(lambda c: "briefly unavailable" in c.text, since=mark, count=2)
            first_store.close()
            [session] = action_store.sessions_for(f"tg:{ALICE.id}")
            assert session["channel"] == "telegram"
            assert [m["text"] for m in action_store.pending_messages(session["id"])] == HELD

            second_store = Store.open(path)
            async with running_bot(api, second_store, simulator, scenarios):
                await asyncio.sleep(0.8)  # replay job runs against a simulator still down: nothing is lost
                assert simulator.received == []
                assert len(second_store.pending_messages(session["id"])) == 2
                mark = len(api.calls)
                simulator.available = True
                await api.wait_text(ALICE.id, "The simulator is back", since=mark)
                await api.wait_for(lambda c: listening(c, ALICE.id), since=mark, count=2)
                await asyncio.sleep(1.0)  # several more replay runs: nothing is sent twice
                assert [text for _, text in simulator.received] == HELD
                assert sum(listening(c, ALICE.id) for c in api.calls[mark:]) == 2
                assert second_store.pending_messages() == []
                mark = len(api.calls)
                await api.say(ALICE, "shall we agree a payment plan?")
                await api.wait_text(ALICE.id, "Report card", since=mark)
            second_store.close()
        turns = action_store.session_turns(session["id"])
        assert [(t["turn_no"], t["trainee_text"]) for t in turns] == [
            (1, HELD[0]), (2, HELD[1]), (3, "shall we agree a payment plan?")]
        action_store.close()

    asyncio.run(main())


def test_a_line_answered_before_the_restart_is_not_replayed_after_it(tmp_path, scenarios):
    path = tmp_path / "dojo.db"

    async def main():
        simulator = ScriptedSimulator(Store.open(path))
        async with FakeBotApi() as api:
            async with running_bot(api, Store.open(path), simulator, scenarios):
                await start_practice(api, ALICE, scenario_in(scenarios, "en"), "en", "coach")
                await api.say(ALICE, "answered at once")
                await api.wait_for(lambda c: listening(c, ALICE.id))
            async with running_bot(api, Store.open(path), simulator, scenarios):
                await asyncio.sleep(1.0)
                mark = len(api.calls)
                await api.say(ALICE, "after the restart")
                await api.wait_for(lambda c: listening(c, ALICE.id), since=mark)
        assert [text for _, text in simulator.received] == ["answered at once", "after the restart"]
        assert not any("The simulator is back" in c.text for c in api.calls)

    asyncio.run(main())


def test_a_reminder_is_sent_once_even_across_a_restart(tmp_path, scenarios):
    path = tmp_path / "dojo.db"
    sid = scenario_in(scenarios, "en")
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    def reminders(api, chat_id):
        return [text for text in api.texts_to(chat_id) if "Reminder" in text]

    async def main():
        async with FakeBotApi() as api:
            store = Store.open(path)
            async with running_bot(api, store, ScriptedSimulator(store), scenarios):
                for user in (LEAD, ALICE, XIAOMING):
                    await api.say(user, "/start")
                    await api.wait_text(user.id, "CollectorDojo")
                first = store.assign(f"tg:{LEAD.id}", f"tg:{ALICE.id}", sid, "exam", tomorrow)
                await api.wait_text(ALICE.id, "Reminder", timeout=5)
                assert await eventually(lambda: store.assignment(first["id"])["reminded_at"] is not None)
            store.close()
            store = Store.open(path)
            async with running_bot(api, store, ScriptedSimulator(store), scenarios):
                # A new assignment proves the restarted bot's reminder job is running.
                second = store.assign(f"tg:{LEAD.id}", f"tg:{XIAOMING.id}", sid, "coach", tomorrow)
                await api.wait_for(lambda c: c.chat_id == XIAOMING.id and "提醒" in c.text, timeout=5)
                await asyncio.sleep(1.0)  # several more job runs after the restart
                assert store.assignment(second["id"])["reminded_at"] is not None
            store.close()
        assert len(reminders(api, ALICE.id)) == 1
        assert sum("提醒" in text for text in api.texts_to(XIAOMING.id)) == 1

    asyncio.run(main())


def test_the_abandon_job_closes_an_idle_session_and_frees_the_trainee(tmp_path, scenarios):
    path = tmp_path / "dojo.db"
    offset = [dt.timedelta(0)]
    sid = scenario_in(scenarios, "en")
    assert jobs.ABANDON_AFTER_MINUTES == ABANDONED_AFTER_MINUTES

    async def main():
        store = Store.open(path, clock=lambda: utc_now() + offset[0])
        offset[0] = -dt.timedelta(minutes=jobs.ABANDON_AFTER_MINUTES + 5)
        store.start_session("idle-1", f"tg:{ALICE.id}", sid, "en", "coach", "telegram")
        offset[0] = -dt.timedelta(minutes=jobs.ABANDON_AFTER_MINUTES - 5)
        store.start_session("recent-1", "tg:777", sid, "en", "coach", "telegram")
        offset[0] = dt.timedelta(0)
        assert store.active_session_for(f"tg:{ALICE.id}")["id"] == "idle-1"
        async with FakeBotApi() as api:
            async with running_bot(api, store, ScriptedSimulator(store), scenarios,
                                   abandon_interval=dt.timedelta(seconds=0.3)):
                assert await eventually(lambda: store.session("idle-1")["status"] == "abandoned")
                assert store.session("recent-1")["status"] == "active"
                assert store.session_turns("idle-1") == []
                await start_practice(api, ALICE, sid, "en", "coach")
        assert [s["status"] for s in store.sessions_for(f"tg:{ALICE.id}")] == ["active", "abandoned"]
        store.close()

    asyncio.run(main())


def test_an_update_delivered_again_after_a_restart_is_played_once(tmp_path, scenarios):
    """Telegram re-sends an update whose offset the killed bot never confirmed: the new process has
    no memory of it, but the message key it carries to the simulator does."""
    path = tmp_path / "dojo.db"

    async def main():
        action_store = Store.open(path)
        simulator = ScriptedSimulator(action_store)
        async with FakeBotApi() as api:
            first_store = Store.open(path)
            async with running_bot(api, first_store, simulator, scenarios):
                await start_practice(api, ALICE, scenario_in(scenarios, "en"), "en", "coach")
                mark = len(api.calls)
                update_id = await api.say(ALICE, "you idiot, pay up")
                await api.wait_text(ALICE.id, "complaint", since=mark)
            first_store.close()
            second_store = Store.open(path)
            async with running_bot(api, second_store, simulator, scenarios):
                await asyncio.sleep(1.2)  # the stopped bot's last long poll (1 s) must not swallow the update
                mark = len(api.calls)
                await api.push_again(update_id)
                await api.wait_text(ALICE.id, "complaint", since=mark)  # the trainee sees the line again
                await api.settle()
                assert second_store.pending_messages() == []
            second_store.close()
        [session] = action_store.sessions_for(f"tg:{ALICE.id}")
        assert len(simulator.keys) == 2 and simulator.keys[0] == simulator.keys[1] is not None
        assert [t["trainee_text"] for t in action_store.session_turns(session["id"])] == ["you idiot, pay up"]
        assert action_store.session(session["id"])["violation_count"] == 1
        action_store.close()

    asyncio.run(main())
