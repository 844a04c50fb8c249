"""Opening a practice session: the debtor picks up the phone."""
from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import process_resources
from actions.debtor_turn import ActionDebtorTurn
from actions.system_lines import utter_system
from foundation.turn_message import turn_payload
from progress.errors import StoreError
from simulator.engine import initial_state, mood, opening


class ActionStartSession(Action):
    def name(self) -> str:
        return "action_start_session"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        entities = (tracker.latest_message or {}).get("entities") or []
        if not any(entity.get("entity") == "scenario_id" for entity in entities):
            # Typed words that merely sound like "start a session": the debtor hears them mid-call.
            return ActionDebtorTurn().run(dispatcher, tracker, domain)
        session_id = tracker.sender_id
        lang = tracker.get_slot("lang") or "zh"
        scenario_id = tracker.get_slot("scenario_id") or ""
        catalog = process_resources.catalog()
        scenario = catalog.scenarios.get(scenario_id)
        if scenario is None:
            known = sorted(catalog.scenarios)
            utter_system(dispatcher, session_id, "unknown_scenario", lang,
                         {"scenario_id": scenario_id, "known": ", ".join(known)}, known=known)
            return [SlotSet("debtor_state", None)]
        persona = catalog.personas[scenario.persona]
        state = initial_state(persona, scenario, seed=session_id)
        turn = opening(state, persona, scenario, lang)
        try:
            store = process_resources.store()
            store.start_session(session_id, tracker.get_slot("trainee_id") or "anonymous", scenario.id,
                                lang, tracker.get_slot("mode") or "coach",
                                channel=tracker.get_slot("channel") or "rasa")
            store.record_turn(session_id, 0, "", None, None, turn.reply, turn.state.public(), None, None)
        except StoreError:
            utter_system(dispatcher, session_id, "store_unavailable", lang)
            return [SlotSet("debtor_state", None)]
        dispatcher.utter_message(
            text=turn.reply,
            json_message=turn_payload(session_id, 0, None, None, turn.state.public(), None, None, None),
        )
        return [
            SlotSet("persona", persona.id),
            SlotSet("mood", mood(turn.state)),
            SlotSet("stage", turn.state.stage),
            SlotSet("outcome", None),
            SlotSet("last_debtor_line", turn.reply),
            SlotSet("debtor_state", turn.state.to_dict()),
        ]
