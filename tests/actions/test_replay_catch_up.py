"""A replayed message whose turn Rasa never saved: the tracker catches up instead of losing the next line.

The action server commits a turn before Rasa saves the conversation. When that save fails (Rasa killed
in between; its tracker store, PostgreSQL in the scale deployment, unreachable), the client sends the
message again under its key and the tracker is one turn behind the progress store. Real actions, a
real progress store in a temporary file, rasa_sdk's own Tracker and dispatcher."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import process_resources
from actions.debtor_turn import ActionDebtorTurn
from actions.session_end import ActionEndSession
from actions.session_start import ActionStartSession

SESSION = "catch-up-1"


@pytest.fixture()
def fresh_store(tmp_path, monkeypatch):
    monkeypatch.setenv("DOJO_DB", str(tmp_path / "dojo.db"))
    process_resources.settings.cache_clear()
    monkeypatch.setattr(process_resources, "_store", None)
    yield process_resources.store()
    process_resources.settings.cache_clear()


def tracker(slots, text="", intent=None, key=None, entities=()):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.95} if intent else {},
               "entities": list(entities), "metadata": {"message_key": key} if key else {}}
    return Tracker(SESSION, slots, message, [], False, None, {}, "action_listen")


def run(action, slots, **message):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker(slots, **message), {})
    for event in events:
        slots = dict(slots, **{event["name"]: event["value"]})
    return slots, events, dispatcher.messages


def opened():
    slots = {"lang": "en", "scenario_id": "wbb-m1-layoff", "mode": "coach", "trainee_id": "t1", "channel": "cli"}
    slots, _, _ = run(ActionStartSession(), slots, text="/start_session", intent="start_session",
                      entities=[{"entity": "scenario_id", "value": "wbb-m1-layoff"}])
    return slots


LINE_1 = dict(text="I understand this has been a hard month for you.", intent="acknowledge_feelings", key="k1")
LINE_2 = dict(text="Could we agree on 200 a month starting Friday?", intent="offer_plan", key="k2")


def test_a_tracker_one_turn_behind_gets_the_played_turns_slots(fresh_store):
    before = opened()
    after, played_events, _ = run(ActionDebtorTurn(), before, **LINE_1)
    # Rasa could not save `after`: the replay arrives with the tracker as it was `before`.
    caught_up, replay_events, messages = run(ActionDebtorTurn(), before, **LINE_1)
    assert messages[0]["custom"]["dojo"]["replayed"] is True
    assert replay_events == played_events and caught_up == after
    # The next line is turn 2, not a second turn 1 that the store would silently drop.
    _, _, messages = run(ActionDebtorTurn(), caught_up, **LINE_2)
    assert messages[0]["custom"]["dojo"]["turn"] == 2
    assert [t["turn_no"] for t in fresh_store.session_turns(SESSION)] == [0, 1, 2]


def test_a_plain_retry_with_an_up_to_date_tracker_changes_nothing(fresh_store):
    after, _, _ = run(ActionDebtorTurn(), opened(), **LINE_1)
    again, events, messages = run(ActionDebtorTurn(), after, **LINE_1)
    assert events == [] and again == after and messages[0]["custom"]["dojo"]["replayed"] is True
    assert [t["turn_no"] for t in fresh_store.session_turns(SESSION)] == [0, 1]


@pytest.mark.parametrize("confidence,ends", [(1.0, True), (0.95, True), (0.41, False)])
def test_only_a_sure_end_session_closes_the_call(fresh_store, confidence, ends):
    """The clients' `/end_session` comes with confidence 1; a stray line the NLU merely guesses is a
    request to stop is played as a turn (the debtor asks what was meant), never a closed call."""
    dispatcher = CollectingDispatcher()
    message = {"text": "😀 ok ok", "intent": {"name": "end_session", "confidence": confidence}, "entities": [],
               "metadata": {}}
    ActionEndSession().run(dispatcher, Tracker(SESSION, opened(), message, [], False, None, {}, "action_listen"), {})
    payload = dispatcher.messages[0]["custom"]["dojo"]
    assert bool(payload.get("report")) is ends
    if not ends:
        assert dispatcher.messages[0]["text"] and payload["turn"] == 1
