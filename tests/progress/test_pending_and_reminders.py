"""Held trainee lines and assignment reminders live in the store, so a restarted process keeps them."""
from __future__ import annotations

import datetime as dt

import pytest

from progress.errors import UnknownAssignment, UnknownSession
from progress.store import Store


def test_held_lines_come_back_in_order_per_session_and_after_reopening(db_path, clock, policy):
    with Store.open(db_path, clock=clock, policy=policy) as store:
        store.start_session("a", "li", "hostile_cn", "zh", "coach", "telegram")
        store.start_session("b", "wu", "hostile_cn", "en", "coach", "telegram")
        ids = [store.queue_pending(sid, chat, text) for sid, chat, text in
               (("a", 11, "第一句"), ("b", 22, "hello"), ("a", 11, "第二句"), ("a", 11, "/end? no, a line"))]
        assert ids == sorted(ids) and len(set(ids)) == 4
    with Store.open(db_path, clock=clock, policy=policy) as store:
        assert [(m["session_id"], m["text"]) for m in store.pending_messages()] == [
            ("a", "第一句"), ("b", "hello"), ("a", "第二句"), ("a", "/end? no, a line")]
        held = store.pending_messages("a")
        assert [m["text"] for m in held] == ["第一句", "第二句", "/end? no, a line"]
        assert {m["chat_id"] for m in held} == {11} and all(m["queued_at"] for m in held)
        assert store.clear_pending(held[0]["id"]) is True
        assert store.clear_pending(held[0]["id"]) is False
        assert [m["text"] for m in store.pending_messages("a")] == ["第二句", "/end? no, a line"]
        assert store.drop_pending("a") == 2
        assert [m["session_id"] for m in store.pending_messages()] == ["b"]
        assert store.pending_messages("nobody") == []


def test_a_line_for_an_unknown_session_is_refused(store):
    with pytest.raises(UnknownSession):
        store.queue_pending("ghost", 1, "hello?")
    assert store.pending_messages() == []


def test_a_recently_held_line_keeps_its_session_from_being_abandoned(store, clock):
    store.start_session("outage", "li", "hostile_cn", "zh", "coach", "telegram")
    store.start_session("quiet", "wu", "hostile_cn", "zh", "coach", "telegram")
    store.start_session("stale", "zhao", "hostile_cn", "zh", "coach", "telegram")
    store.queue_pending("stale", 3, "an old held line")
    clock.advance(minutes=40)
    store.queue_pending("outage", 1, "are you there? (typed while the simulator was down)")
    assert store.mark_abandoned(older_than_minutes=30) == 2
    assert {sid: store.session(sid)["status"] for sid in ("outage", "quiet", "stale")} == {
        "outage": "active", "quiet": "abandoned", "stale": "abandoned"}
    clock.advance(minutes=31)
    assert store.mark_abandoned(older_than_minutes=30) == 1
    assert store.session("outage")["status"] == "abandoned"


@pytest.fixture
def assigned(store):
    store.ensure_user("coach", "Coach Zhang", role="trainer")
    store.ensure_user("li", "Li Lei")
    return store.assign("coach", "li", "hostile_cn", "exam", store.today() + dt.timedelta(days=1))


def test_a_reminder_is_recorded_once_and_survives_reopening(db_path, clock, policy, store, assigned):
    assert assigned["reminded_at"] is None
    clock.advance(minutes=5)
    assert store.mark_reminded(assigned["id"]) is True
    first = store.assignment(assigned["id"])["reminded_at"]
    assert first == "2026-03-02 09:05:00"
    clock.advance(minutes=5)
    assert store.mark_reminded(assigned["id"]) is False
    with Store.open(db_path, clock=clock, policy=policy) as reopened:
        assert reopened.assignment(assigned["id"])["reminded_at"] == first
        assert reopened.mark_reminded(assigned["id"]) is False


def test_reminding_an_unknown_assignment_is_refused(store):
    with pytest.raises(UnknownAssignment):
        store.mark_reminded(999)


def test_a_line_held_under_its_message_key_is_held_once(store):
    store.start_session("k", "li", "hostile_cn", "zh", "coach", "telegram")
    first = store.queue_pending("k", 11, "您好", "tg:11:1000")
    again = store.queue_pending("k", 11, "您好", "tg:11:1000")
    other = store.queue_pending("k", 11, "请问方便说话吗", "tg:11:1001")
    unkeyed = [store.queue_pending("k", 11, "嗯") for _ in range(2)]
    assert again == first and other != first and unkeyed[0] != unkeyed[1]
    assert [(m["text"], m["message_key"]) for m in store.pending_messages("k")] == [
        ("您好", "tg:11:1000"), ("请问方便说话吗", "tg:11:1001"), ("嗯", None), ("嗯", None)]
