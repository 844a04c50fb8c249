"""Behaving like a good Telegram bot: odd messages, groups, outages, restarts, duplicates, flood control."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket

import pytest
from aiohttp import ClientSession
from bot_world import ALICE, LEAD, World, bot_settings, run, running_bot, start_practice
from fake_simulator import ScriptedSimulator
from fake_telegram import Fault, FakeBotApi

from bot.app import build_application
from bot.main import SECRET_HEADER, serve_webhook
from rasa_client import RasaClient


def en_scenario(scenarios):
    return sorted(sid for sid, s in scenarios.items() if "en" in s.languages)[0]


SENDERS = ["send_sticker", "send_photo", "send_voice", "send_file"]


@pytest.mark.parametrize("in_session", [False, True], ids=["idle", "in-session"])
@pytest.mark.parametrize("sender", SENDERS)
def test_non_text_messages_ask_for_text_and_are_not_turns(store, scenarios, sender, in_session):
    async def body(world):
        api = world.api
        if in_session:
            await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
        mark = len(api.calls)
        await getattr(api, sender)(ALICE)
        await api.wait_text(ALICE.id, "cannot see pictures" if in_session else "only understand text", since=mark)
        assert world.simulator.received == []
        for session in store.sessions_for(f"tg:{ALICE.id}"):
            assert store.session_turns(session["id"]) == []

    run(body, store, scenarios)


def test_a_stale_button_is_answered(store, scenarios):
    async def body(world):
        await world.api.tap(ALICE, "v1:old-button")
        [answer] = await world.api.wait_for(lambda c: c.method == "answerCallbackQuery")
        assert "no longer works" in answer.params["text"]

    run(body, store, scenarios)


def test_edited_message_is_not_replayed_to_the_debtor(store, scenarios):
    async def body(world):
        api = world.api
        await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
        await api.say(ALICE, "good morning")
        await api.wait_text(ALICE.id, "I'm listening")
        mark = len(api.calls)
        await api.edit(ALICE, "good morning, you idiot")
        await api.wait_text(ALICE.id, "Edited messages do not reach the debtor", since=mark)
        assert [text for _, text in world.simulator.received] == ["good morning"]

    run(body, store, scenarios)


def test_group_chats_get_a_polite_refusal_and_nothing_else(store, scenarios):
    async def body(world):
        api = world.api
        mark = len(api.calls)
        await api.say(ALICE, "/start", chat_type="group")
        refusal = await api.wait_text(-1000 - ALICE.id, "only work in private chats", since=mark)
        await api.say(ALICE, "just chatting in the group", chat_type="supergroup")
        await api.tap(ALICE, "p:s:anything", chat_type="group")
        [alert] = await api.wait_for(lambda c: c.method == "answerCallbackQuery", since=mark)
        assert "private" in alert.params["text"]
        await api.settle()
        assert store.get_user(f"tg:{ALICE.id}") is None
        assert [c for c in api.calls_to("sendMessage", since=mark)] == [refusal]

    run(body, store, scenarios)


def test_added_to_a_group_the_bot_explains_and_leaves(store, scenarios):
    async def body(world):
        api = world.api
        await api.add_to_group(ALICE)
        await api.wait_text(-1000 - ALICE.id, "only work in private chats")
        await api.wait_for(lambda c: c.method == "leaveChat" and c.chat_id == -1000 - ALICE.id)
        assert store.get_user(f"tg:{ALICE.id}") is None

    run(body, store, scenarios)


def test_rasa_outage_mid_session_keeps_messages_and_resumes(store, scenarios):
    async def body(world):
        api, simulator = world.api, world.simulator
        await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
        simulator.available = False
        mark = len(api.calls)
        await api.say(ALICE, "first line during the outage")
        await api.wait_text(ALICE.id, "briefly unavailable", since=mark)
        await api.say(ALICE, "second line during the outage")
        await api.wait_for(lambda c: "briefly unavailable" in c.text, since=mark, count=2)
        await asyncio.sleep(0.8)  # the replay job runs, sees the simulator still down, and stays quiet
        assert sum("briefly unavailable" in t for t in api.texts_to(ALICE.id, mark)) == 2
        simulator.available = True
        mark = len(api.calls)
        await api.wait_text(ALICE.id, "The simulator is back", since=mark)
        await api.wait_for(lambda c: "I'm listening" in c.text, since=mark, count=2)
        assert [text for _, text in simulator.received] == ["first line during the outage",
                                                            "second line during the outage"]
        mark = len(api.calls)
        await api.say(ALICE, "so, a payment plan?")
        await api.wait_text(ALICE.id, "Report card", since=mark)
        session = store.sessions_for(f"tg:{ALICE.id}")[0]
        assert [t["turn_no"] for t in store.session_turns(session["id"])] == [1, 2, 3]

    run(body, store, scenarios)


def test_outage_replays_on_the_next_message_before_it(store, scenarios):
    async def body(world):
        api, simulator = world.api, world.simulator
        await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
        simulator.available = False
        await api.say(ALICE, "held line")
        await api.wait_text(ALICE.id, "briefly unavailable")
        simulator.available = True
        await api.say(ALICE, "new line")
        await api.wait_for(lambda c: "I'm listening" in c.text, count=2)
        assert [text for _, text in simulator.received] == ["held line", "new line"]

    run(body, store, scenarios, replay_interval=dt.timedelta(hours=1))


def test_unreachable_rasa_with_the_real_client(store, scenarios):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]

    async def body(world):
        api = world.api
        mark = len(api.calls)
        await api.say(ALICE, "/practice")
        await asyncio.sleep(0.3)
        sid = en_scenario(scenarios)
        await api.tap(ALICE, f"p:m:{sid}:en:coach")
        await api.wait_text(ALICE.id, "could not start", since=mark)
        assert store.active_session_for(f"tg:{ALICE.id}") is None
        mark = len(api.calls)
        await api.say(ALICE, "/help")
        await api.wait_text(ALICE.id, "Your commands", since=mark)

    async def main():
        async with FakeBotApi() as api, RasaClient(f"http://127.0.0.1:{dead_port}", timeout=2.0) as rasa:
            async with running_bot(api, store, rasa, scenarios):
                await body(World(api, store, None, scenarios))

    asyncio.run(main())


def test_bot_restart_mid_session_keeps_session_and_roles(store, scenarios):
    async def main():
        async with FakeBotApi() as api:
            simulator = ScriptedSimulator(store)
            async with running_bot(api, store, simulator, scenarios):
                await api.say(LEAD, "/start")
                await api.wait_text(LEAD.id, "team lead")
                await api.say(LEAD, "/promote @alice trainer")  # Alice is unknown yet: refused cleanly
                await api.wait_text(LEAD.id, "No user @alice")
                await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
                await api.say(ALICE, "hello before the restart")
                await api.wait_text(ALICE.id, "I'm listening")
            # A new Application: nothing of the old one's memory survives, only the store (and Rasa).
            async with running_bot(api, store, simulator, scenarios):
                mark = len(api.calls)
                await api.say(ALICE, "about that payment plan")
                await api.wait_text(ALICE.id, "Report card", since=mark)
                mark = len(api.calls)
                await api.say(LEAD, "/team")
                await api.wait_text(LEAD.id, "Team overview", since=mark)
        session = store.sessions_for(f"tg:{ALICE.id}")[0]
        assert [t["trainee_text"] for t in store.session_turns(session["id"])] == [
            "hello before the restart", "about that payment plan"]

    asyncio.run(main())


def test_duplicate_update_is_handled_once(store, scenarios):
    async def body(world):
        api = world.api
        await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
        update_id = await api.say(ALICE, "only once please")
        await api.wait_text(ALICE.id, "I'm listening")
        await api.push_again(update_id)
        await api.settle()
        assert [text for _, text in world.simulator.received] == ["only once please"]

    run(body, store, scenarios)


def test_flood_control_and_bad_gateway_are_retried(store, scenarios):
    async def body(world):
        api = world.api
        api.fail_next("sendMessage", Fault(status=429, retry_after=1), Fault(status=502), Fault(delay=0.2))
        mark = len(api.calls)
        await api.say(ALICE, "/help")
        attempts = await api.wait_for(lambda c: c.method == "sendMessage" and "Your commands" in c.text,
                                      since=mark, count=3, timeout=15)  # 429, then 502, then the slow success
        await api.settle()
        assert len(api.calls_to("sendMessage", ALICE.id, since=mark)) == 3
        assert attempts[1].at - attempts[0].at >= 1.0  # retry_after was honoured

    run(body, store, scenarios)


def test_optional_calls_rejected_by_the_server_are_skipped(store, scenarios, caplog):
    async def main():
        async with FakeBotApi() as api:
            for method in ("setMyCommands", "sendChatAction", "deleteMyCommands"):
                api.reject_always(method)
            simulator = ScriptedSimulator(store)
            with caplog.at_level(logging.WARNING):
                async with running_bot(api, store, simulator, scenarios):
                    await api.say(LEAD, "/start")
                    await api.wait_text(LEAD.id, "team lead")
                    await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
                    await api.say(ALICE, "a payment plan, then")
                    await api.wait_text(ALICE.id, "Report card")
        assert "setMyCommands" in caplog.text and "skipped" in caplog.text

    asyncio.run(main())


def test_token_never_appears_in_logs(store, scenarios, caplog):
    async def body(world):
        api = world.api
        api.fail_next("sendMessage", Fault(status=502))
        api.fail_next("sendChatAction", Fault(status=400, description="Bad Request: chat not found"))
        await api.say(ALICE, "/start")
        await api.wait_text(ALICE.id, "CollectorDojo")

    with caplog.at_level(logging.DEBUG):
        run(body, store, scenarios)
    token = FakeBotApi().token
    assert caplog.text and token not in caplog.text
    assert token.split(":")[1] not in caplog.text


def test_assignments_due_within_a_day_are_reminded_once(store, scenarios):
    sid = en_scenario(scenarios)

    async def body(world):
        api = world.api
        for user in (LEAD, ALICE):
            await api.say(user, "/start")
            await api.wait_text(user.id, "CollectorDojo")
        tomorrow = dt.date.today() + dt.timedelta(days=1)
        store.assign(f"tg:{LEAD.id}", f"tg:{ALICE.id}", sid, "exam", tomorrow)
        store.assign(f"tg:{LEAD.id}", f"tg:{ALICE.id}", sid, "coach", tomorrow + dt.timedelta(days=5))
        reminder = await api.wait_text(ALICE.id, "Reminder", timeout=5)
        assert tomorrow.isoformat() in reminder.text
        await asyncio.sleep(1.0)  # several more job runs
        assert sum("Reminder" in text for text in api.texts_to(ALICE.id)) == 1

    run(body, store, scenarios)


def test_webhook_mode_accepts_only_telegrams_secret(store, scenarios):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def main():
        async with FakeBotApi() as api:
            application = build_application(bot_settings(api), store, ScriptedSimulator(store), scenarios=scenarios)
            stop = asyncio.Event()
            server = asyncio.create_task(serve_webhook(application, f"https://dojo.example/tg-hook", "127.0.0.1",
                                                       port, stop=stop))
            [hook] = await api.wait_for(lambda c: c.method == "setWebhook")
            secret = hook.params["secret_token"]
            assert hook.params["url"] == "https://dojo.example/tg-hook"
            update = {"update_id": 77, "message": api.message(ALICE, "/start")}
            await asyncio.sleep(0.2)
            async with ClientSession() as http:
                forged = await http.post(f"http://127.0.0.1:{port}/tg-hook", json=update,
                                         headers={SECRET_HEADER: "guess"})
                assert forged.status == 403
                genuine = await http.post(f"http://127.0.0.1:{port}/tg-hook", json=update,
                                          headers={SECRET_HEADER: secret})
                assert genuine.status == 200
            await api.wait_text(ALICE.id, "CollectorDojo")
            assert len(api.calls_to("sendMessage", ALICE.id)) == 1
            stop.set()
            await asyncio.wait_for(server, 10)

    asyncio.run(main())


def test_a_slow_debtor_does_not_hold_up_other_users(store, scenarios):
    async def body(world):
        api = world.api
        await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
        world.simulator.delay = 1.5
        mark = len(api.calls)
        await api.say(ALICE, "take your time")
        await api.wait_for(lambda c: c.method == "sendChatAction" and c.chat_id == ALICE.id, since=mark)
        await api.say(LEAD, "/help")
        help_call = await api.wait_text(LEAD.id, "Your commands", since=mark)
        debtor_call = await api.wait_text(ALICE.id, "I'm listening", since=mark)
        assert api.calls.index(help_call) < api.calls.index(debtor_call)

    run(body, store, scenarios)


def test_double_tap_on_start_opens_one_session(store, scenarios):
    sid = en_scenario(scenarios)

    async def body(world):
        api = world.api
        await api.tap(ALICE, f"p:m:{sid}:en:coach")
        await api.tap(ALICE, f"p:m:{sid}:en:coach")
        await api.wait_text(ALICE.id, "already have a session")
        await api.settle()
        assert len(store.sessions_for(f"tg:{ALICE.id}")) == 1

    run(body, store, scenarios)


def test_messages_sent_in_a_burst_reach_the_debtor_in_order(store, scenarios):
    async def body(world):
        api = world.api
        await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
        world.simulator.delay = 0.05
        lines = [f"line {n}" for n in range(6)]
        for line in lines:
            await api.say(ALICE, line)
        await api.wait_for(lambda c: "I'm listening" in c.text, count=len(lines))
        assert [text for _, text in world.simulator.received] == lines

    run(body, store, scenarios)


def test_persistent_network_failure_gives_up_without_crashing(store, scenarios):
    async def body(world):
        api = world.api
        api.fail_next("sendMessage", *[Fault(status=502)] * 4)
        mark = len(api.calls)
        await api.say(ALICE, "/help")
        await api.wait_for(lambda c: c.method == "sendMessage" and "Your commands" in c.text, since=mark, count=4,
                           timeout=15)
        # The error handler's neutral answer gets through once the server recovers; the bot keeps running.
        await api.wait_text(ALICE.id, "something went wrong", since=mark, timeout=15)
        mark = len(api.calls)
        await api.say(ALICE, "/help")
        await api.wait_text(ALICE.id, "Your commands", since=mark)

    run(body, store, scenarios)


def test_session_and_outage_through_the_real_rasa_client(store, scenarios):
    """Bot ⇄ real RasaClient ⇄ HTTP ⇄ a REST-channel stand-in: the wire format and 500s, end to end."""
    from fake_rasa import FakeRasaServer

    async def main():
        simulator = ScriptedSimulator(store)
        async with FakeBotApi() as api, FakeRasaServer(simulator) as rasa_server, \
                RasaClient(rasa_server.url, timeout=5.0) as rasa:
            async with running_bot(api, store, rasa, scenarios):
                await start_practice(api, ALICE, en_scenario(scenarios), "en", "coach")
                mark = len(api.calls)
                await api.say(ALICE, "pay up, you idiot")
                await api.wait_text(ALICE.id, "Coach's tip", since=mark)
                rasa_server.failing = True
                mark = len(api.calls)
                await api.say(ALICE, "sorry, let me start again")
                await api.wait_text(ALICE.id, "briefly unavailable", since=mark)
                rasa_server.failing = False
                await api.wait_text(ALICE.id, "I'm listening", since=mark)
                mark = len(api.calls)
                await api.say(ALICE, "/end")
                card = await api.wait_text(ALICE.id, "Report card", since=mark)
                assert "FAIL" in card.text and "abusive language" in card.text
        assert [text for _, text in simulator.received] == ["pay up, you idiot",
                                                            "sorry, let me start again"]
        # The start message carried channel="telegram" over the wire; the "action server" stored it.
        assert [s["channel"] for s in store.sessions_for(f"tg:{ALICE.id}")] == ["telegram"]

    asyncio.run(main())
