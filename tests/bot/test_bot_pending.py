"""Held messages: order kept per session, exponential back-off between failed replays."""
from __future__ import annotations

import pytest

from bot.pending import PendingMessage, PendingMessages


def test_fifo_per_session_and_drop():
    pending = PendingMessages()
    for session, text in (("a", "1"), ("b", "x"), ("a", "2")):
        pending.add(PendingMessage(session, 1, text))
    assert [m.text for m in pending.peek("a")] == ["1", "2"] and len(pending) == 3
    pending.pop_first("a")
    assert [m.text for m in pending.peek("a")] == ["2"]
    pending.drop("a")
    assert pending.sessions() == ["b"]


@pytest.mark.parametrize("failures, wait", [(1, 1.0), (2, 2.0), (3, 4.0), (12, 300.0)])
def test_backoff_doubles_up_to_the_cap(monkeypatch, failures, wait):
    clock = [1000.0]
    monkeypatch.setattr("bot.pending.time.monotonic", lambda: clock[0])
    pending = PendingMessages(first_backoff=1.0, max_backoff=300.0)
    for _ in range(failures):
        pending.failed("s")
    clock[0] += wait - 0.01
    assert not pending.due("s")
    clock[0] += 0.02
    assert pending.due("s")
    pending.failed("s")
    pending.succeeded("s")
    assert pending.due("s")


def test_only_failed_sessions_are_replayed(monkeypatch):
    clock = [50.0]
    monkeypatch.setattr("bot.pending.time.monotonic", lambda: clock[0])
    pending = PendingMessages(first_backoff=1.0)
    pending.add(PendingMessage("in-flight", 1, "just sent"))
    pending.add(PendingMessage("held", 2, "sent during an outage"))
    pending.failed("held")
    assert pending.to_replay() == []
    clock[0] += 1.5
    assert pending.to_replay() == ["held"]
