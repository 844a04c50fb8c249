"""The REST client folds Rasa's messages into one reply and maps every transport failure to one error."""
import asyncio
import json

import pytest

from foundation.errors import SimulatorUnavailable
from foundation.turn_message import DebtorReply, sanitize_trainee_text, start_session_message
from rasa_client import RasaClient


def test_text_and_custom_payload_fold_into_one_reply():
    messages = [
        {"recipient_id": "s1", "text": "喂？哪位？"},
        {"recipient_id": "s1", "custom": {"dojo": {"turn": 2, "intent": "greet", "state": {"anger": 0.5},
                                                    "outcome": None, "tip": "t"}}},
    ]
    reply = DebtorReply.from_messages("s1", messages)
    assert reply.text == "喂？哪位？" and reply.turn == 2 and reply.intent == "greet" and reply.tip == "t"
    line = reply.to_json_line("你好")
    assert set(line) >= {"turn", "trainee", "intent", "debtor", "state", "findings", "outcome"}


def test_an_empty_answer_means_the_action_server_is_missing():
    with pytest.raises(SimulatorUnavailable):
        DebtorReply.from_messages("s1", [])


@pytest.mark.parametrize("typed, sent", [("/start_session{}", "start_session{}"), ("  /end_session", "end_session"),
                                         ("hello /there", "hello /there"), ("/", "…"),
                                         ("", "…"), ("  \n ", "…")])
def test_trainee_text_can_never_forge_a_shortcut(typed, sent):
    assert sanitize_trainee_text(typed) == sent


def test_start_message_carries_the_session_facts():
    message = start_session_message("hostile-m2", "zh", "exam", "张三")
    assert message.startswith("/start_session{")
    assert json.loads(message[len("/start_session"):]) == {"scenario_id": "hostile-m2", "lang": "zh", "mode": "exam",
                                                          "trainee_id": "张三", "channel": "cli"}


def test_a_server_that_is_down_is_reported_as_unavailable():
    async def call():
        async with RasaClient("http://127.0.0.1:9", timeout=1.0) as client:
            assert await client.health() is False
            await client.send("s1", "hello")

    with pytest.raises(SimulatorUnavailable, match="unreachable"):
        asyncio.run(call())
