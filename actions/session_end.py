"""The trainee hangs up first (`/end`): grade what was said so far and close the session."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import process_resources
from actions.debtor_turn import ActionDebtorTurn
from actions.open_call import open_call
from actions.system_lines import utter_system
from actions.turn_logic import session_report
from foundation.turn_message import turn_payload
from progress.errors import StoreError


# The NLU's confidence below which a guessed end_session is played as an ordinary turn.
COMMAND_CONFIDENCE = 0.9


class ActionEndSession(Action):
    def name(self) -> str:
        return "action_end_session"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        intent = (tracker.latest_message or {}).get("intent") or {}
        if float(intent.get("confidence") or 0.0) < COMMAND_CONFIDENCE:
            # The clients end a session with the `/end_session` command (confidence 1). A typed line
            # the NLU only guesses is a request to stop ("结束练习") ends it only when the NLU is
            # sure; anything less (random text, emoji, a half-sentence) is played as a turn, so no
            # stray line ever closes a trainee's call.
            return ActionDebtorTurn().run(dispatcher, tracker, domain)
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
