"""The trainee hangs up first (`/end`): grade what was said so far and close the session."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import process_resources
from actions.open_call import open_call
from actions.system_lines import utter_system
from actions.turn_logic import session_report
from foundation.turn_message import turn_payload
from progress.errors import StoreError


class ActionEndSession(Action):
    def name(self) -> str:
        return "action_end_session"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        call = open_call(dispatcher, tracker)
        if call is None:
            return []
        lang, state, scenario = call.lang, call.state, call.scenario
        try:
            store = process_resources.store()
            report = session_report(store.session_turns(tracker.sender_id), scenario, lang, state.outcome, state.commitment)
            report.update(store.finish_session(tracker.sender_id, state.outcome, report) or {})
        except StoreError:
            utter_system(dispatcher, tracker.sender_id, "store_unavailable", lang)
            return []
        dispatcher.utter_message(
            json_message=turn_payload(tracker.sender_id, state.turn, None, None, state.public(), None, state.outcome,
                                      None, report),
        )
        return [SlotSet("debtor_state", None), SlotSet("stage", "closed")]
