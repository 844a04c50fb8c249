"""Rasa's SQL tracker store with the open conversations kept in memory, written through to SQLite.

Under load the Rasa server spent about 40% of its CPU in SQLTrackerStore: every message reads the
whole conversation back from SQLite, parses each event's JSON and rebuilds it as an Event object,
and `save` counts the stored events with another query before appending the new ones
(docs/benchmarks.md, "Where the time goes"). The events of a conversation never change once written,
so this store keeps the Event objects of recently active conversations, as last read from SQLite
plus what this process appended since, rebuilds a tracker from them, and still appends every new
event to SQLite before `save` returns. A restarted Rasa server starts with an empty cache and reads
SQLite, so conversations survive it exactly as before.

On one machine one Rasa process owns the tracker database, as Rasa's in-memory lock store already
requires. With several replicas sharing one database (`shared: true`, deploy/endpoints.scale.yml),
another replica may have written a conversation since this one cached it (the balancer moved the
conversation while a replica was down, or back again). So each cached conversation also remembers how
many events SQL held for it, and a cache hit is served only after one indexed `count(*)` says that
number is unchanged; otherwise the conversation is read back. Events are only ever appended, so an
unchanged count means unchanged events. Every message runs under the conversation's lock in the
shared Redis lock store, so no replica writes between that check and this one's save; and a save that
finds a count other than the one it expects drops the conversation from memory instead of trusting it.

endpoints.yml: `tracker_store: {type: rasa_plugins.tracker_store.CachedSQLTrackerStore, dialect: sqlite,
db: ..., cache_size: 1000}`; for replicas `{..., url: postgresql://user:password@host:port/db, shared: true}`.
"""
from __future__ import annotations

import contextlib
import itertools
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator, List, Optional, Text, Tuple

import sqlalchemy
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

# Rasa wraps every tracker store in its FailSafeTrackerStore, which swallows the store's errors: a failed
# read becomes a new, empty conversation and a failed write lands in the process's memory, and the
# message is answered as if nothing happened. So each failure is also noted for the message being
# handled, and the REST channel (rasa_plugins/rest_channel.py) withholds the reply of such a message.
_failures: "ContextVar[Optional[List[Exception]]]" = ContextVar("dojo_tracker_store_failures", default=None)


@contextlib.contextmanager
def noting_failures() -> Iterator[List[Exception]]:
    """Within, every failed read or write of the tracker store is appended to the yielded list (also
    from tasks started inside, which share the list)."""
    failures: List[Exception] = []
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)


def _note_failure(error: Exception) -> None:
    failures = _failures.get()
    if failures is not None:
        failures.append(error)


# A conversation of 15 turns holds ~120 events (~0.1 MB as objects): 1,000 open conversations is
# ~100 MB, ten times the trainees one machine serves at once.
DEFAULT_CACHE_SIZE = 1000


@dataclass(frozen=True)
class _Cached:
    """A conversation's events as SQL returns them, and (shared stores only) how many events SQL held."""

    events: Tuple[Event, ...]
    stored_count: Optional[int] = None


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore plus a least-recently-used map from conversation id to its stored events."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, shared: Any = False, **kwargs: Any) -> None:
        host = kwargs.get("host")
        if isinstance(host, str) and "://" in host:
            kwargs.update(sql_settings(host))
        super().__init__(*args, **kwargs)
        self.shared = _flag(shared, "shared")
        try:
            self.cache_size = int(cache_size)
        except (TypeError, ValueError):
            raise ValueError(f"endpoints.yml: tracker_store.cache_size must be a whole number, got {cache_size!r}")
        if self.cache_size < 0:
            raise ValueError(f"endpoints.yml: tracker_store.cache_size must be 0 or more, got {self.cache_size}")
        self._stored: "OrderedDict[Text, _Cached]" = OrderedDict()
        self.hits = 0
        self.misses = 0
        self.stale = 0
        if self.engine.dialect.name == "sqlite":
            sqlalchemy.event.listen(self.engine, "connect", _write_ahead_log)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await self._retrieve_cached(sender_id)
        except Exception as error:
            _note_failure(error)
            raise

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(conversation_id)
        except Exception as error:
            _note_failure(error)
            raise

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._save_cached(tracker)
        except Exception as error:
            _note_failure(error)
            raise

    async def _retrieve_cached(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        cached = self._stored.get(sender_id)
        if cached is not None and self.shared and self._stored_count(sender_id) != cached.stored_count:
            self.stale += 1  # another replica wrote this conversation since: read it back
            self._stored.pop(sender_id, None)
            cached = None
        if cached is None:
            self.misses += 1
            # Counted before reading: a write slipping in between makes the count look old, never new,
            # so the worst it causes is one more read later.
            count = self._stored_count(sender_id) if self.shared else None
            tracker = await super().retrieve(sender_id)
            if tracker is not None:
                self._remember(tracker, count)
            return tracker
        self.hits += 1
        self._stored.move_to_end(sender_id)
        return DialogueStateTracker.from_events(sender_id, list(cached.events), self.domain.slots)

    async def _save_cached(self, tracker: DialogueStateTracker) -> None:
        """Append the new events to SQLite, then keep the conversation in memory only if it is exactly
        what SQLite now holds: the cached events plus the ones just appended. Any other tracker (a new
        conversation, one rebuilt by Rasa's HTTP API) is dropped from memory and read back next time,
        so the cache never holds anything SQLite does not."""
        cached = self._stored.get(tracker.sender_id)
        continuing = cached is not None and _continues(tracker, cached.events)
        try:
            await super().save(tracker)
        except Exception:
            self._stored.pop(tracker.sender_id, None)
            raise
        if not continuing:
            self._stored.pop(tracker.sender_id, None)
        elif not self.shared:
            self._remember(tracker)
        else:
            expected = cached.stored_count + len(tracker.events) - len(cached.events)
            if self._stored_count(tracker.sender_id) == expected:
                self._remember(tracker, expected)
            else:  # someone else appended too: trust SQL, not memory
                self._stored.pop(tracker.sender_id, None)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Event]:
        """The events not yet in SQLite: known without a count query when this tracker was built from
        the cache (its first events are the very objects stored)."""
        cached = self._stored.get(tracker.sender_id)
        if cached is not None and _continues(tracker, cached.events):
            return itertools.islice(tracker.events, len(cached.events), len(tracker.events))
        return super()._additional_events(session, tracker)

    def _stored_count(self, sender_id: Text) -> int:
        """How many events SQL holds for the conversation, all sessions (one indexed count)."""
        with self.session_scope() as session:
            return session.query(sqlalchemy.func.count(self.SQLEvent.id)).filter(
                self.SQLEvent.sender_id == sender_id).scalar()

    def _remember(self, tracker: DialogueStateTracker, stored_count: Optional[int] = None) -> None:
        if self.cache_size == 0 or (self.shared and stored_count is None):
            return
        self._stored[tracker.sender_id] = _Cached(as_sql_reads_them(tracker.events), stored_count)
        self._stored.move_to_end(tracker.sender_id)
        while len(self._stored) > self.cache_size:
            self._stored.popitem(last=False)


def sql_settings(url: str) -> dict:
    """`url: postgresql://user:password@host:port/db` in endpoints.yml (Rasa passes it as `host`) as the
    separate settings SQLTrackerStore takes, so one `DOJO_TRACKER_DB_URL` configures every replica."""
    parsed = sqlalchemy.engine.make_url(url)
    parts = {"dialect": parsed.drivername, "host": parsed.host, "port": parsed.port, "db": parsed.database,
             "username": parsed.username, "password": parsed.password}
    if parsed.query:
        parts["query"] = dict(parsed.query)
    return {key: value for key, value in parts.items() if value is not None}


def _flag(value: Any, name: str) -> bool:
    """A yes/no setting from endpoints.yml, where an environment variable arrives as a string."""
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "yes", "1"):
        return True
    if str(value).strip().lower() in ("false", "no", "0", ""):
        return False
    raise ValueError(f"endpoints.yml: tracker_store.{name} must be true or false, got {value!r}")


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
