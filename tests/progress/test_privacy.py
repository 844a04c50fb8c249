"""Issue 5: a trainee's transcripts are exported, then deleted, leaving the numbers reports need."""
from __future__ import annotations

import json

import pytest

from progress.errors import UnknownTrainee
from progress_fixtures import play, report, violation


def test_export_then_delete_keeps_scores_and_counts_but_no_words(store, clock):
    store.ensure_user("li", "Li Lei")
    secret = "你再不还钱我就去你单位闹"
    play(store, clock, "s1", "li", "hostile_cn", mode="exam", turn_violations=[violation(evidence=secret)],
         final=report(overall=55, violations=[violation("missing_disclosure", evidence="")]))
    play(store, clock, "s2", "wu", "hostile_cn", mode="coach")
    held = "这句话在模拟器宕机时还没发出去"
    store.queue_pending("s1", 42, held)

    exported = store.export_trainee("li")
    json.dumps(exported, ensure_ascii=False)
    assert [s["id"] for s in exported["sessions"]] == ["s1"]
    assert exported["sessions"][0]["turns"][0]["trainee_text"] == "trainee line 1"
    assert secret in json.dumps(exported, ensure_ascii=False)
    assert [m["text"] for m in exported["sessions"][0]["pending_messages"]] == [held]

    summary = store.delete_transcripts("li", by="boss")
    assert summary == {"sessions": 1, "turns_deleted": 2, "evidence_cleared": 1, "held_deleted": 1,
                       "disputes_cleared": 0}
    after = json.dumps(store.export_trainee("li"), ensure_ascii=False)
    assert secret not in after and held not in after and "trainee line" not in after and "quotes the trainee" not in after
    session = store.session("s1")
    assert (session["overall"], session["turn_count"], session["violation_count"]) == (55.0, 2, 2)
    assert session["report"]["scores"]["overall"] == 55 and session["transcript_deleted_at"]
    assert sorted(v["category"] for v in store.session_violations("s1")) == ["harassment", "missing_disclosure"]
    assert len(store.session_turns("s2")) == 2, "another trainee's transcript is untouched"
    assert store.audit_log("li")[-1]["action"] == "delete_transcripts"


def test_unknown_trainee(store):
    with pytest.raises(UnknownTrainee):
        store.export_trainee("nobody")
    with pytest.raises(UnknownTrainee):
        store.delete_transcripts("nobody", by="boss")
