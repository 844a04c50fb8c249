"""How much one grader finding moves the debtor, and the evasive debtor pinned to amount and date.

The rules (docs/personas.md, "One finding"): a finding of the statistical model alone is heard only
when the NLU also heard a hostile act, then moves the debtor half as much as a rule's and never
brings a complaint by itself; in a call that is going
well the first non-critical rule finding and any non-critical model finding are let pass (the
state moves, the grade keeps it, the debtor answers the act); a second rule finding, a critical
one, or one in a call going badly gets the full reaction.
"""
from __future__ import annotations

import pytest

from simulator.engine import MODEL_FINDING_WEIGHT, ScoreSignal, TraineeAct, advance, initial_state, opening
from simulator_dialogues import act

PERSONA_SCENARIOS = ["wbb-m1-layoff", "aub-m1-forgot", "hostile-m1-fees", "evasive-m1-relocation"]
HARASSMENT_RULE = ScoreSignal(violations=("harassment",), sources=("rule",))
HARASSMENT_MODEL = ScoreSignal(violations=("harassment",), sources=("model",))


def _setup(catalog, scenario_id, lang="en"):
    scenario = catalog.scenarios[scenario_id]
    persona = catalog.persona_for(scenario)
    state = opening(initial_state(persona, scenario, "seed-1"), persona, scenario, lang).state
    return persona, scenario, state


def _run(persona, scenario, state, acts, lang="en", until_pending=False):
    turns = []
    for trainee_act in acts:
        turn = advance(state, persona, scenario, trainee_act, lang)
        turns.append(turn)
        state = turn.state
        if turn.outcome or (until_pending and state.pending):
            break
    return turns


def _warm_up(persona, scenario, lang):
    """Introduce, verify, ask the reason, acknowledge: a call going well."""
    return [act(intent, lang, scenario) for intent in
            ("introduce_call", "verify_identity", "ask_reason", "acknowledge_feelings")]


def _flagged(trainee_act: TraineeAct, signal: ScoreSignal) -> TraineeAct:
    return TraineeAct(trainee_act.intent, trainee_act.confidence, trainee_act.text, trainee_act.lang,
                      trainee_act.amount, trainee_act.date, signal)


@pytest.mark.parametrize("signal", [HARASSMENT_RULE, HARASSMENT_MODEL], ids=["rule", "model"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("scenario_id", PERSONA_SCENARIOS)
def test_one_false_finding_on_a_friendly_close_does_not_wreck_an_agreement(catalog, scenario_id, lang, signal):
    persona, scenario, state = _setup(catalog, scenario_id, lang)
    amount = str(int(scenario.debtor.can_pay_now))
    date = {"zh": "本周五", "en": "Friday"}[lang]
    script = _warm_up(persona, scenario, lang) + [
        act("explain_consequences", lang, scenario),
        act("propose_payment", lang, scenario, amount=amount, date=date),
        act("ask_commitment", lang, scenario, amount=amount, date=date),
        act("ask_commitment", lang, scenario, amount=amount, date=date),
    ]
    turns = _run(persona, scenario, state, script, lang, until_pending=True)
    assert turns[-1].state.pending, [(t.situation, t.state.public()) for t in turns]
    close = _flagged(act("confirm_agreement", lang, scenario), signal)
    sealed = advance(turns[-1].state, persona, scenario, close, lang)
    assert sealed.outcome in ("promise_to_pay", "payment_plan")
    if signal.model_only:  # the model's guess on an ordinary act is not heard at all
        assert sealed.state.anger <= turns[-1].state.anger
    else:  # a rule's finding is let pass but still moves the debtor
        assert sealed.state.anger > turns[-1].state.anger


def test_a_model_finding_moves_the_debtor_half_as_much_as_a_rule_when_the_nlu_heard_hostility(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    state = _run(persona, scenario, state, _warm_up(persona, scenario, "en"))[-1].state  # room to fall
    line = act("pressure", "en", scenario)
    by_rule = advance(state, persona, scenario, _flagged(line, HARASSMENT_RULE), "en").state
    by_model = advance(state, persona, scenario, _flagged(line, HARASSMENT_MODEL), "en").state
    violation = persona.signal_effects["violation"]
    assert by_rule.trust < by_model.trust < state.trust
    assert by_model.trust - by_rule.trust == pytest.approx(-violation.trust * (1 - MODEL_FINDING_WEIGHT), abs=0.011)


@pytest.mark.parametrize("intent", ["verify_identity", "explain_consequences", "apologise", "state_debt"])
def test_a_model_finding_on_an_ordinary_act_is_not_heard(catalog, intent):
    """An identity check flagged as prying, a lawful consequence as a false legal threat: the debtor
    answers the act as if nothing had been found (the grade keeps the finding)."""
    persona, scenario, state = _setup(catalog, "hostile-m2-harassed")
    line = act(intent, "en", scenario)
    clean = advance(state, persona, scenario, line, "en")
    guessed = ScoreSignal(violations=("third_party_disclosure",), critical=True, sources=("model",))
    flagged = advance(state, persona, scenario, _flagged(line, guessed), "en")
    assert flagged.state.public() == clean.state.public()
    assert flagged.situation == clean.situation and flagged.outcome == clean.outcome


def test_a_second_finding_gets_the_full_reaction(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    turns = _run(persona, scenario, state, _warm_up(persona, scenario, "en"))
    first = advance(turns[-1].state, persona, scenario, _flagged(act("state_debt", "en", scenario), HARASSMENT_RULE), "en")
    assert first.situation != "pressure"
    second = advance(first.state, persona, scenario, _flagged(act("state_debt", "en", scenario), HARASSMENT_RULE), "en")
    assert second.situation == "pressure"


def test_a_critical_finding_is_never_let_pass(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    turns = _run(persona, scenario, state, _warm_up(persona, scenario, "en"))
    threat = ScoreSignal(violations=("threat_of_violence",), critical=True, sources=("rule",))
    turn = advance(turns[-1].state, persona, scenario, _flagged(act("threaten", "en", scenario), threat), "en")
    assert turn.situation == "threat" or turn.outcome in ("hung_up", "complaint")


def test_model_findings_alone_never_bring_a_complaint(catalog):
    persona, scenario, state = _setup(catalog, "hostile-m1-fees")
    abuse = ScoreSignal(violations=("abusive_language",), sources=("model",))
    turns = _run(persona, scenario, state, [_flagged(act("state_debt", "en", scenario), abuse)] * 12)
    assert all(t.outcome != "complaint" for t in turns)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("scenario_id", ["evasive-m1-relocation", "evasive-m2-gig", "evasive-m3-gambling"])
def test_evasive_debtor_pinned_to_amount_and_date_commits_within_a_normal_call(catalog, scenario_id, lang):
    """Greet, introduce, verify, state the debt, ask why, then amount + date until he commits."""
    persona, scenario, state = _setup(catalog, scenario_id, lang)
    amount = str(int(scenario.debtor.can_pay_now))
    date = {"zh": "本周五", "en": "Friday"}[lang]
    script = [act(i, lang, scenario) for i in ("greet", "introduce_call", "verify_identity", "state_debt", "ask_reason")]
    script += [act("propose_payment", lang, scenario, amount=amount, date=date),
               act("ask_commitment", lang, scenario, amount=amount, date=date),
               act("confirm_agreement", lang, scenario, amount=amount, date=date),
               act("ask_commitment", lang, scenario, amount=amount, date=date),
               act("confirm_agreement", lang, scenario)]
    turns = _run(persona, scenario, state, script, lang)
    assert turns[-1].outcome == "promise_to_pay", [(t.situation, t.state.public()) for t in turns]
    assert len(turns) <= 10


def test_identity_asked_before_the_introduction_counts_as_verified(catalog):
    persona, scenario, state = _setup(catalog, "evasive-m1-relocation")
    turns = _run(persona, scenario, state, [act("verify_identity", "en", scenario), act("introduce_call", "en", scenario)])
    assert turns[-1].state.has("verified")


@pytest.mark.parametrize("intent", ["threaten", "insult", "pressure", "disclose_third_party", "argue"])
@pytest.mark.parametrize("scenario_id", ["hostile-m1-fees", "evasive-m1-relocation"])
def test_a_hostile_act_the_grader_did_not_find_gets_a_question_not_offence(catalog, scenario_id, intent):
    """"We won't tell your family" misread as a disclosure must not end the call in a complaint."""
    persona, scenario, state = _setup(catalog, scenario_id)
    turn = advance(state, persona, scenario, act(intent, "en", scenario, signal=ScoreSignal()), "en")
    assert turn.situation == "ask_repeat"
    assert turn.outcome is None and turn.state.anger == state.anger


def test_model_findings_in_a_call_going_well_are_let_pass_but_a_second_rule_finding_is_not(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    turns = _run(persona, scenario, state, _warm_up(persona, scenario, "en"))
    line = act("ask_capacity", "en", scenario)
    after = turns[-1]
    for _ in range(2):  # the NLU hears pressure too, so the model's finding counts as heard
        after = advance(after.state, persona, scenario, _flagged(act("pressure", "en", scenario), HARASSMENT_MODEL), "en")
        assert after.situation != "pressure"
    first_rule = advance(after.state, persona, scenario, _flagged(line, HARASSMENT_RULE), "en")
    assert first_rule.situation == "pressure"  # findings were heard before: no more benefit of the doubt


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_amount_in_one_line_and_a_date_in_the_next_are_one_proposal(catalog, lang):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff", lang)
    amount = str(int(scenario.debtor.can_pay_now))
    date = {"zh": "本周五", "en": "Friday"}[lang]
    turns = _run(persona, scenario, state, _warm_up(persona, scenario, lang) + [
        TraineeAct("propose_payment", 0.9, f"{amount}?", lang, amount=amount),
        TraineeAct("ask_commitment", 0.9, f"{date}?", lang, date=date),
        act("confirm_agreement", lang, scenario)])
    assert turns[-1].outcome == "promise_to_pay", [(t.situation, t.state.public()) for t in turns]


def test_rapport_counts_only_for_a_caller_who_listened(catalog):
    from simulator.engine import _readiness

    persona, scenario, state = _setup(catalog, "evasive-m1-relocation")
    start = initial_state(persona, scenario, "seed-1")
    trusting = state.moved(trust=0.3)
    assert _readiness(trusting, start) == trusting.willingness
    assert _readiness(trusting.with_flags("reason_heard"), start) == pytest.approx(trusting.willingness + 0.15, abs=0.011)


def test_arguing_in_a_cold_tone_still_provokes_the_hostile_debtor(catalog):
    persona, scenario, state = _setup(catalog, "hostile-m1-fees")
    turn = advance(state, persona, scenario, act("argue", "en", scenario, signal=ScoreSignal(polarity=-1)), "en")
    assert turn.situation == "argued" or turn.outcome == "complaint"
    assert turn.state.anger > state.anger


def test_a_let_pass_model_finding_does_not_make_a_misread_threat_real(catalog):
    persona, scenario, state = _setup(catalog, "evasive-m1-relocation")
    turns = _run(persona, scenario, state, _warm_up(persona, scenario, "en"))
    abuse = ScoreSignal(violations=("abusive_language",), sources=("model",))
    turn = advance(turns[-1].state, persona, scenario, act("threaten", "en", scenario, signal=abuse), "en")
    assert turn.situation == "ask_repeat" and turn.outcome is None
    assert turn.state.anger < persona.thresholds.hang_up
