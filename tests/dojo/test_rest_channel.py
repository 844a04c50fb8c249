"""The REST channel answers with the debtor's reply only when processing completed, on a real Sanic
server: a message processed in full gets its reply; one whose processing failed after the reply was
collected (Rasa's tracker save failing), or during which the tracker store failed behind Rasa's
error-swallowing wrapper, gets none, so the client holds it and sends it again."""
from __future__ import annotations

import asyncio
import os
import sys
import textwrap

import pytest

from dojo.servers import ManagedProcess, free_port, stop_all
from foundation.errors import SimulatorUnavailable
from rasa_client import RasaClient

SERVER = textwrap.dedent('''
    import sqlite3, sys
    from sanic import Sanic
    from rasa.core.channels.channel import UserMessage
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa_plugins.rest_channel import SavedRestInput
    from rasa_plugins.tracker_store import CachedSQLTrackerStore

    # A tracker store that fails on every read, inside Rasa's own wrapper, which swallows the error.
    broken = CachedSQLTrackerStore(domain=Domain.empty(), dialect="sqlite", db=sys.argv[2])
    with sqlite3.connect(sys.argv[2]) as connection:
        connection.execute("DROP TABLE events")
    wrapped = FailSafeTrackerStore(broken)

    async def process(message: UserMessage) -> None:
        """A stand-in for Rasa: the tracker is read, the debtor's reply is sent, the conversation is saved."""
        if message.text == "the store fails quietly":
            assert await wrapped.retrieve(message.sender_id) is None  # swallowed, as in Rasa
        await message.output_channel.send_response(message.sender_id, {
            "text": "debtor line", "custom": {"dojo": {"session_id": message.sender_id, "turn": 1}}})
        if message.text == "the save fails":
            raise ConnectionError("tracker store unreachable")

    app = Sanic("channel_test")
    app.blueprint(SavedRestInput().blueprint(process), url_prefix="/webhooks/rest")
    app.add_route(lambda request: __import__("sanic").response.text("ok"), "/")
    app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False)
''')


@pytest.fixture(scope="module")
def channel_url(tmp_path_factory):
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    folder = tmp_path_factory.mktemp("channel")
    server = ManagedProcess("REST channel", [sys.executable, "-c", SERVER, str(port), str(folder / "tracker.db")], env,
                            f"http://127.0.0.1:{port}/", folder / "server.log", 60)
    server.start()
    try:
        server.wait_ready()
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_all([server])


def test_a_saved_message_gets_its_reply(channel_url):
    async def talk():
        async with RasaClient(channel_url) as client:
            return await client.send("s1", "hello", message_key="k1")

    assert asyncio.run(talk()).text == "debtor line"


def test_a_message_whose_save_failed_gets_no_reply_and_the_client_knows(channel_url):
    async def talk():
        async with RasaClient(channel_url) as client:
            return await client.send("s1", "the save fails", message_key="k2")

    with pytest.raises(SimulatorUnavailable):
        asyncio.run(talk())


def test_a_message_during_which_the_tracker_store_failed_gets_no_reply(channel_url):
    """Rasa's FailSafeTrackerStore turns a failed read into a new, empty conversation; the reply to
    such a message must not reach the trainee as a turn."""
    async def talk():
        async with RasaClient(channel_url) as client:
            return await client.send("s1", "the store fails quietly", message_key="k3")

    with pytest.raises(SimulatorUnavailable):
        asyncio.run(talk())
