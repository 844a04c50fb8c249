"""Held messages: kept in the store in order per session, found again by a new process, backed off."""
from __future__ import annotations

import pytest

from bot.pending import PendingMessages
from progress.store import Store


@pytest.fixture
def sessions(store):
    for sid in ("a", "b", "s", "in-flight", "held"):
        store.start_session(sid, f"trainee-{sid}", "any-scenario", "en", "coach", "telegram")
    return store


def test_fifo_per_session_answered_and_drop(sessions):
    pending = PendingMessages(sessions)
    added = [pending.add(session, 1, text) for session, text in (("a", "1"), ("b", "x"), ("a", "2"))]
    assert [m.text for m in pending.peek("a")] == ["1", "2"] and len(pending) == 3
    assert pending.peek("a")[0] == added[0]
    pending.answered(added[0])
    assert [m.text for m in pending.peek("a")] == ["2"]
    pending.drop("a")
    assert pending.sessions() == ["b"] and pending.peek("a") == []


def test_a_new_process_finds_held_lines_and_replays_them_first(tmp_path):
    path = tmp_path / "dojo.db"
    with Store.open(path) as store:
        store.start_session("held", "li", "any-scenario", "zh", "coach", "telegram")
        store.start_session("done", "wu", "any-scenario", "zh", "coach", "telegram")
        before = PendingMessages(store)
        before.add("held", 7, "第一句")
        before.add("held", 7, "第二句")
        before.answered(before.add("done", 8, "answered before the restart"))
        assert before.to_replay() == []  # in flight in this process: its own handler delivers it
    with Store.open(path) as store:
        after = PendingMessages(store)
        assert after.to_replay() == ["held"]
        assert [(m.chat_id, m.text) for m in after.peek("held")] == [(7, "第一句"), (7, "第二句")]


@pytest.mark.parametrize("failures, wait", [(1, 1.0), (2, 2.0), (3, 4.0), (12, 300.0)])
def test_backoff_doubles_up_to_the_cap(monkeypatch, store, failures, wait):
    clock = [1000.0]
    monkeypatch.setattr("bot.pending.time.monotonic", lambda: clock[0])
    pending = PendingMessages(store, first_backoff=1.0, max_backoff=300.0)
    for _ in range(failures):
        pending.failed("s")
    clock[0] += wait - 0.01
    assert not pending.due("s")
    clock[0] += 0.02
    assert pending.due("s")
    pending.failed("s")
    pending.succeeded("s")
    assert pending.due("s")


def test_only_failed_sessions_are_replayed(monkeypatch, sessions):
    clock = [50.0]
    monkeypatch.setattr("bot.pending.time.monotonic", lambda: clock[0])
    pending = PendingMessages(sessions, first_backoff=1.0)
    pending.add("in-flight", 1, "just sent")
    pending.add("held", 2, "sent during an outage")
    pending.failed("held")
    assert pending.to_replay() == []
    clock[0] += 1.5
    assert pending.to_replay() == ["held"]


def test_every_held_line_keeps_one_key_of_its_own(sessions):
    """The key is what the simulator dedupes on, so it must never be shared by two different lines,
    even when SQLite hands out a freed row id again."""
    pending = PendingMessages(sessions)
    first = pending.add("s", 1, "hello")
    pending.answered(first)
    second = pending.add("s", 1, "hello")  # same text, and the table was empty again
    telegram = pending.add("s", 1, "from Telegram", "tg:1:55")
    assert second.id == first.id and second.message_key != first.message_key
    assert telegram.message_key == "tg:1:55"
    assert pending.add("s", 1, "from Telegram", "tg:1:55") == telegram  # delivered twice, held once
    assert [m.message_key for m in pending.peek("s")] == [second.message_key, "tg:1:55"]
