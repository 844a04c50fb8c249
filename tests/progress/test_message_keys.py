"""A trainee message carries its client's key into the turn row, so a message sent twice is one turn."""
from __future__ import annotations

import pytest

from progress.errors import StoreError
from progress.store import Store

THREAT = {"violations": [{"category": "threat", "rule": "cn.threat", "severity": "critical", "evidence": "起诉",
                          "citation": "《商业银行信用卡业务监督管理办法》第六十九条"}], "overall": 20.0}


@pytest.fixture()
def session(store):
    store.start_session("s-key", "li", "hostile_cn", "zh", "coach", "telegram")
    return "s-key"


def record(store, session_id, turn_no, key, findings=None):
    store.record_turn(session_id, turn_no, f"line {turn_no}", "threaten", 0.9, f"reply {turn_no}",
                      {"stage": "negotiation", "anger": 0.7}, findings or THREAT, None, key)


def test_the_turn_played_for_a_key_is_found_again_with_its_findings(store, session):
    record(store, session, 1, "tg:7:100")
    played = store.turn_for_message(session, "tg:7:100")
    assert (played["turn_no"], played["debtor_reply"], played["state"]["anger"]) == (1, "reply 1", 0.7)
    assert played["findings"]["violations"][0]["category"] == "threat"
    assert store.turn_for_message(session, "tg:7:101") is None
    assert store.turn_for_message(session, None) is None and store.turn_for_message(session, "") is None
    assert store.turn_for_message("another-session", "tg:7:100") is None


def test_one_key_is_one_turn_per_session_and_turns_without_keys_are_unaffected(store, session, db_path):
    record(store, session, 1, None)
    record(store, session, 2, None)
    record(store, session, 3, "k-3")
    record(store, session, 4, "k-3")  # the same message again, even under a new turn number: ignored
    with pytest.raises(StoreError, match="UNIQUE"):
        with store.transaction() as db:  # and the index itself refuses a second turn under one key
            db.execute("insert into turns (session_id, turn_no, at, message_key) values (?, 5, 'now', 'k-3')",
                       [session])
    store.start_session("s-other", "li", "hostile_cn", "zh", "coach", "telegram")
    record(store, "s-other", 1, "k-3")  # keys are per session: another trainee's message may share one
    reopened = Store.open(db_path)
    assert [t["turn_no"] for t in reopened.session_turns(session)] == [1, 2, 3]
    assert reopened.session(session)["turn_count"] == 3
    assert reopened.session(session)["violation_count"] == 3
