"""Rasa's REST channel, except that a reply is sent only for a message whose processing completed.

Rasa's own REST channel collects the bot's messages while the message is processed and, if anything
fails afterwards, logs the error and still answers 200 with what it collected. Worse, Rasa wraps the
tracker store in a FailSafeTrackerStore that swallows its errors: a failed read (the tracker store
unreachable: PostgreSQL down in the scale deployment, a locked or full disk on one machine) plays the
message against a new, empty conversation ("no session is open"), and a failed write keeps the
conversation in memory while the debtor's reply goes out as a normal turn; the conversation in the
store is then one turn behind the progress store, and the trainee's next line would have been played
as that same turn again, and lost.

Here a message whose processing raised, or during which the tracker store failed
(`rasa_plugins.tracker_store.noting_failures`), gets its collected messages emptied, so the client
gets no debtor reply, which
`RasaClient` reports as `SimulatorUnavailable`: the bot holds the line and sends it again under its
message key, and the action server answers it with the turn already played and brings the tracker
up to date (actions/debtor_turn.py). The URL stays `/webhooks/rest/webhook`.

credentials.yml: `rasa_plugins.rest_channel.SavedRestInput:` in place of `rest:`.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput

from rasa_plugins.tracker_store import noting_failures


class TrackerStoreFailed(Exception):
    """Raised (and logged by Rasa's channel) when the tracker store failed while a message was handled."""


class SavedRestInput(RestInput):
    """The REST channel, answering with the debtor's reply only once Rasa has saved the conversation."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]):
        async def reply_only_when_saved(message: UserMessage) -> None:
            with noting_failures() as failures:
                try:
                    await on_new_message(message)
                except Exception:
                    _withhold_replies(message)
                    raise
            if failures:
                _withhold_replies(message)
                raise TrackerStoreFailed(f"the tracker store failed for {message.sender_id}: {failures[0]!r}")

        return super().blueprint(reply_only_when_saved)


def _withhold_replies(message: UserMessage) -> None:
    if isinstance(message.output_channel, CollectingOutputChannel):
        message.output_channel.messages.clear()
