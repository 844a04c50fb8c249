"""One trainee line in, one debtor line out: grade it, move the debtor, log the turn, then reply."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.open_call import open_call
from actions.system_lines import utter_system
from actions.turn_logic import (choose_tip, clean_text, first_entity, previous_tip, score_safely, session_report,
                                signal_from_score, turn_payload)
from progress.errors import StoreError
from simulator.engine import TraineeAct, advance, mood

# Rasa's FallbackClassifier label: the model could not read the line, so the debtor asks again.
UNREADABLE_INTENTS = {None, "", "nlu_fallback", "start_session", "end_session"}


class ActionDebtorTurn(Action):
    def name(self) -> str:
        return "action_debtor_turn"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        call = open_call(dispatcher, tracker)
        if call is None:
            return []
        lang, state, scenario, persona = call.lang, call.state, call.scenario, call.persona
        message = tracker.latest_message or {}
        text = clean_text(message.get("text"))
        intent = (message.get("intent") or {}).get("name")
        confidence = (message.get("intent") or {}).get("confidence")
        score = score_safely(text, lang, scenario.regime, tracker.get_slot("last_debtor_line"))
        act = TraineeAct(
            intent=None if intent in UNREADABLE_INTENTS else intent,
            confidence=float(confidence or 0.0),
            text=text,
            lang=lang,
            amount=first_entity(message.get("entities"), "amount"),
            date=first_entity(message.get("entities"), "date"),
            signal=signal_from_score(score),
        )
        turn = advance(state, persona, scenario, act, lang)
        return _log_and_reply(dispatcher, tracker, scenario, lang, state, turn, act, score)


def _log_and_reply(dispatcher, tracker, scenario, lang, before, turn, act, score) -> List[Dict[str, Any]]:
    """The turn is committed before the reply leaves; if it cannot be, the debtor's state stays put."""
    session_id = tracker.sender_id
    findings = score.to_dict() if score is not None else None
    newly_ended = turn.outcome is not None and before.outcome is None
    tip = None
    if tracker.get_slot("mode") != "exam":
        tip = choose_tip(score, lang, act.intent, previous_tip(tracker.events))
    report: Optional[Dict[str, Any]] = None
    try:
        store = services.store()
        store.record_turn(session_id, turn.state.turn, act.text, act.intent, act.confidence, turn.reply,
                          turn.state.public(), findings, turn.outcome)
        if newly_ended:
            report = session_report(store.session_turns(session_id), scenario, lang, turn.outcome, turn.state.commitment)
            report.update(store.finish_session(session_id, turn.outcome, report) or {})
    except StoreError:
        utter_system(dispatcher, session_id, "store_unavailable", lang)
        return []
    dispatcher.utter_message(
        text=turn.reply,
        json_message=turn_payload(session_id, turn.state.turn, act.intent, act.confidence, turn.state.public(),
                                  findings, turn.outcome, tip, report),
    )
    return [
        SlotSet("mood", mood(turn.state)),
        SlotSet("stage", turn.state.stage),
        SlotSet("outcome", turn.outcome),
        SlotSet("last_debtor_line", turn.reply),
        SlotSet("debtor_state", turn.state.to_dict()),
    ]
