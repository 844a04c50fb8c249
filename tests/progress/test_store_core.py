"""The calls the action server makes on every session, against a real SQLite file."""
from __future__ import annotations

import sqlite3

import pytest

from progress.errors import InvalidInput, UnknownSession
from progress.store import Store
from progress_fixtures import play, report, violation

STATE = {"anger": 0.5, "trust": 0.4, "willingness": 0.3, "stage": "opening"}


def test_open_creates_the_file_with_wal_and_foreign_keys(db_path, clock, policy):
    with Store.open(db_path, clock=clock, policy=policy) as store:
        assert db_path.is_file()
        assert store.db.conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert store.db.conn.execute("pragma foreign_keys").fetchone()[0] == 1
        assert {"users", "scenarios", "assignments", "sessions", "turns", "violations", "certifications",
                "audit_log"} <= set(store.db.table_names())
        indexed = {tuple(index.columns) for index in store.db["sessions"].indexes}
        assert ("trainee_id", "started_at") in indexed


def test_foreign_keys_are_enforced(store):
    with pytest.raises(Exception):
        with store.transaction() as db:
            db["turns"].insert({"session_id": "nope", "turn_no": 1, "at": store.now()})
    assert store.db["turns"].count == 0


@pytest.mark.parametrize("existing,requested,expected", [
    ("trainee", "trainer", "trainer"),
    ("trainer", "trainee", "trainer"),
    ("lead", "trainee", "lead"),
    ("trainer", "lead", "lead"),
])
def test_ensure_user_raises_but_never_lowers_a_role(store, existing, requested, expected):
    store.ensure_user("u1", "Wang", role=existing)
    user = store.ensure_user("u1", role=requested, telegram_id=42, lang="zh")
    assert (user["role"], user["name"], user["telegram_id"], user["lang"]) == (expected, "Wang", 42, "zh")
    assert store.user_by_telegram(42)["id"] == "u1"
    assert store.db["users"].count == 1


def test_set_role_can_demote_and_is_audited(store):
    store.ensure_user("lead1", role="lead")
    store.ensure_user("u1", role="trainer")
    assert store.set_role("u1", "trainee", by="lead1")["role"] == "trainee"
    assert store.audit_log("u1")[-1]["detail"] == {"from": "trainer", "to": "trainee"}


def test_telegram_id_cannot_belong_to_two_users(store):
    store.ensure_user("u1", telegram_id=7)
    with pytest.raises(InvalidInput):
        store.ensure_user("u2", telegram_id=7)
    assert store.get_user("u2") is None


def test_start_session_is_idempotent_and_creates_the_trainee(store):
    for _ in range(2):
        store.start_session("s1", "li", "hostile_cn", "zh", "coach", "telegram")
    session = store.session("s1")
    assert (session["status"], session["trainee_id"], session["turn_count"]) == ("active", "li", 0)
    assert store.get_user("li")["role"] == "trainee"
    assert store.db["sessions"].count == 1


def test_start_session_with_an_unsynced_scenario_keeps_the_conversation_going(store):
    store.start_session("s1", "li", "brand_new", "en", "coach", "cli")
    assert store.scenario("brand_new")["persona"] is None
    store.sync_scenarios([{"id": "brand_new", "persona": "evasive", "languages": ["en"]}])
    assert store.scenario("brand_new")["persona"] == "evasive"


@pytest.mark.parametrize("lang,mode", [("fr", "coach"), ("zh", "practice")])
def test_start_session_refuses_unknown_language_or_mode(store, lang, mode):
    with pytest.raises(InvalidInput):
        store.start_session("s1", "li", "hostile_cn", lang, mode, "cli")
    assert store.session("s1") is None


def test_record_turn_writes_turn_and_one_violation_row_per_finding(store):
    store.start_session("s1", "li", "hostile_cn", "zh", "coach", "cli")
    findings = {"violations": [violation("harassment", "major"), violation("false_legal_threat", "critical")],
                "nvc": {"score": 40}, "overall": 35}
    store.record_turn("s1", 1, "不还钱就抓你", "threaten", 0.88, "你敢！", STATE, findings, None)
    [turn] = store.session_turns("s1")
    assert (turn["trainee_text"], turn["intent"], turn["overall"]) == ("不还钱就抓你", "threaten", 35.0)
    assert turn["state"] == STATE and turn["findings"] == findings
    assert [v["category"] for v in store.session_violations("s1")] == ["harassment", "false_legal_threat"]
    session = store.session("s1")
    assert (session["turn_count"], session["violation_count"], session["critical_count"]) == (1, 2, 1)


def test_a_retried_turn_is_not_duplicated(store):
    store.start_session("s1", "li", "hostile_cn", "zh", "coach", "cli")
    for _ in range(3):
        store.record_turn("s1", 1, "hi", None, None, "what", STATE, {"violations": [violation()]}, None)
    assert store.db["turns"].count == 1
    assert store.db["violations"].count == 1
    assert store.session("s1")["turn_count"] == 1


def test_record_turn_for_an_unknown_session_writes_nothing(store):
    with pytest.raises(UnknownSession):
        store.record_turn("ghost", 1, "hi", None, None, "what", STATE, None, None)
    assert store.db["turns"].count == 0


def test_a_failing_turn_leaves_nothing_half_written(store):
    store.start_session("s1", "li", "hostile_cn", "zh", "coach", "cli")
    with pytest.raises(InvalidInput):
        store.record_turn("s1", 1, "hi", None, None, "bye", STATE, {"violations": [violation()]}, "vanished")
    assert store.db["turns"].count == 0 and store.db["violations"].count == 0


def test_finish_session_stores_scores_and_session_level_findings_once(store, clock):
    turn_finding = violation("harassment", "major", rule="cn.harass.1")
    final = report(overall=64, violations=[
        dict(turn_finding, turn=1),                                   # already recorded with its turn
        violation("missing_disclosure", "major", rule="cn.disclosure", evidence=""),
    ], passed=False)
    result = play(store, clock, "s1", "li", "hostile_cn", mode="coach", turn_violations=[turn_finding],
                  final=final, outcome="refused")
    assert result["certification_change"] is None
    session = store.session("s1")
    assert (session["status"], session["outcome"], session["overall"], session["passed"]) == \
        ("completed", "refused", 64.0, 0)
    assert sorted(v["category"] for v in store.session_violations("s1")) == ["harassment", "missing_disclosure"]
    assert session["violation_count"] == 2 and session["ended_at"] is not None
    assert session["report"]["scores"]["overall"] == 64


def test_finishing_twice_changes_nothing(store, clock):
    play(store, clock, "s1", "li", "hostile_cn", mode="coach")
    first = store.session("s1")
    clock.advance(minutes=5)
    again = store.finish_session("s1", "complaint", report(overall=10))
    assert again["certification_change"] is None
    assert store.session("s1") == first


def test_finish_unknown_session(store):
    with pytest.raises(UnknownSession):
        store.finish_session("ghost", None, report())


def test_mark_abandoned_and_resume(store, clock):
    store.start_session("old", "li", "hostile_cn", "zh", "coach", "cli")
    store.record_turn("old", 1, "hi", None, None, "what", STATE, None, None)
    clock.advance(minutes=45)
    store.start_session("fresh", "wu", "hostile_cn", "zh", "coach", "cli")
    assert store.mark_abandoned(older_than_minutes=30) == 1
    assert store.session("old")["status"] == "abandoned"
    assert store.session("fresh")["status"] == "active"
    assert store.active_session_for("li") is None
    assert len(store.session_turns("old")) == 1
    store.record_turn("old", 2, "still there?", None, None, "yes", STATE, None, None)
    assert store.active_session_for("li")["id"] == "old"


def test_sessions_for_lists_newest_first(store, clock):
    for number in range(3):
        play(store, clock, f"s{number}", "li", "hostile_cn", mode="coach")
        clock.advance(minutes=1)
    assert [s["id"] for s in store.sessions_for("li", limit=2)] == ["s2", "s1"]


def test_store_accepts_a_database_object(tmp_path, clock, policy):
    from sqlite_utils import Database

    store = Store(Database(sqlite3.connect(str(tmp_path / "x.db"))), clock=clock, policy=policy)
    store.start_session("s1", "li", "x", "en", "coach", "cli")
    assert store.session("s1")["lang"] == "en"


@pytest.mark.parametrize("reported_turn,expected", [
    (1, ["harassment", "missing_disclosure"]),      # same rule, same turn: the turn's row already has it
    (7, ["harassment", "missing_disclosure"]),      # numbered differently, same evidence: still the same finding
    (None, ["harassment", "missing_disclosure"]),
])
def test_report_findings_that_repeat_turn_findings_are_not_counted_twice(store, clock, reported_turn, expected):
    found = violation("harassment", rule="cn.harass.1", evidence="马上还钱")
    repeated = dict(found) if reported_turn is None else dict(found, turn=reported_turn)
    final = report(violations=[repeated, dict(violation("missing_disclosure", rule="cn.disclosure", evidence=""),
                                              turn=1)])
    play(store, clock, "s1", "li", "hostile_cn", turn_violations=[found], final=final, mode="coach")
    assert sorted(v["category"] for v in store.session_violations("s1")) == expected
    assert store.session("s1")["violation_count"] == 2
