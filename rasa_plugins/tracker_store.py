"""Rasa's SQL tracker store with the open conversations kept in memory, written through to SQLite.

Under load the Rasa server spent about 40% of its CPU in SQLTrackerStore: every message reads the
whole conversation back from SQLite, parses each event's JSON and rebuilds it as an Event object,
and `save` counts the stored events with another query before appending the new ones
(docs/benchmarks.md, "Where the time goes"). The events of a conversation never change once written,
so this store keeps the Event objects of recently active conversations, as last read from SQLite
plus what this process appended since, rebuilds a tracker from them, and still appends every new
event to SQLite before `save` returns. A restarted Rasa server starts with an empty cache and reads
SQLite, so conversations survive it exactly as before.

One Rasa process owns the tracker database, as Rasa's in-memory lock store already requires; a
second process writing the same conversations would not be seen by this one's cache.

endpoints.yml: `tracker_store: {type: rasa_plugins.tracker_store.CachedSQLTrackerStore, dialect: sqlite,
db: ..., cache_size: 1000}`.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict
from typing import Any, Iterator, Optional, Text, Tuple

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

# A conversation of 15 turns holds ~120 events (~0.1 MB as objects): 1,000 open conversations is
# ~100 MB, ten times the trainees one machine serves at once.
DEFAULT_CACHE_SIZE = 1000


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore plus a least-recently-used map from conversation id to its stored events."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            self.cache_size = int(cache_size)
        except (TypeError, ValueError):
            raise ValueError(f"endpoints.yml: tracker_store.cache_size must be a whole number, got {cache_size!r}")
        if self.cache_size < 0:
            raise ValueError(f"endpoints.yml: tracker_store.cache_size must be 0 or more, got {self.cache_size}")
        self._stored: "OrderedDict[Text, Tuple[Event, ...]]" = OrderedDict()
        self.hits = 0
        self.misses = 0
        if self.engine.dialect.name == "sqlite":
            sqlalchemy.event.listen(self.engine, "connect", _write_ahead_log)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        stored = self._stored.get(sender_id)
        if stored is None:
            self.misses += 1
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                self._remember(tracker)
            return tracker
        self.hits += 1
        self._stored.move_to_end(sender_id)
        return DialogueStateTracker.from_events(sender_id, list(stored), self.domain.slots)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the new events to SQLite, then keep the conversation in memory only if it is exactly
        what SQLite now holds: the cached events plus the ones just appended. Any other tracker (a new
        conversation, one rebuilt by Rasa's HTTP API) is dropped from memory and read back next time,
        so the cache never holds anything SQLite does not."""
        stored = self._stored.get(tracker.sender_id)
        continuing = stored is not None and _continues(tracker, stored)
        try:
            await super().save(tracker)
        except Exception:
            self._stored.pop(tracker.sender_id, None)
            raise
        if continuing:
            self._remember(tracker)
        else:
            self._stored.pop(tracker.sender_id, None)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events not yet in SQLite: known without a count query when this tracker was built from
        the cache (its first events are the very objects stored)."""
        stored = self._stored.get(tracker.sender_id)
        if stored is not None and _continues(tracker, stored):
            return itertools.islice(tracker.events, len(stored), len(tracker.events))
        return super()._additional_events(session, tracker)

    def _remember(self, tracker: DialogueStateTracker) -> None:
        if self.cache_size == 0:
            return
        self._stored[tracker.sender_id] = as_sql_reads_them(tracker.events)
        self._stored.move_to_end(tracker.sender_id)
        while len(self._stored) > self.cache_size:
            self._stored.popitem(last=False)


def _write_ahead_log(connection: Any, _record: Any) -> None:
    """SQLite's default journal syncs the disk twice per commit, and Rasa commits on its one event loop
    after every message; a write-ahead log syncs once, readers never wait on the writer, and with
    `synchronous = FULL` (as in the progress store) a committed turn survives even a power cut."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def as_sql_reads_them(events) -> Tuple[Event, ...]:
    """The events SQLTrackerStore.retrieve would return: those stamped at or after the latest
    SessionStarted (so not the `action_session_start` just before it), or all when there is none."""
    starts = [event.timestamp for event in events if isinstance(event, SessionStarted)]
    if not starts:
        return tuple(events)
    latest = max(starts)
    return tuple(event for event in events if event.timestamp is not None and event.timestamp >= latest)


def _continues(tracker: DialogueStateTracker, stored: Tuple[Event, ...]) -> bool:
    """True when the tracker's history starts with exactly the stored events (same objects), so
    everything after them is new; a tracker rebuilt some other way falls back to counting in SQL."""
    events = tracker.events
    if len(events) < len(stored):
        return False
    if not stored:
        return True
    return events[0] is stored[0] and events[len(stored) - 1] is stored[-1]
