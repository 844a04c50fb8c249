"""Plain functions behind the debtor's actions, kept free of Rasa types so they test without a tracker."""
from __future__ import annotations

import unicodedata
from typing import Any, Dict, Iterable, List, Mapping, Optional

from scoring import ReplyScore, SessionContext, SessionTurn, coach_tip, score_reply, score_session
from scoring.errors import ScoringInputError
from simulator.engine import ScoreSignal

# Longer replies are scored on their first part; the debtor reacts to the length in character.
MAX_SCORED_CHARS = 10_000


def clean_text(text: Optional[str]) -> str:
    """Drop control and format characters (bidi marks, NULs) that would corrupt logs and terminals."""
    if not text:
        return ""
    kept = [ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C"]
    return "".join(kept).strip()


def score_safely(text: str, lang: str, regime: str, debtor_said: Optional[str]) -> Optional[ReplyScore]:
    """None for a reply with nothing to grade (empty, emoji only); the debtor still answers it."""
    if not any(ch.isalnum() for ch in text):
        return None
    try:
        return score_reply(text[:MAX_SCORED_CHARS], lang=lang, regime=regime, debtor_said=debtor_said)
    except ScoringInputError:
        return None


def signal_from_score(score: Optional[ReplyScore]) -> ScoreSignal:
    """What the debtor 'hears' of the grade: which rules were broken and the tone of the words."""
    if score is None:
        return ScoreSignal()
    return ScoreSignal(
        violations=tuple(v.category for v in score.violations),
        sources=tuple(v.source for v in score.violations),
        critical=any(v.severity == "critical" for v in score.violations),
        polarity=int(score.deescalation.polarity),
        nvc_score=int(score.nvc.score),
        deescalation_score=int(score.deescalation.score),
    )


# Acts where observation-feeling-need-request is not expected (an opening, an identity check, a
# goodbye): a coach that nags about NVC on "Hello, this is…" teaches nothing.
ROUTINE_ACTS = {"greet", "introduce_call", "verify_identity", "confirm_agreement", "close_call"}


def choose_tip(score: Optional[ReplyScore], lang: str, intent: Optional[str], previous_tip: Optional[str]) -> Optional[str]:
    """A violation or an escalation is always pointed out; an NVC hint only where NVC belongs, and never twice running."""
    if score is None:
        return None
    tip = coach_tip(score, lang)
    if score.violations or score.deescalation.escalators:
        return tip
    if intent in ROUTINE_ACTS or tip == previous_tip:
        return None
    return tip


def previous_tip(events: Iterable[Mapping[str, Any]]) -> Optional[str]:
    """The tip the trainee saw last, read from the tracker's last debtor message."""
    for event in reversed(list(events or ())):
        if event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            return (custom.get("dojo") or {}).get("tip")
    return None


def first_entity(entities: Iterable[Mapping[str, Any]], name: str) -> Optional[str]:
    for entity in entities or ():
        if entity.get("entity") == name and entity.get("value"):
            return str(entity["value"])
    return None


def session_context(scenario, lang: str, outcome: Optional[str], commitment: Optional[Mapping]) -> SessionContext:
    call = scenario.call
    return SessionContext(
        lang=lang,
        regime=scenario.regime,
        local_time=call.local_time,
        contacts_today=call.contacts_today,
        contacts_last_7_days=call.contacts_last_7_days,
        pass_criteria=dict(scenario.pass_criteria),
        outcome=outcome,
        commitment=dict(commitment) if commitment else None,
    )


def session_turns(turn_rows: List[Mapping[str, Any]], lang: str, regime: str) -> List[SessionTurn]:
    """Rebuild the graded transcript from the store, so the report card reflects exactly what was logged."""
    turns: List[SessionTurn] = []
    debtor_said: Optional[str] = None
    anger_before: Optional[float] = None
    for row in turn_rows:
        state = row.get("state") or {}
        anger_after = state.get("anger")
        text = row.get("trainee_text") or ""
        if row.get("turn_no", 0) > 0:
            score = score_safely(text, lang, regime, debtor_said)
            if score is not None:
                turns.append(
                    SessionTurn(
                        text=text[:MAX_SCORED_CHARS],
                        lang=lang,
                        score=score,
                        intent=row.get("intent"),
                        debtor_said=debtor_said,
                        anger_before=anger_before,
                        anger_after=anger_after,
                    )
                )
        debtor_said = row.get("debtor_reply")
        anger_before = anger_after
    return turns


def session_report(turn_rows, scenario, lang: str, outcome: Optional[str], commitment) -> Dict[str, Any]:
    context = session_context(scenario, lang, outcome, commitment)
    return score_session(session_turns(turn_rows, lang, scenario.regime), context).to_dict()


def turn_payload(session_id: str, turn_no: int, intent: Optional[str], confidence: Optional[float],
                 public_state: Mapping[str, Any], findings: Optional[Mapping[str, Any]],
                 outcome: Optional[str], tip: Optional[str], report: Optional[Mapping[str, Any]] = None,
                 **extra: Any) -> Dict[str, Any]:
    """The custom JSON every debtor reply carries (docs/architecture.md)."""
    payload = {
        "session_id": session_id,
        "turn": turn_no,
        "intent": intent,
        "confidence": None if confidence is None else round(float(confidence), 3),
        "state": dict(public_state),
        "findings": findings,
        "outcome": outcome,
        "tip": tip,
        "report": report,
        "ended": report is not None,
    }
    payload.update(extra)
    return {"dojo": payload}
