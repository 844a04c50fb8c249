"""The scale deployment's own Redis and PostgreSQL: started from the distribution's packages, ready,
persistent where it matters (PostgreSQL keeps the conversations), and a clear message when missing."""
from __future__ import annotations

import os

import psycopg2
import pytest
import redis
from rasa.utils.endpoints import EndpointConfig

from dojo.errors import MissingToolError
from dojo.servers import free_port, stop_all
from dojo.stores import find_tool, local_postgres, postgres_accepts
from rasa_plugins.lock_store import RedisUrlLockStore, redis_settings


def test_a_missing_server_names_its_package_and_the_setting_that_avoids_it():
    with pytest.raises(MissingToolError) as error:
        find_tool("no-such-server-binary", "redis-server", "DOJO_REDIS_URL")
    message = str(error.value)
    assert "apt-get install redis-server" in message and "DOJO_REDIS_URL" in message


def test_postgres_keeps_its_data_across_a_restart_in_the_same_folder(store_folder):
    folder = store_folder / "restart"
    env = dict(os.environ)
    first = local_postgres(folder, free_port(), env, store_folder / "logs")
    first.process.start()
    try:
        first.process.wait_ready()
        with psycopg2.connect(first.url.rsplit("/", 1)[0] + "/postgres") as connection, connection.cursor() as cursor:
            cursor.execute("CREATE TABLE kept (line text)")
            cursor.execute("INSERT INTO kept VALUES ('still here')")
    finally:
        stop_all([first.process])
    assert not postgres_accepts(first.url.rsplit("/", 1)[0] + "/postgres")
    again = local_postgres(folder, free_port(), env, store_folder / "logs")  # same password, new port
    again.process.start()
    try:
        again.process.wait_ready()
        with psycopg2.connect(again.url.rsplit("/", 1)[0] + "/postgres") as connection, connection.cursor() as cursor:
            cursor.execute("SELECT line FROM kept")
            assert cursor.fetchall() == [("still here",)]
    finally:
        stop_all([again.process])


@pytest.mark.parametrize("url, expected", [
    ("redis://127.0.0.1:6390/2", {"host": "127.0.0.1", "port": 6390, "db": 2, "use_ssl": False}),
    ("redis://:s%40cret@cache.local", {"host": "cache.local", "port": 6379, "db": 0, "use_ssl": False, "password": "s@cret"}),
    ("rediss://dojo:pw@cache.local:6380/1", {"host": "cache.local", "port": 6380, "db": 1, "use_ssl": True,
                                             "username": "dojo", "password": "pw"}),
])
def test_redis_urls(url, expected):
    assert redis_settings(url) == expected


def test_a_url_that_is_not_redis_is_refused():
    with pytest.raises(ValueError, match="redis://host:port/db"):
        redis_settings("postgresql://127.0.0.1/x")


def test_the_lock_store_takes_and_releases_conversation_locks_in_redis(redis_server):
    lock_store = RedisUrlLockStore(EndpointConfig(url=redis_server.url, key_prefix="dojotest"))
    ticket = lock_store.issue_ticket("conversation-1", 5)
    keys = redis.Redis.from_url(redis_server.url).keys("dojotest*")
    assert keys and all(b"conversation-1" in key for key in keys)
    assert lock_store.get_lock("conversation-1").now_serving == ticket  # a second replica's copy sees it too
    assert RedisUrlLockStore(EndpointConfig(url=redis_server.url, key_prefix="dojotest")).get_lock(
        "conversation-1").last_issued == ticket
    lock_store.cleanup("conversation-1", ticket)
    assert redis.Redis.from_url(redis_server.url).keys("dojotest*") == []
