"""The debtor's state machine: one trainee act in, the debtor's new state and words out.

Pure and deterministic: the same state, persona, scenario, act and language always give the same
turn, so the action server can replay a conversation and tests can pin behaviour down. The
persona YAML holds every number; this module holds only the order in which they apply:

1. a call that has ended only answers with the dead line;
2. an empty or unreadable message gets "say that again?";
3. the scorer's signal (violations, tone) moves the debtor whatever the intent was, a finding of
   the model alone half as much as a rule's, and while the call goes well a finding is let pass
   (docs/personas.md, "One finding"); a hostile act the grader did not hear is asked about;
4. an overlong message gets "slow down";
5. the intent moves the debtor (persona-specific, and differently while angry), sets flags and
   advances the stage;
6. thresholds decide whether the call ends (complaint, hang-up, promise, plan, refusal);
7. a line for the situation × mood × language is chosen, avoiding the last few said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Dict, Optional, Tuple

# SESSION_CATEGORIES are judged over the whole call, not the words just said: the debtor does not hear them.
from foundation.vocab import SESSION_CATEGORIES
from simulator.acts import (INTENTS, ScoreSignal, TraineeAct, apologises, checks_identity, defers_decision,
                            introduces_caller, is_noise, is_rambling, says_goodbye)
from simulator.persona import Levels, Persona
from simulator.scenario import Scenario
from simulator.state import OUTCOMES, STAGES, DebtorState, mood
from simulator.terms import find_amount, find_date, parse_amount, spoken_date

__all__ = ["DebtorState", "TraineeAct", "ScoreSignal", "DebtorTurn", "initial_state", "opening",
           "advance", "mood", "STAGES", "OUTCOMES", "INTENTS", "MAX_TURNS"]

MAX_TURNS = 40
# Each difficulty step above 1 starts the debtor a little angrier and less trusting.
DIFFICULTY_STEP = Levels(anger=0.03, trust=-0.03)
# The debtor reacts to the worst thing said; order is precedence.
VIOLATION_SITUATIONS = (
    ("threat_of_violence", "threat"),
    ("false_legal_threat", "threat"),
    ("impersonation", "threat"),
    ("abusive_language", "insult"),
    ("third_party_disclosure", "disclosure"),
    ("privacy_violation", "disclosure"),
    ("harassment", "pressure"),
    ("unfair_practice", "pressure"),
)
# Violations that make a debtor reach for the regulator rather than just the red button.
COMPLAINT_CATEGORIES = frozenset({"threat_of_violence", "abusive_language", "false_legal_threat",
                                  "impersonation", "third_party_disclosure", "privacy_violation"})
HOSTILE_INTENTS = frozenset({"threaten", "insult", "pressure", "disclose_third_party", "argue"})
# What each hostile reading of the NLU may be, in the grader's categories: a model finding backs
# the NLU only when the two agree on what was done ("argue" and a third-party disclosure are two
# guesses, not one reading). A threat may be of anything, so it agrees with every category.
AGREEING_CATEGORIES = {
    "insult": frozenset({"abusive_language", "harassment"}),
    "argue": frozenset({"abusive_language", "harassment"}),
    "pressure": frozenset({"harassment", "unfair_practice", "threat_of_violence", "false_legal_threat",
                           "privacy_violation"}),
    "disclose_third_party": frozenset({"third_party_disclosure", "privacy_violation"}),
}
# Below this NLU confidence a first guess that would end the call, or a hostile one the grader does
# not corroborate, gives way to the NLU's second guess (docs/personas.md, "One finding").
SURE = 0.6
DEMAND_INTENTS = frozenset({"state_debt", "propose_payment", "ask_commitment", "pressure"})
LISTENING_INTENTS = frozenset({"ask_reason", "ask_capacity", "acknowledge_feelings", "apologise",
                               "offer_plan"})
DEMAND_STREAK_PENALTY_FROM = 3
# Lines that ask something of the debtor or run the call's procedure: however warmly put, they are
# not the caller listening (a polite demand is still a demand).
ASKING_INTENTS = DEMAND_INTENTS | {"introduce_call", "verify_identity", "close_call"}
NEGOTIATION_INTENTS = ("offer_plan", "propose_payment", "ask_commitment", "confirm_agreement", "close_call")
# Acts whose amount and date are remembered as the terms on the table.
TERMS_INTENTS = frozenset({"offer_plan", "propose_payment", "ask_commitment", "confirm_agreement"})
# How much of the trust earned since the call began counts toward readiness to commit.
RAPPORT_WEIGHT = 0.5
# How much a violation found only by the statistical model moves the debtor, against 1.0 for one a
# rule pack matched: the model's findings are right less often (docs/scoring.md), and the debtor
# should not be wrecked by the grader's guess.
MODEL_FINDING_WEIGHT = 0.5
INTENT_SITUATIONS = {
    "introduce_call": "identified",
    "state_debt": "debt_stated",
    "ask_reason": "hardship",
    "ask_capacity": "capacity",
    "acknowledge_feelings": "acknowledged",
    "apologise": "apology",
    "explain_consequences": "consequences",
    "threaten": "threat",
    "insult": "insult",
    "pressure": "pressure",
    "disclose_third_party": "disclosure",
    "argue": "argued",
}
DODGEABLE_INTENTS = frozenset({"state_debt", "ask_reason", "ask_capacity"})
STAGE_AFTER_INTENT = {
    "introduce_call": "verification",
    "verify_identity": "verification",
    "state_debt": "negotiation",
    "ask_reason": "negotiation",
    "ask_capacity": "negotiation",
    "explain_consequences": "negotiation",
    "offer_plan": "negotiation",
    "propose_payment": "negotiation",
    "ask_commitment": "negotiation",
}
FLAG_OF_INTENT = {
    "introduce_call": "identified",
    "ask_reason": "reason_heard",
    "acknowledge_feelings": "empathised",
    "apologise": "empathised",
    "explain_consequences": "consequences_explained",
    "offer_plan": "offered_plan",
}
DEFAULT_PLAN_START = {"zh": "下个月15号", "en": "the 15th of next month"}
# The day a ready debtor names when asked for an amount, or for terms, without a day ("date_offer",
# "own_offer").
DEBTOR_OWN_DATE = {"zh": "下周五", "en": "next Friday"}
# Where an upset debtor says they will complain: the banking-insurance consumer hotline in China,
# the Consumer Financial Protection Bureau in the US.
REGULATOR = {"cn": {"zh": "12378", "en": "the 12378 banking hotline"},
             "us": {"zh": "CFPB", "en": "the CFPB"}}
REACTIONS = {
    "opening": "picked_up", "who_is_it": "wary", "identified": "listening", "verified": "verified",
    "debt_stated": "listening", "hardship": "shared_reason", "capacity": "shared_capacity",
    "acknowledged": "softened", "calmed": "calmed", "apology": "softened",
    "consequences": "weighing", "bluff": "called_bluff", "considering": "considering",
    "full_amount_refused": "refused_full_amount", "counter_offer": "counter_offered", "date_offer": "tentative",
    "own_offer": "tentative",
    "stall": "stalled",
    "vague_promise": "false_promise", "will_think": "considering", "dodge": "dodged", "tentative_promise": "tentative",
    "tentative_plan": "tentative", "accept_promise": "agreed", "accept_plan": "agreed",
    "threat": "escalated", "insult": "escalated", "pressure": "escalated",
    "disclosure": "escalated", "argued": "escalated", "refusal": "refused", "hang_up": "hung_up",
    "complaint": "complaint", "ask_repeat": "asked_repeat", "rambling": "overwhelmed",
    "line_dead": "line_dead",
}
OUTCOME_SITUATIONS = {"promise_to_pay": "accept_promise", "payment_plan": "accept_plan",
                      "refused": "refusal", "hung_up": "hang_up", "complaint": "complaint"}


@dataclass(frozen=True)
class DebtorTurn:
    """What the debtor does this turn; `reaction` is a machine-readable tag for logs and coaching."""

    state: DebtorState
    reply: str
    line_id: str
    outcome: Optional[str]
    reaction: str
    situation: str = ""

    def to_dict(self) -> Dict[str, Any]:
        return {"state": self.state.public(), "reply": self.reply, "line_id": self.line_id,
                "outcome": self.outcome, "reaction": self.reaction, "situation": self.situation}


def initial_state(persona: Persona, scenario: Scenario, seed: str) -> DebtorState:
    """The debtor before the phone rings: the persona's starting feelings, nudged by difficulty."""
    steps = max(0, scenario.difficulty - 1)
    return DebtorState(
        anger=persona.initial.anger + DIFFICULTY_STEP.anger * steps,
        trust=persona.initial.trust + DIFFICULTY_STEP.trust * steps,
        willingness=persona.initial.willingness + DIFFICULTY_STEP.willingness * steps,
        seed=str(seed),
    )


def opening(state: DebtorState, persona: Persona, scenario: Scenario, lang: str) -> DebtorTurn:
    """The debtor picks up the phone."""
    return _speak(state, persona, scenario, _lang(lang), "opening", {})


def advance(state: DebtorState, persona: Persona, scenario: Scenario, act: TraineeAct,
            lang: str) -> DebtorTurn:
    lang = _lang(lang)
    if state.outcome is not None or state.stage == "closed":
        return _speak(replace(state, turn=state.turn + 1), persona, scenario, lang, "line_dead", {})
    start = initial_state(persona, scenario, state.seed)
    state = replace(state, turn=state.turn + 1)
    intent = act.label
    if intent == "close_call" and not state.pending and (act.confidence < SURE or not says_goodbye(act.text, lang)):
        # A goodbye with nothing agreed ends the call for good; an unsure one ("I'm still here to
        # help", "that's the part I'm asking you to take care of"), or one without a word that ends
        # a call ("Okay, thanks for being straight with me"), is heard as the NLU's second guess,
        # or, without one, as a line the debtor did not catch.
        intent = act.runner_up if act.runner_up in INTENTS and act.runner_up != "close_call" else "out_of_scope"
    apology = apologises(act.text, lang)
    signal = _heard_signal(act.signal, intent, act.confidence, apology)

    if is_noise(act.text) and not signal.violations:
        return _ask_repeat(state, persona, scenario, lang)

    # In a call that is going well, the first rule finding and every model-only finding are let
    # pass (docs/personas.md, "One finding"): they still move the debtor and the grade, but the
    # debtor answers what the trainee asked.
    let_pass = (bool(signal.violations) and not signal.critical and _going_well(state, start)
                and (signal.model_only or state.findings_heard == 0))
    state = _apply_signal(state, persona, signal)
    heard = bool(signal.violations) and not let_pass
    violation_situation = _violation_situation(persona, signal) if heard else None

    if is_rambling(act.text) and not heard:
        state = _move(state, persona.signal_effects["rambling"])
        return _finish(state, persona, scenario, lang, "rambling", escalating=False, values={})

    if intent == "out_of_scope" and not heard:
        return _ask_repeat(state, persona, scenario, lang)
    if intent in HOSTILE_INTENTS and not _corroborated(intent, signal, heard):
        # The NLU heard a threat, an insult, pressure, a disclosure or arguing, and the grader
        # found none of it in the words (no violation heard; for arguing, no cold tone either):
        # most often a negated or polite line misread ("we won't share this with your family",
        # "I'm not here to argue"). An unsure reading gives way to the NLU's ordinary second
        # guess; a sure one makes the debtor ask what was meant instead of taking offence.
        intent = _second_guess(act) or ("apologise" if apology else None)
        if intent is None:
            return _ask_repeat(state, persona, scenario, lang)

    was_angry = mood(state) == "angry"
    pinned = _pinned_down(state, start, act, intent, lang) and not signal.violations
    if not heard or intent in HOSTILE_INTENTS:
        state = _move(state, persona.effect_of(intent, was_angry))
    if pinned:
        state = _move(state, persona.signal_effects["pinned_down"])
    else:
        state = _track_demands(state, persona, intent)
    state = _advance_stage(state, intent)
    if not heard:
        state = _set_flags(state, intent)
        if intent not in HOSTILE_INTENTS:
            # The NLU labels a line by its main act; a line that also says who calls, or asks who
            # the debtor is, has done that too ("This is Chris from Summit Card Services. Is this
            # Jason Miller?" read as a greeting).
            if intent != "introduce_call" and introduces_caller(act.text, lang):
                state = _set_flags(state, "introduce_call")
            if intent != "verify_identity" and checks_identity(act.text, lang):
                state = _set_flags(state, "verify_identity")
            if signal.polarity > 0 and intent not in ASKING_INTENTS and not any(_terms(act, lang)):
                # A calming line that asks for nothing, whatever the NLU called it (_listened).
                state = state.with_flags("reassured")

    # A regulator complaint is for what was clearly said: a rule's finding, not the model's alone.
    escalating = (intent in persona.complaint_triggers
                  or (heard and not signal.model_only
                      and (signal.critical or any(c in COMPLAINT_CATEGORIES for c in signal.violations))))
    if violation_situation:
        return _finish(state, persona, scenario, lang, violation_situation, escalating, {})
    ended = _escalation_outcome(state, persona, escalating)
    if ended:
        return _end(state, persona, scenario, lang, ended, {})

    if not heard and intent not in HOSTILE_INTENTS and defers_decision(act.text, lang) and not any(_terms(act, lang)):
        # "Take your time", 您慢慢考虑, with no amount or date: the caller has taken the ask back,
        # and nothing tentative is left to agree to; a goodbye now ends the call without a promise.
        state = replace(state, pending=None, offered={})
        if intent in NEGOTIATION_INTENTS and intent != "close_call":
            if persona.false_promises:
                state = state.with_flags("vague_promised")
            return _finish(state, persona, scenario, lang, "will_think", escalating, {})
    situation, state, values = _situation_for(state, persona, scenario, act, intent, lang, was_angry, start)
    return _finish(state, persona, scenario, lang, situation, escalating, values)


def _heard_signal(signal: ScoreSignal, intent: Optional[str], confidence: float, apology: bool) -> ScoreSignal:
    """The findings the debtor hears.

    Session-level findings are about the call, not the words. A turn whose every finding is the
    statistical model's alone is heard only when the NLU also heard a hostile act in the line
    (threat, insult, pressure, disclosure, arguing), was sure of it (`SURE`), and the two agree on
    what was done (`AGREEING_CATEGORIES`): two independent readers agreeing, neither of them
    guessing. A line that apologises is never heard as hostile on the model's word alone: "上個月我們
    同仁聯絡了您的同事，這是不對的" tells of a wrong done, it does not do one, and both readers
    mistook it. Otherwise it is the grader's guess about an ordinary line (an identity check, a
    lawful consequence), and the debtor answers the act; the grade keeps the finding.
    """
    sources = signal.sources + ("rule",) * (len(signal.violations) - len(signal.sources))
    kept = [(category, source) for category, source in zip(signal.violations, sources)
            if category not in SESSION_CATEGORIES]
    heard = replace(signal, violations=tuple(c for c, _ in kept), sources=tuple(s for _, s in kept))
    if heard.model_only:
        agreeing = AGREEING_CATEGORIES.get(intent)
        backed = (intent in HOSTILE_INTENTS and confidence >= SURE and not apology
                  and (agreeing is None or any(category in agreeing for category in heard.violations)))
        if not backed:
            return replace(heard, violations=(), sources=(), critical=False)
    return heard


def _second_guess(act: TraineeAct) -> Optional[str]:
    """The NLU's runner-up when the first guess was unsure and the runner-up is an ordinary act."""
    runner_up = act.runner_up
    if act.confidence >= SURE or runner_up not in INTENTS:
        return None
    if runner_up in HOSTILE_INTENTS or runner_up in ("close_call", "out_of_scope"):
        return None
    return runner_up


def _corroborated(intent: str, signal: ScoreSignal, heard: bool) -> bool:
    """The grader heard the hostility too: a violation the debtor did not let pass, or for arguing
    at least a cold tone. A finding let pass in a call going well corroborates nothing."""
    return heard or (intent == "argue" and signal.polarity < 0)


def _going_well(state: DebtorState, start: DebtorState) -> bool:
    """Not angry, and trusting the caller more than when the phone rang."""
    return mood(state) != "angry" and state.trust > start.trust


def _pinned_down(state: DebtorState, start: DebtorState, act: TraineeAct, intent: str, lang: str) -> bool:
    """Exact terms put again after a vague promise, by a caller who has listened (`_listened`) and
    whom the debtor trusts more than at the start: the evasive debtor's "next week, probably" met
    the way the seeds advise. Demands alone never pin him."""
    if intent not in ("propose_payment", "ask_commitment", "confirm_agreement"):
        return False
    amount, date = _terms(act, lang)
    return (bool(amount and date) and _listened(state) and state.has("vague_promised")
            and state.trust > start.trust)


def _listened(state: DebtorState) -> bool:
    """The caller asked what happened, acknowledged the feelings, or said something the grader
    heard as calming ("搬屋轉工咁忙，唔記得改地址都好正常" read by the NLU as a confirmation):
    the debtor felt heard, whatever the NLU called the line. A hostile debtor's gate still needs
    the feelings acknowledged (persona `commitment_requires`)."""
    return state.has("reason_heard") or state.has("empathised") or state.has("reassured")


def _lang(lang: str) -> str:
    return "zh" if str(lang).lower().startswith("zh") else "en"


def _move(state: DebtorState, effect: Levels) -> DebtorState:
    return state.moved(effect.anger, effect.trust, effect.willingness)


def _scaled(effect: Levels, weight: float) -> Levels:
    return Levels(effect.anger * weight, effect.trust * weight, effect.willingness * weight)


def _apply_signal(state: DebtorState, persona: Persona, signal: ScoreSignal) -> DebtorState:
    effects = persona.signal_effects
    if signal.violations:
        # One turn's findings move the debtor once, however many there are; a finding of the
        # statistical model alone moves it half as much as a rule's.
        weight = MODEL_FINDING_WEIGHT if signal.model_only else 1.0
        state = _move(state, _scaled(effects["violation"], weight))
        if signal.critical:
            state = _move(state, _scaled(effects["critical"], weight))
        if persona.calls_bluffs and "false_legal_threat" in signal.violations:
            state = _move(state, _scaled(effects["bluff"], weight))
        state = replace(state, findings_heard=state.findings_heard + 1)
    elif signal.polarity > 0:
        state = _move(state, effects["positive_tone"])
    elif signal.polarity < 0:
        state = _move(state, effects["negative_tone"])
    return state


def _violation_situation(persona: Persona, signal: ScoreSignal) -> Optional[str]:
    if persona.calls_bluffs and "false_legal_threat" in signal.violations:
        return "bluff"
    for category, situation in VIOLATION_SITUATIONS:
        if category in signal.violations:
            return situation
    return None


def _ask_repeat(state: DebtorState, persona: Persona, scenario: Scenario, lang: str) -> DebtorTurn:
    """Annoyance grows with each repeat: the first "sorry?" is free, later ones cost patience."""
    if state.repeat_asks:
        state = _move(state, persona.signal_effects["repeat_ask"])
    state = replace(state, repeat_asks=state.repeat_asks + 1)
    return _finish(state, persona, scenario, lang, "ask_repeat", escalating=False, values={})


def _track_demands(state: DebtorState, persona: Persona, intent: str) -> DebtorState:
    """Demand after demand with no listening in between wears the debtor down the wrong way."""
    if intent in LISTENING_INTENTS:
        return replace(state, demand_streak=0, repeat_asks=0)
    if intent not in DEMAND_INTENTS:
        return replace(state, repeat_asks=0)
    state = replace(state, demand_streak=state.demand_streak + 1, repeat_asks=0)
    if state.demand_streak >= DEMAND_STREAK_PENALTY_FROM:
        state = _move(state, persona.signal_effects["repeat_demand"])
    return state


def _advance_stage(state: DebtorState, intent: str) -> DebtorState:
    target = STAGE_AFTER_INTENT.get(intent)
    if target and STAGES.index(target) > STAGES.index(state.stage):
        return replace(state, stage=target)
    return state


def _set_flags(state: DebtorState, intent: str) -> DebtorState:
    if intent == "verify_identity":
        # Asking "am I speaking with Mr Li?" before saying who calls is common and fine: the
        # check counts once the caller has introduced themselves.
        return state.with_flags("verified" if state.has("identified") else "identity_asked")
    if intent == "introduce_call" and state.has("identity_asked"):
        return state.with_flags("identified", "verified")
    flag = FLAG_OF_INTENT.get(intent)
    return state.with_flags(flag) if flag else state


def _escalation_outcome(state: DebtorState, persona: Persona, escalating: bool) -> Optional[str]:
    reached = {
        "complaint": escalating and state.anger >= persona.thresholds.complaint,
        "hung_up": state.anger >= persona.thresholds.hang_up,
    }
    for outcome in persona.escalation_order:
        if reached[outcome]:
            return outcome
    return None


def _terms(act: TraineeAct, lang: str) -> Tuple[Optional[str], Optional[str]]:
    """The NLU marks every date phrase, vague ones too ("下周", "this month", "in April"), as the
    annotators did; only a precise one pins a debtor down."""
    amount = act.amount or find_amount(act.text)
    date = act.date if act.date and find_date(act.date, lang) else find_date(act.text, lang)
    return amount, date


def _commitment(kind: str, amount: Optional[str], date: Optional[str], scenario: Scenario,
                lang: str) -> Dict[str, Any]:
    value = parse_amount(amount) if amount else None
    if kind == "payment_plan" and value is None:
        value = scenario.debtor.minimum_payment
    if value is not None:
        # Nobody promises more than they owe: an overstated amount is heard as "all of it".
        value = min(value, scenario.debtor.amount_owed)
    amount_text = scenario.money(value, lang) if value is not None else str(amount)
    return {"kind": kind, "amount": value, "amount_text": amount_text,
            "date": spoken_date(date, lang) if date else DEFAULT_PLAN_START[lang]}


def _gates_open(state: DebtorState, persona: Persona) -> bool:
    return all(state.has(flag) for flag in persona.commitment_requires)


def _situation_for(state: DebtorState, persona: Persona, scenario: Scenario, act: TraineeAct,
                   intent: str, lang: str, was_angry: bool, start: DebtorState):
    """Picks what the debtor responds to and settles any agreement; returns the new state too."""
    if intent in NEGOTIATION_INTENTS:
        return _negotiate(state, persona, scenario, act, intent, lang, start)
    if intent == "greet":
        return ("identified" if state.has("identified") else "who_is_it"), state, {}
    if intent == "verify_identity":
        return ("verified" if state.has("verified") else "who_is_it"), state, {}
    if intent in DODGEABLE_INTENTS and state.willingness < persona.thresholds.dodge_below:
        return "dodge", state, {}
    if intent in ("acknowledge_feelings", "apologise") and was_angry and mood(state) != "angry":
        return "calmed", state, {}
    return INTENT_SITUATIONS.get(intent, "ask_repeat"), state, {}


def _negotiate(state: DebtorState, persona: Persona, scenario: Scenario, act: TraineeAct,
               intent: str, lang: str, start: DebtorState):
    amount, date = _terms(act, lang)
    # Terms put in one line and completed in the next ("520 yuan…", "…by the 15th?") add up.
    if intent in TERMS_INTENTS and (amount or date):
        amount, date = amount or state.offered.get("amount"), date or state.offered.get("date")
        state = replace(state, offered={key: value for key, value in (("amount", amount), ("date", date)) if value})
    concrete = bool(amount and date)
    readiness = _readiness(state, start)
    new_terms = intent in ("offer_plan", "propose_payment") and (concrete or intent == "offer_plan")

    if state.pending and not new_terms:
        if intent in ("ask_commitment", "confirm_agreement", "close_call"):
            return _agreed(state, state.pending)
    if intent == "close_call":
        return "refusal", replace(state, outcome="refused", stage="closed"), {}
    if intent == "confirm_agreement" and not concrete:
        return "stall", state, {}

    if concrete and not state.has("terms_heard"):
        state = _move(state, persona.signal_effects["concrete_terms"]).with_flags("terms_heard")
    gates = _gates_open(state, persona)

    if intent == "offer_plan":
        if gates and readiness >= persona.thresholds.plan:
            pending = _commitment("payment_plan", amount, date, scenario, lang)
            return _tentative(state, pending, "tentative_plan")
        return "considering", state, {}

    if state.pending and state.pending["kind"] == "payment_plan" and intent == "propose_payment" and concrete:
        # Amount and date after a plan was welcomed are the plan's first instalment.
        return _tentative(state, _commitment("payment_plan", amount, date, scenario, lang), "tentative_plan")
    value = parse_amount(amount) if amount else None
    if value is not None:
        value = min(value, scenario.debtor.amount_owed)
    if concrete and value is not None and value > scenario.debtor.can_pay_now * 1.01:
        state = _move(state, persona.signal_effects["full_amount"])
        if gates and _readiness(state, start) >= persona.thresholds.promise and scenario.debtor.can_pay_now > 0:
            # A debtor ready to commit answers "too much" with what they can pay, on the date asked:
            # the counter-offer is on the table, and agreeing to it (or confirming) settles it.
            pending = _commitment("promise_to_pay", str(scenario.debtor.can_pay_now), date, scenario, lang)
            return _tentative(state, pending, "counter_offer")
        return "full_amount_refused", state, {}
    ready = concrete and gates and readiness >= persona.thresholds.promise
    if ready:
        pending = _commitment("promise_to_pay", amount, date, scenario, lang)
        return _tentative(state, pending, "tentative_promise")
    # Asked for terms by a caller who listened, a debtor ready to commit answers with what is missing.
    invited = (intent in ("propose_payment", "ask_commitment") and gates and _listened(state)
               and readiness >= persona.thresholds.promise)
    if invited and value is not None and value <= scenario.debtor.can_pay_now * 1.01 and not date:
        # An amount they can pay: they name the day ("$210… next Friday, then"); the caller's
        # confirmation settles it. The seeds' "pin him to an amount and a date" is met when the date
        # is the debtor's own.
        pending = _commitment("promise_to_pay", amount, DEBTOR_OWN_DATE[lang], scenario, lang)
        return _tentative(state, pending, "date_offer")
    if invited and value is None and act.label == intent and scenario.debtor.can_pay_now > 0:
        # "When could you pay?" or "what can you manage by Friday?", with no amount on the table:
        # they name what they can pay and when (the seeds' PAI ends in an invitation); the caller's
        # confirmation settles it, as with a counter-offer. Only on the NLU's own reading: a goodbye
        # heard as its second guess invites nothing.
        pending = _commitment("promise_to_pay", str(scenario.debtor.can_pay_now), date or DEBTOR_OWN_DATE[lang],
                              scenario, lang)
        return _tentative(state, pending, "own_offer")
    if persona.false_promises:
        return "vague_promise", state.with_flags("vague_promised"), {}
    return "stall", state, {}


def _readiness(state: DebtorState, start: DebtorState) -> float:
    """Willingness, plus half the trust a caller who listened has earned since the call began:
    rapport makes a debtor readier to commit than the sum of the acts alone."""
    if not _listened(state):
        return state.willingness
    return state.willingness + RAPPORT_WEIGHT * max(0.0, state.trust - start.trust)


def _tentative(state: DebtorState, pending: Dict[str, Any], situation: str):
    state = replace(state, pending=pending, stage="commitment")
    return situation, state, {"amount": pending["amount_text"], "date": pending["date"]}


def _agreed(state: DebtorState, pending: Dict[str, Any]):
    kind = pending["kind"]
    commitment = {"amount": pending["amount"], "amount_text": pending["amount_text"],
                  "date": pending["date"], "kind": kind}
    state = replace(state, outcome=kind, stage="closed", commitment=commitment, pending=None)
    return OUTCOME_SITUATIONS[kind], state, {"amount": pending["amount_text"], "date": pending["date"]}


def _finish(state: DebtorState, persona: Persona, scenario: Scenario, lang: str, situation: str,
            escalating: bool, values: Dict[str, str]) -> DebtorTurn:
    """Ends the call when a threshold is crossed or the turn cap is hit, else just speaks."""
    if state.outcome is None:
        ended = _escalation_outcome(state, persona, escalating)
        if ended:
            return _end(state, persona, scenario, lang, ended, values)
        if state.turn >= MAX_TURNS:
            return _end(state, persona, scenario, lang, "refused", values)
    return _speak(state, persona, scenario, lang, situation, values)


def _end(state: DebtorState, persona: Persona, scenario: Scenario, lang: str, outcome: str,
         values: Dict[str, str]) -> DebtorTurn:
    state = replace(state, outcome=outcome, stage="closed", pending=None)
    return _speak(state, persona, scenario, lang, OUTCOME_SITUATIONS[outcome], values)


def _speak(state: DebtorState, persona: Persona, scenario: Scenario, lang: str, situation: str,
           values: Dict[str, str]) -> DebtorTurn:
    current_mood = mood(state)
    line = persona.lines.pick(situation, current_mood, lang, state.seed, state.turn, state.recent_lines)
    reply = line.text.format_map(_Placeholders(scenario, lang, state, values))
    if lang == "en":
        reply = _capitalise_sentences(reply)
    state = replace(state, recent_lines=state.recent_lines + (line.id,))
    if situation == "line_dead":
        reaction = "line_dead"
    elif state.outcome is not None and situation == OUTCOME_SITUATIONS[state.outcome]:
        reaction = {"promise_to_pay": "agreed", "payment_plan": "agreed"}.get(state.outcome, state.outcome)
    else:
        reaction = REACTIONS[situation]
    return DebtorTurn(state=state, reply=reply, line_id=line.id, outcome=state.outcome,
                      reaction=reaction, situation=situation)


_SENTENCE_START = re.compile(r"(^|[.!?]\s+|^…)([a-z])")


def _capitalise_sentences(text: str) -> str:
    """A placeholder such as {reason} may open a sentence; English wants it capitalised."""
    return _SENTENCE_START.sub(lambda match: match.group(1) + match.group(2).upper(), text)


class _Placeholders(dict):
    """Values for {name}, {amount}, … in a line; built lazily from the scenario and the turn."""

    def __init__(self, scenario: Scenario, lang: str, state: DebtorState, values: Dict[str, str]):
        debtor = scenario.debtor
        terms = state.commitment or state.pending or {}
        super().__init__(
            name=debtor.name(lang), agent_org=scenario.agent_org[lang],
            owed=scenario.money(debtor.amount_owed, lang),
            can_pay=scenario.money(debtor.can_pay_now, lang) if debtor.can_pay_now else ("一分钱" if lang == "zh" else "a dime"),
            reason=debtor.reason_text(lang), product=debtor.product(lang),
            days=str(scenario.days_past_due), regulator=REGULATOR[scenario.regime][lang],
            amount=values.get("amount") or terms.get("amount_text") or scenario.money(debtor.minimum_payment, lang),
            date=values.get("date") or terms.get("date") or DEFAULT_PLAN_START[lang],
        )

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"
