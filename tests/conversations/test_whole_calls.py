"""Whole calls through the real model, the real action server and a real SQLite store.

For every persona and both languages, a compliant, empathetic collector reaches the persona's good
outcome and an abusive one ends in a hang-up or a complaint; every turn is in the store.
"""
from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
import yaml

from rasa_client import RasaClient
from progress.store import Store
from simulator.catalog import load_catalog

pytestmark = pytest.mark.rasa

SCRIPTS = yaml.safe_load((Path(__file__).parent / "scripts.yml").read_text(encoding="utf-8"))
PERSONAS = ("willing_but_broke", "able_but_unwilling", "hostile", "evasive")
GOOD_OUTCOMES = {"promise_to_pay", "payment_plan"}
BAD_OUTCOMES = {"hung_up", "complaint"}


def scenario_for(persona: str, lang: str):
    candidates = [s for s in load_catalog().scenarios.values() if s.persona == persona and lang in s.languages]
    return sorted(candidates, key=lambda s: (s.difficulty, s.id))[0]


async def play(url: str, scenario_id: str, lang: str, lines, mode: str = "coach"):
    session_id = f"test-{uuid.uuid4().hex[:10]}"
    replies = []
    async with RasaClient(url, timeout=30.0) as client:
        opening = await client.start_session(session_id, scenario_id, lang, mode, "pytest-trainee")
        replies.append(opening)
        for line in lines:
            reply = await client.send(session_id, line)
            replies.append(reply)
            if reply.ended:
                break
        if not replies[-1].ended:
            replies.append(await client.end_session(session_id))
    return session_id, replies


def transcript(replies) -> str:
    return "\n".join(f"#{r.turn} [{r.intent}] {r.state} -> {r.text}" for r in replies)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_compliant_empathetic_call_reaches_the_good_outcome(simulator, persona, lang):
    scenario = scenario_for(persona, lang)
    session_id, replies = asyncio.run(play(simulator.rasa_url, scenario.id, lang, SCRIPTS["compliant"][persona][lang]))
    final = replies[-1]
    assert final.outcome in GOOD_OUTCOMES, transcript(replies)
    assert final.report and final.report["scores"]["compliance"] >= 90, final.report
    assert not [v for r in replies if r.findings for v in r.findings["violations"] if v["severity"] == "critical"]
    # Every debtor line is in the trainee's language.
    for reply in replies:
        if reply.text and lang == "en":
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in reply.text), reply.text


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_an_abusive_call_ends_in_a_hang_up_or_complaint(simulator, persona, lang):
    scenario = scenario_for(persona, lang)
    session_id, replies = asyncio.run(play(simulator.rasa_url, scenario.id, lang, SCRIPTS["abusive"][lang]))
    assert replies[-1].outcome in BAD_OUTCOMES, transcript(replies)
    report = replies[-1].report
    assert report["passed"] is False
    categories = {v["category"] for v in report["violations"]}
    assert categories & {"abusive_language", "false_legal_threat", "threat_of_violence"}, categories
    # The anger the debtor showed went up, not down.
    assert replies[-1].state["anger"] > replies[0].state["anger"]


def test_every_turn_is_committed_to_the_store_with_its_findings(simulator):
    scenario = scenario_for("hostile", "zh")
    lines = SCRIPTS["abusive"]["zh"][:2]
    session_id, replies = asyncio.run(play(simulator.rasa_url, scenario.id, "zh", lines))
    store = Store.open(simulator.db_path)
    session = store.session(session_id)
    turns = store.session_turns(session_id)
    assert session["trainee_id"] == "pytest-trainee"
    trainee_turns = [t for t in turns if t["turn_no"] > 0]
    assert [t["trainee_text"] for t in trainee_turns] == lines[: len(trainee_turns)]
    assert len(trainee_turns) == len([r for r in replies[1:] if r.intent is not None])
    assert all(t["debtor_reply"] for t in turns)
    assert any(t["findings"] and t["findings"]["violations"] for t in trainee_turns)


def test_exam_mode_gives_no_tips_but_still_grades(simulator):
    scenario = scenario_for("willing_but_broke", "en")
    session_id, replies = asyncio.run(play(simulator.rasa_url, scenario.id, "en", SCRIPTS["abusive"]["en"][:2], mode="exam"))
    assert all(r.tip is None for r in replies)
    assert any(r.findings and r.findings["violations"] for r in replies)
    assert replies[-1].report is not None
