"""The session report is built from the findings stored with each turn: the scorer runs once per turn."""
from __future__ import annotations

import pytest

import actions.turn_logic as turn_logic
from actions.turn_logic import score_safely, session_report, session_turns, signal_from_score
from progress.store import Store
from scoring import ReplyScore, score_reply, score_session
from simulator.catalog import load_catalog, scenario_rows
from simulator.engine import TraineeAct, advance, initial_state, opening

LINES = [
    "您好，我是星河银行信用卡中心的王敏，本次通话会被录音，想和您聊一下信用卡逾期的事。",
    "请问是张伟先生本人吗？",
    "我理解您最近压力很大，能说说是什么情况吗？",
    "再不还钱我们就上门找你家人，让你单位的人都知道！",
    "我们可以商量一个分期方案，您看每月还五百可以吗？",
]


def _play(store: Store, scenario_id: str = "wbb-m1-layoff", lang: str = "zh"):
    """A call the way action_debtor_turn plays it: grade, move the debtor, store the turn with its findings."""
    catalog = load_catalog()
    scenario = catalog.scenarios[scenario_id]
    persona = catalog.persona_for(scenario)
    store.sync_scenarios(scenario_rows(catalog.scenarios))
    store.start_session("s1", "li", scenario.id, lang, "exam", "cli")
    state = initial_state(persona, scenario, seed="s1")
    turn = opening(state, persona, scenario, lang)
    store.record_turn("s1", 0, "", None, None, turn.reply, turn.state.public(), None, None)
    debtor_said = turn.reply
    for text in LINES:
        score = score_safely(text, lang, scenario.regime, debtor_said)
        act = TraineeAct(intent=None, confidence=0.0, text=text, lang=lang, signal=signal_from_score(score))
        turn = advance(turn.state, persona, scenario, act, lang)
        store.record_turn("s1", turn.state.turn, text, None, 0.0, turn.reply, turn.state.public(),
                          score.to_dict() if score else None, turn.outcome)
        debtor_said = turn.reply
        if turn.outcome:
            break
    return scenario, turn


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "dojo.db") as opened:
        yield opened


def test_the_scorer_runs_once_per_turn(store, monkeypatch):
    calls = []

    def counting(*args, **kwargs):
        calls.append(args[0] if args else kwargs.get("text"))
        return score_reply(*args, **kwargs)

    monkeypatch.setattr(turn_logic, "score_reply", counting)
    scenario, last = _play(store)
    played = len(calls)
    assert played == len([t for t in store.session_turns("s1") if t["turn_no"] > 0])
    report = session_report(store.session_turns("s1"), scenario, "zh", last.outcome, last.state.commitment)
    assert len(calls) == played, "the session report graded the turns a second time"
    assert report["turns"] == played


def test_the_report_is_the_one_grading_again_would_give(store):
    """Stored findings rebuild the very grades: the report matches a fresh grading of the same lines."""
    scenario, last = _play(store)
    rows = store.session_turns("s1")
    from_store = session_report(rows, scenario, "zh", last.outcome, last.state.commitment)
    regraded = []
    for turn in session_turns(rows, "zh"):
        fresh = score_reply(turn.text, lang="zh", regime=scenario.regime, debtor_said=turn.debtor_said)
        assert fresh.to_dict() == turn.score.to_dict()
        regraded.append(turn.__class__(**{**turn.__dict__, "score": fresh}))
    context = turn_logic.session_context(scenario, "zh", last.outcome, last.state.commitment)
    assert from_store == score_session(regraded, context).to_dict()


def test_the_report_reflects_what_was_stored(store):
    """A turn's stored findings are what the report card counts (nothing is re-derived from the text)."""
    scenario, last = _play(store)
    rows = store.session_turns("s1")
    clean = next(row for row in rows if row["turn_no"] == 2)
    assert not clean["findings"]["violations"]
    planted = dict(clean["findings"], violations=[{
        "category": "privacy_violation", "rule": "cn.test.planted", "severity": "major", "evidence": "x",
        "span": [0, 1], "source": "rule", "citation": "test", "advice": "", "explanation": ""}])
    rows = [dict(row, findings=planted) if row["turn_no"] == 2 else row for row in rows]
    report = session_report(rows, scenario, "zh", last.outcome, last.state.commitment)
    assert any(v["rule"] == "cn.test.planted" and v["turn"] == 2 for v in report["violations"])


def test_reply_score_round_trips_through_its_dict():
    score = score_reply("If you don't pay today, the police will come and arrest you.", lang="en")
    assert ReplyScore.from_dict(score.to_dict(), score.text) == score
