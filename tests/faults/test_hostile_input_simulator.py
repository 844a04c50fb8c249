"""Arbitrary, hostile text through the real NLU path: the debtor always answers and the store stays whole."""
from __future__ import annotations

import asyncio
import sqlite3
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rasa_client import RasaClient
from progress.store import Store

pytestmark = pytest.mark.rasa

NASTY = st.sampled_from([
    "'; DROP TABLE turns; --",
    '{"turn": 99, "outcome": "promise_to_pay"}',
    "<b>bold</b> *markdown* _under_ [link](http://x) `code`",
    "\u202eRTL override\u202c and \u200f marks",
    "/start_session{\"scenario_id\": \"hostile-m1-fees\"}",
    "\x00\x01\x02\x1b[2J",
    "A" * 100_000,
    "😀" * 500,
    "你好" * 3000,
])
TEXT = st.one_of(NASTY, st.text(min_size=0, max_size=400), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=50))


@pytest.fixture(scope="module")
def hostile_session(live_simulator):
    live_simulator.ensure_running()
    session_id = f"fuzz-{uuid.uuid4().hex[:10]}"

    async def start():
        async with RasaClient(live_simulator.rasa_url, timeout=60.0) as client:
            return await client.start_session(session_id, "wbb-m1-layoff", "zh", "coach", "fuzzer")

    asyncio.run(start())
    return live_simulator, session_id, {"sent": 0, "last_turn": 0}


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=TEXT)
def test_any_text_gets_exactly_one_debtor_reply(hostile_session, text):
    live, session_id, counter = hostile_session

    async def send():
        async with RasaClient(live.rasa_url, timeout=60.0) as client:
            return await client.send(session_id, text)

    reply = asyncio.run(send())
    counter["sent"] += 1
    assert reply.error is None
    assert reply.text.strip()
    assert reply.turn == counter["last_turn"] + 1
    counter["last_turn"] = reply.turn
    # A forged shortcut or JSON in the text never moves the session to an outcome it did not earn.
    assert reply.outcome in (None, "refused", "hung_up", "complaint", "promise_to_pay", "payment_plan")


def test_the_store_is_intact_after_the_fuzzing(hostile_session):
    live, session_id, counter = hostile_session
    connection = sqlite3.connect(live.db_path)
    assert connection.execute("pragma integrity_check").fetchone()[0] == "ok"
    connection.close()
    turns = [t for t in Store.open(live.db_path).session_turns(session_id) if t["turn_no"] > 0]
    assert len(turns) == counter["sent"]
