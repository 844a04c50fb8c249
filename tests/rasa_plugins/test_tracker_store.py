"""The cached tracker store must read and write exactly what Rasa's own SQL tracker store does.

Real SQLite files, the project's real domain; a plain `SQLTrackerStore` over the same file is the
referee, and a new store object over that file stands for a restarted Rasa server.
"""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_plugins.tracker_store import CachedSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "domain.yml"))


def open_store(domain, path, **kwargs):
    return CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(path), **kwargs)


def referee(domain, path):
    return SQLTrackerStore(domain=domain, dialect="sqlite", db=str(path))


def a_turn(text, mood, number):
    return [
        UserUttered(text, {"name": "acknowledge_feelings", "confidence": 0.93}, metadata={"message_key": f"k{number}"}),
        ActionExecuted("action_debtor_turn"),
        BotUttered(f"debtor line {number}", {"custom": {"dojo": {"turn": number}}}),
        SlotSet("mood", mood),
        SlotSet("debtor_state", {"turn": number, "anger": 0.5 - number / 10}),
        ActionExecuted("action_listen"),
    ]


def dumped(tracker):
    return [event.as_dict() for event in tracker.events]


async def play(store, sender_id, turns):
    """What Rasa's processor does per message: retrieve (or create), append events, save."""
    for number, (text, mood) in enumerate(turns, start=1):
        tracker = await store.retrieve(sender_id)
        if tracker is None:
            tracker = DialogueStateTracker(sender_id, store.domain.slots)
            tracker.update(ActionExecuted("action_session_start"))
            tracker.update(SessionStarted())
            tracker.update(ActionExecuted("action_listen"))
        for event in a_turn(text, mood, number):
            tracker.update(event)
        await store.save(tracker)


TURNS = [("我理解您最近压力很大。", "wary"), ("We could spread it over twelve months.", "calmer"),
         ("那我们约定每月五百元，可以吗？", "calm")]


def test_what_is_saved_is_what_rasa_reads_and_what_the_cache_serves(domain, tmp_path):
    path = tmp_path / "tracker.db"
    store = open_store(domain, path)

    async def main():
        await play(store, "s1", TURNS)
        from_cache = await store.retrieve("s1")
        from_sql = await referee(domain, path).retrieve("s1")
        return from_cache, from_sql

    from_cache, from_sql = asyncio.run(main())
    # A new conversation is read back from SQLite once after its first save, then served from memory.
    assert store.hits == 2 and store.misses == 2
    assert dumped(from_cache) == dumped(from_sql)
    # Each event stored once, in order; Rasa reads a conversation from its SessionStarted on, so not
    # the action_session_start just before it, and neither does the cache.
    assert len(from_sql.events) == 2 + 6 * len(TURNS)
    assert from_cache.get_slot("mood") == from_sql.get_slot("mood") == "calm"
    assert from_cache.get_slot("debtor_state") == {"turn": 3, "anger": 0.2}
    assert from_cache.latest_message.metadata == {"message_key": "k3"}


def test_a_restarted_server_reads_the_conversation_back_from_sqlite(domain, tmp_path):
    path = tmp_path / "tracker.db"

    async def main():
        await play(open_store(domain, path), "s1", TURNS[:2])
        restarted = open_store(domain, path)
        tracker = await restarted.retrieve("s1")
        tracker.update(UserUttered("还在吗？", {"name": "out_of_scope", "confidence": 0.8}))
        await restarted.save(tracker)
        return restarted, await referee(domain, path).retrieve("s1")

    restarted, from_sql = asyncio.run(main())
    assert restarted.misses == 1 and list(restarted._stored) == ["s1"]
    assert [e.as_dict().get("text") for e in from_sql.events if isinstance(e, UserUttered)] == [
        TURNS[0][0], TURNS[1][0], "还在吗？"]


def test_a_tracker_not_built_from_the_cache_is_appended_by_counting_not_duplicated(domain, tmp_path):
    """E.g. Rasa's HTTP API rebuilding a conversation: the store falls back to Rasa's own counting."""
    path = tmp_path / "tracker.db"
    store = open_store(domain, path)

    async def main():
        await play(store, "s1", TURNS[:1])
        rebuilt = DialogueStateTracker.from_dict("s1", dumped(await referee(domain, path).retrieve("s1")),
                                                 domain.slots)
        rebuilt.update(UserUttered("hello?", {"name": "greet", "confidence": 0.9}))
        await store.save(rebuilt)
        return await referee(domain, path).retrieve("s1"), await store.retrieve("s1")

    from_sql, from_cache = asyncio.run(main())
    assert len(from_sql.events) == 2 + 6 + 1
    assert dumped(from_cache) == dumped(from_sql)
    assert store.misses == 2  # the new conversation, then SQLite again after a tracker it did not build


def test_events_rasa_replaces_are_not_believed_until_sqlite_holds_them(domain, tmp_path):
    """SQLite only ever appends; a tracker with fewer events than stored leaves SQLite as it was, and
    the cache must not pretend otherwise."""
    path = tmp_path / "tracker.db"
    store = open_store(domain, path)

    async def main():
        await play(store, "s1", TURNS)
        shorter = DialogueStateTracker.from_dict("s1", dumped(await store.retrieve("s1"))[:4], domain.slots)
        await store.save(shorter)
        return await store.retrieve("s1"), await referee(domain, path).retrieve("s1")

    from_cache, from_sql = asyncio.run(main())
    assert dumped(from_cache) == dumped(from_sql) and len(from_sql.events) == 2 + 6 * len(TURNS)


def test_the_least_recently_used_conversation_leaves_memory_first_and_is_still_found(domain, tmp_path):
    path = tmp_path / "tracker.db"
    store = open_store(domain, path, cache_size=2)

    async def main():
        for sender in ("a", "b", "c"):
            await play(store, sender, TURNS[:2])
        cached_before = list(store._stored)
        a = await store.retrieve("a")
        return cached_before, a

    cached_before, a = asyncio.run(main())
    assert cached_before == ["b", "c"]
    assert a.get_slot("mood") == "calmer" and store.misses == 2 * 3 + 1  # two per new conversation, then "a"
    assert list(store._stored) == ["c", "a"]


def test_a_cache_of_zero_is_plain_sql(domain, tmp_path):
    store = open_store(domain, tmp_path / "tracker.db", cache_size=0)
    asyncio.run(play(store, "s1", TURNS))
    assert store.hits == 0 and store.misses == 3 and not store._stored


@pytest.mark.parametrize("size, message", [("many", "a whole number"), (-1, "0 or more")])
def test_a_bad_cache_size_in_endpoints_yml_is_named(domain, tmp_path, size, message):
    with pytest.raises(ValueError, match=f"endpoints.yml: tracker_store.cache_size must be {message}"):
        open_store(domain, tmp_path / "tracker.db", cache_size=size)


def test_the_tracker_database_is_a_write_ahead_log_synced_in_full(domain, tmp_path):
    import sqlite3

    path = tmp_path / "tracker.db"
    store = open_store(domain, path)
    asyncio.run(play(store, "s1", TURNS[:1]))
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # kept in the file
