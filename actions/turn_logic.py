"""Plain functions behind the debtor's actions, kept free of Rasa types so they test without a tracker."""
from __future__ import annotations

import unicodedata
from typing import Any, Dict, Iterable, Mapping, Optional

from scoring import ReplyScore, SessionContext, coach_tip, score_reply, score_session
from scoring.rulings import MAX_SCORED_CHARS, session_turns
from scoring.errors import ScoringInputError
from simulator.engine import ScoreSignal



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


def session_report(turn_rows, scenario, lang: str, outcome: Optional[str], commitment) -> Dict[str, Any]:
    context = session_context(scenario, lang, outcome, commitment)
    return score_session(session_turns(turn_rows, lang), context).to_dict()
