"""Traditional characters and odd lines through the real model and action server.

A Traditional-Chinese trainee is understood as well as a Simplified one (the NLU normalises the
script ahead of the tokenizer, rasa_plugins/normalizer.py), so the same call reaches the same outcome.
An empty line, a 10,000-character line and an emoji-only line each still get a debtor reply and a
logged turn.
"""
from __future__ import annotations

import asyncio
import uuid

import pytest
from opencc import OpenCC

from rasa_client import RasaClient
from progress.store import Store
from test_whole_calls import GOOD_OUTCOMES, SCRIPTS, play, scenario_for, transcript

pytestmark = pytest.mark.rasa
TO_TRADITIONAL = OpenCC("s2t")


@pytest.mark.parametrize("persona", ["willing_but_broke", "able_but_unwilling", "hostile", "evasive"])
def test_a_traditional_chinese_call_reaches_the_same_outcome_as_its_simplified_twin(simulator, persona):
    scenario = scenario_for(persona, "zh")
    simplified = SCRIPTS["compliant"][persona]["zh"]
    traditional = [TO_TRADITIONAL.convert(line) for line in simplified]
    assert traditional != simplified
    _, plain = asyncio.run(play(simulator.rasa_url, scenario.id, "zh", simplified))
    _, twin = asyncio.run(play(simulator.rasa_url, scenario.id, "zh", traditional))
    assert plain[-1].outcome in GOOD_OUTCOMES, transcript(plain)
    assert twin[-1].outcome == plain[-1].outcome, transcript(twin)
    assert [r.intent for r in twin] == [r.intent for r in plain], transcript(twin)


@pytest.mark.parametrize("line", ["", "我理解您的难处，" * 1250, "😀🙏😅"], ids=["empty", "10000-chars", "emoji-only"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_odd_lines_still_get_a_reply_and_a_logged_turn(simulator, line, lang):
    scenario = scenario_for("willing_but_broke", lang)
    if len(line) > 100 and lang == "en":
        line = "I understand this is hard. " * 371
    session_id = f"odd-{uuid.uuid4().hex[:10]}"

    async def run():
        async with RasaClient(simulator.rasa_url, timeout=60.0) as client:
            await client.start_session(session_id, scenario.id, lang, "coach", "pytest-trainee")
            return await client.send(session_id, line)

    reply = asyncio.run(run())
    assert reply.text
    assert reply.turn == 1
    turns = [t for t in Store.open(simulator.db_path).session_turns(session_id) if t["turn_no"] > 0]
    assert len(turns) == 1 and turns[0]["debtor_reply"] == reply.text
