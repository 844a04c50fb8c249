"""One trainee line in, one debtor line out: grade it, move the debtor, log the turn, then reply."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import process_resources
from actions.open_call import open_call
from actions.system_lines import utter_system
from actions.turn_logic import (choose_tip, clean_text, first_entity, previous_tip, score_safely, session_report,
                                signal_from_score)
from foundation.turn_message import MESSAGE_KEY, turn_payload
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
        message_key = (message.get("metadata") or {}).get(MESSAGE_KEY)
        message_key = str(message_key) if message_key else None
        if message_key:
            played = _replay_played_turn(dispatcher, tracker.sender_id, message_key, lang)
            if played is not None:
                return _catch_up(tracker, call, message, played)
        act, score = _trainee_act(message, call, tracker)
        turn = advance(state, persona, scenario, act, lang)
        return _log_and_reply(dispatcher, tracker, scenario, lang, state, turn, act, score, message_key)


def _trainee_act(message: Dict[str, Any], call, tracker: Tracker):
    """What the trainee did in this message (NLU's act, entities, the graders' signal), and the score."""
    text = clean_text(message.get("text"))
    intent = (message.get("intent") or {}).get("name")
    confidence = (message.get("intent") or {}).get("confidence")
    score = score_safely(text, call.lang, call.scenario.regime, tracker.get_slot("last_debtor_line"))
    act = TraineeAct(
        intent=None if intent in UNREADABLE_INTENTS else intent,
        confidence=float(confidence or 0.0),
        text=text,
        lang=call.lang,
        amount=first_entity(message.get("entities"), "amount"),
        date=first_entity(message.get("entities"), "date"),
        signal=signal_from_score(score),
        runner_up=_runner_up(message, intent),
    )
    return act, score


def _runner_up(message: Dict[str, Any], intent: Optional[str]) -> Optional[str]:
    """The NLU's next guess after `intent` in Rasa's intent ranking (the fallback's own entry skipped)."""
    for ranked in message.get("intent_ranking") or ():
        name = (ranked or {}).get("name")
        if name and name != intent and name not in UNREADABLE_INTENTS:
            return name
    return None


def _catch_up(tracker: Tracker, call, message: Dict[str, Any], played: Dict[str, Any]) -> List[Dict[str, Any]]:
    """A replayed message whose turn the tracker never saw gets that turn's slots after all.

    The action server commits a turn before Rasa saves the conversation; when that save fails (Rasa
    killed in between, or its tracker store unreachable, e.g. PostgreSQL down in the scale deployment),
    the client sends the message again and the tracker is one turn behind the progress store. Without
    the played turn's state the next message would be played as that same turn number again and
    lost. The debtor's move is deterministic (state, seed, act), so it is computed again and used only
    when it gives exactly the turn that was played."""
    if not played or played["turn_no"] != call.state.turn + 1:
        return []  # the tracker already has it (a plain retry), or the store could not say
    act, _ = _trainee_act(message, call, tracker)
    turn = advance(call.state, call.persona, call.scenario, act, call.lang)
    if turn.state.turn != played["turn_no"] or turn.reply != played["debtor_reply"]:
        return []
    return _changed_slots(tracker, _turn_slots(turn))


def _replay_played_turn(dispatcher, session_id: str, message_key: str, lang: str) -> Optional[Dict[str, Any]]:
    """A message that was already played (the client timed out and sent it again) gets the same
    debtor line back and moves nothing: no second turn row, no second violation, no mood change.
    Returns the played turn, {} when the store could not be read (the trainee was told), or None."""
    try:
        store = process_resources.store()
        played = store.turn_for_message(session_id, message_key)
        if played is None:
            return None
        session = store.session(session_id) or {}
    except StoreError:
        utter_system(dispatcher, session_id, "store_unavailable", lang)
        return {}
    report = session.get("report") if played["outcome"] else None
    dispatcher.utter_message(
        text=played["debtor_reply"],
        json_message=turn_payload(session_id, played["turn_no"], played["intent"], played["confidence"],
                                  played["state"] or {}, played["findings"], played["outcome"], None, report,
                                  replayed=True),
    )
    return played


def _changed_slots(tracker: Tracker, values: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Only slots whose value changed: Rasa stores every event and replays them all into the tracker on
    each message, so an unchanged slot set again is pure cost."""
    return [SlotSet(name, value) for name, value in values.items() if tracker.get_slot(name) != value]


def _log_and_reply(dispatcher, tracker, scenario, lang, before, turn, act, score,
                   message_key: Optional[str] = None) -> List[Dict[str, Any]]:
    """The turn is committed before the reply leaves; if it cannot be, the debtor's state stays put."""
    session_id = tracker.sender_id
    findings = score.to_dict() if score is not None else None
    newly_ended = turn.outcome is not None and before.outcome is None
    tip = None
    if tracker.get_slot("mode") != "exam":
        tip = choose_tip(score, lang, act.intent, previous_tip(tracker.events))
    report: Optional[Dict[str, Any]] = None
    try:
        store = process_resources.store()
        store.record_turn(session_id, turn.state.turn, act.text, act.intent, act.confidence, turn.reply,
                          turn.state.public(), findings, turn.outcome, message_key)
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
    return _changed_slots(tracker, _turn_slots(turn))


def _turn_slots(turn) -> Dict[str, Any]:
    return {
        "mood": mood(turn.state),
        "stage": turn.state.stage,
        "outcome": turn.outcome,
        "last_debtor_line": turn.reply,
        "debtor_state": turn.state.to_dict(),
    }
