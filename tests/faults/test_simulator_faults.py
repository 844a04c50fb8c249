"""Faults injected in the middle of live sessions: nothing committed is lost, the trainee is told, the call goes on."""
from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
import uuid

import pytest

from foundation.errors import SimulatorUnavailable
from rasa_client import RasaClient
from progress.store import Store

pytestmark = pytest.mark.rasa

LINES = [
    "Hi, this is Lena from Harbor Bank card services. This call is recorded, and I'm calling about your credit card account.",
    "Could you confirm the last four digits of your card for me?",
    "Your account is 35 days past due, with a balance of $2,300.",
    "Can you tell me a bit about what's been going on?",
]


def new_session_id() -> str:
    return f"fault-{uuid.uuid4().hex[:10]}"


async def send(url, session_id, text):
    async with RasaClient(url, timeout=30.0) as client:
        return await client.send(session_id, text)


async def start(url, session_id):
    async with RasaClient(url, timeout=30.0) as client:
        return await client.start_session(session_id, "wbb-m1-layoff", "en", "coach", "fault-tester")


def committed_turns(db_path, session_id):
    return [t for t in Store.open(db_path).session_turns(session_id) if t["turn_no"] > 0]


def test_action_server_killed_and_restarted(simulator):
    session_id = new_session_id()
    asyncio.run(start(simulator.rasa_url, session_id))
    first = asyncio.run(send(simulator.rasa_url, session_id, LINES[0]))
    simulator.kill_actions()
    with pytest.raises(SimulatorUnavailable):
        asyncio.run(send(simulator.rasa_url, session_id, LINES[1]))
    assert len(committed_turns(simulator.db_path, session_id)) == 1
    simulator.start_actions()
    # The trainee sends the kept message again; the call continues where it was.
    again = asyncio.run(send(simulator.rasa_url, session_id, LINES[1]))
    assert again.turn == first.turn + 1
    assert [t["trainee_text"] for t in committed_turns(simulator.db_path, session_id)] == LINES[:2]


def test_rasa_server_killed_and_restarted_keeps_the_conversation(simulator):
    session_id = new_session_id()
    asyncio.run(start(simulator.rasa_url, session_id))
    before = [asyncio.run(send(simulator.rasa_url, session_id, line)) for line in LINES[:2]]
    simulator.kill_rasa()
    with pytest.raises(SimulatorUnavailable):
        asyncio.run(send(simulator.rasa_url, session_id, LINES[2]))
    simulator.start_rasa()
    after = asyncio.run(send(simulator.rasa_url, session_id, LINES[2]))
    # The tracker lived in SQLite, so the debtor remembers the call: the turn count and state carry on.
    assert after.turn == before[-1].turn + 1
    assert after.state["stage"] != "opening"
    assert [t["trainee_text"] for t in committed_turns(simulator.db_path, session_id)] == LINES[:3]


def test_a_store_locked_by_another_writer_for_seconds_delays_but_loses_nothing(simulator):
    session_id = new_session_id()
    asyncio.run(start(simulator.rasa_url, session_id))
    asyncio.run(send(simulator.rasa_url, session_id, LINES[0]))
    locked = threading.Event()

    def hold_lock(seconds: float) -> None:
        connection = sqlite3.connect(simulator.db_path, timeout=30)
        connection.execute("begin exclusive")
        locked.set()
        time.sleep(seconds)
        connection.rollback()
        connection.close()

    holder = threading.Thread(target=hold_lock, args=(3.0,))
    holder.start()
    locked.wait(10)
    started = time.monotonic()
    reply = asyncio.run(send(simulator.rasa_url, session_id, LINES[1]))
    waited = time.monotonic() - started
    holder.join()
    assert reply.error is None and reply.text
    assert waited >= 2.0, "the turn should have waited for the lock, not skipped the write"
    assert [t["trainee_text"] for t in committed_turns(simulator.db_path, session_id)] == LINES[:2]


def test_a_message_sent_twice_under_one_key_is_played_and_logged_once(simulator):
    """A client that timed out while Rasa was still working sends the line again with the same key:
    the trainee gets the same debtor line, the store one turn and one set of violations."""
    session_id = new_session_id()
    threat = "Pay today or we will tell your employer and sue you."

    async def call():
        async with RasaClient(simulator.rasa_url, timeout=30.0) as client:
            await client.start_session(session_id, "wbb-m1-layoff", "en", "coach", "fault-tester")
            first = await client.send(session_id, threat, message_key="tg:9:501")
            again = await client.send(session_id, threat, message_key="tg:9:501")
            nxt = await client.send(session_id, LINES[3], message_key="tg:9:502")
            return first, again, nxt

    first, again, nxt = asyncio.run(call())
    assert first.findings["violations"] and not first.replayed
    assert again.replayed and (again.turn, again.text, again.outcome) == (first.turn, first.text, first.outcome)
    assert again.findings == first.findings and again.state == first.state
    assert nxt.turn == first.turn + 1 and not nxt.replayed
    turns = committed_turns(simulator.db_path, session_id)
    assert [(t["trainee_text"], t["message_key"]) for t in turns] == [(threat, "tg:9:501"), (LINES[3], "tg:9:502")]
    store = Store.open(simulator.db_path)
    assert store.session(session_id)["violation_count"] == len(first.findings["violations"]) + len(
        nxt.findings["violations"])
    assert len(store.session_violations(session_id)) == store.session(session_id)["violation_count"]
