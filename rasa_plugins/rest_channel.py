"""Rasa's REST channel, except that a reply is sent only for a message whose processing completed.

Rasa's own REST channel collects the bot's messages while the message is processed and, if anything
fails afterwards, logs the error and still answers 200 with what it collected. The debtor's reply is
collected before Rasa saves the conversation, so a failed save (the tracker store unreachable:
PostgreSQL down in the scale deployment, a full disk on one machine) reached the trainee as a normal
turn while the conversation Rasa keeps was one turn behind the progress store, and the trainee's
next line would have been played as that same turn again, and lost.

Here a failure empties the collected messages, so the client gets no debtor reply, which
`RasaClient` reports as `SimulatorUnavailable`: the bot holds the line and sends it again under its
message key, and the action server answers it with the turn already played and brings the tracker
up to date (actions/debtor_turn.py). The URL stays `/webhooks/rest/webhook`.

credentials.yml: `rasa_plugins.rest_channel.SavedRestInput:` in place of `rest:`.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput


class SavedRestInput(RestInput):
    """The REST channel, answering with the debtor's reply only once Rasa has saved the conversation."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]):
        async def reply_only_when_saved(message: UserMessage) -> None:
            try:
                await on_new_message(message)
            except Exception:
                if isinstance(message.output_channel, CollectingOutputChannel):
                    message.output_channel.messages.clear()
                raise

        return super().blueprint(reply_only_when_saved)
