"""Two replicas, one PostgreSQL tracker database: a replica never serves a conversation from a stale
cache after another replica wrote to it (the balancer moved it while a replica was down, and back).

Two `CachedSQLTrackerStore(shared=True)` objects over one real PostgreSQL database stand for two Rasa
replicas; a plain `SQLTrackerStore` is the referee, as in test_tracker_store.py."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import UserUttered

from rasa_plugins.tracker_store import CachedSQLTrackerStore, sql_settings
from test_tracker_store import TURNS, domain, dumped, play  # noqa: F401  (domain is a fixture)


def replica(domain, url, **kwargs):
    # Rasa hands endpoints.yml's `url:` to a custom tracker store as `host`.
    return CachedSQLTrackerStore(domain=domain, host=url, shared=True, **kwargs)


def test_a_conversation_moved_to_another_replica_and_back_is_never_served_stale(domain, postgres_server):
    sender = f"moved-{uuid.uuid4().hex[:8]}"
    first, second = replica(domain, postgres_server.url), replica(domain, postgres_server.url)

    async def main():
        await play(first, sender, TURNS[:2])              # replica 1 serves the conversation and caches it
        moved = await second.retrieve(sender)             # replica 1 dies: replica 2 carries on
        moved.update(UserUttered("还在吗？", {"name": "out_of_scope", "confidence": 0.8}))
        await second.save(moved)
        back = await first.retrieve(sender)               # replica 1 is back: its cache is one message old
        referee = SQLTrackerStore(domain=domain, **sql_settings(postgres_server.url))
        return back, await referee.retrieve(sender)

    back, from_sql = asyncio.run(main())
    assert first.stale == 1
    assert dumped(back) == dumped(from_sql)
    assert back.latest_message.text == "还在吗？"


def test_an_unchanged_conversation_is_still_served_from_memory(domain, postgres_server):
    sender = f"kept-{uuid.uuid4().hex[:8]}"
    store = replica(domain, postgres_server.url)
    asyncio.run(play(store, sender, TURNS))
    # As on one machine: read back once after its first save (turn 2), then from memory (turn 3, after a count).
    assert (store.hits, store.misses, store.stale) == (1, 2, 0)


def test_a_save_racing_another_replica_drops_the_conversation_from_memory(domain, postgres_server):
    """Should two replicas ever write at once (the lock store's known race, RasaHQ/rasa#9213), the one
    that finds more events than it wrote trusts SQL, not memory, next time."""
    sender = f"race-{uuid.uuid4().hex[:8]}"
    first, second = replica(domain, postgres_server.url), replica(domain, postgres_server.url)

    async def main():
        await play(first, sender, TURNS[:2])
        mine = await first.retrieve(sender)
        theirs = await second.retrieve(sender)
        theirs.update(UserUttered("from replica 2", {"name": "greet", "confidence": 0.9}))
        await second.save(theirs)
        mine.update(UserUttered("from replica 1", {"name": "greet", "confidence": 0.9}))
        await first.save(mine)
        return sender in first._stored

    assert asyncio.run(main()) is False


def test_a_tracker_store_url_sets_every_connection_setting(domain, postgres_server):
    store = replica(domain, postgres_server.url)
    url = store.engine.url
    assert (url.drivername, url.host, url.port, url.database) == (
        "postgresql", "127.0.0.1", int(postgres_server.url.rsplit(":", 1)[1].split("/")[0]), "dojo_tracker")


@pytest.mark.parametrize("value", ["maybe", 2])
def test_a_bad_shared_flag_is_named(domain, tmp_path, value):
    with pytest.raises(ValueError, match="tracker_store.shared must be true or false"):
        CachedSQLTrackerStore(domain=domain, dialect="sqlite", db=str(tmp_path / "t.db"), shared=value)

