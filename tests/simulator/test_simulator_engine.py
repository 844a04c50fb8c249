"""Single rules of the debtor state machine, one table or case each."""
import json
from dataclasses import replace

import pytest

from simulator.engine import (DEBTOR_OWN_DATE, MAX_TURNS, OUTCOMES, STAGES, DebtorState, ScoreSignal, TraineeAct,
                              advance, initial_state, mood, opening)
from simulator_dialogues import DATES, act, compliant_script, play, warm


def _setup(catalog, scenario_id):
    scenario = catalog.scenarios[scenario_id]
    persona = catalog.persona_for(scenario)
    state = opening(initial_state(persona, scenario, "seed-1"), persona, scenario, "en").state
    return persona, scenario, state


def _run(persona, scenario, state, acts, lang="en"):
    turns = []
    for trainee_act in acts:
        turn = advance(state, persona, scenario, trainee_act, lang)
        turns.append(turn)
        state = turn.state
    return turns


@pytest.mark.parametrize("intent,text", [
    (None, "hello?"), ("nlu_fallback", "asdf qwer"), ("out_of_scope", "nice weather"),
    ("made_up_label", "something"), ("state_debt", ""), ("state_debt", "   "),
    ("state_debt", "😀😀🙏"), ("state_debt", "\x00\x07\x1b"), ("state_debt", "?!…"),
])
def test_unusable_messages_get_an_ask_to_repeat(catalog, intent, text):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    turn = advance(state, persona, scenario, TraineeAct(intent, 0.3, text, "en"), "en")
    assert turn.situation == "ask_repeat"
    assert turn.reaction == "asked_repeat"
    assert turn.outcome is None


def test_annoyance_grows_on_repeated_asks_to_repeat(catalog):
    persona, scenario, state = _setup(catalog, "hostile-m1-fees")
    turns = _run(persona, scenario, state, [TraineeAct(None, 0.1, "", "en")] * 3)
    assert turns[0].state.anger == state.anger
    assert turns[1].state.anger > turns[0].state.anger
    assert turns[2].state.anger > turns[1].state.anger


def test_a_very_long_message_gets_slow_down(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    text = "I understand your situation and " * 30
    turn = advance(state, persona, scenario, TraineeAct("acknowledge_feelings", 0.9, text, "en"), "en")
    assert turn.situation == "rambling"
    assert turn.reaction == "overwhelmed"
    assert not turn.state.has("empathised")


@pytest.mark.parametrize("scenario_id", ["wbb-m1-layoff", "hostile-m1-fees", "evasive-m2-gig"])
def test_after_an_outcome_the_line_is_dead_and_the_outcome_stays(catalog, scenario_id):
    persona, scenario, state = _setup(catalog, scenario_id)
    ended = advance(state, persona, scenario, act("close_call", "en", scenario), "en")
    assert ended.outcome == "refused" and ended.state.stage == "closed"
    after = _run(persona, scenario, ended.state, [act("offer_plan", "en", scenario),
                                                   act("insult", "en", scenario),
                                                   act("acknowledge_feelings", "en", scenario)])
    for turn in after:
        assert turn.situation == "line_dead" and turn.reaction == "line_dead"
        assert turn.outcome == "refused"
        assert turn.state.public() == ended.state.public()
    assert len({turn.line_id for turn in after[:2]}) == 2


def test_turn_cap_ends_the_call_as_refused(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    turns = _run(persona, scenario, state, [act("ask_capacity", "en", scenario)] * MAX_TURNS)
    assert turns[-1].outcome == "refused"
    assert all(turn.outcome is None for turn in turns[:-1])


def test_violations_raise_anger_whatever_the_intent(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    clean = advance(state, persona, scenario, act("acknowledge_feelings", "en", scenario, signal=ScoreSignal()), "en")
    dirty = advance(state, persona, scenario, act("acknowledge_feelings", "en", scenario,
                                                  signal=ScoreSignal(violations=("abusive_language",))), "en")
    critical = advance(state, persona, scenario, act("acknowledge_feelings", "en", scenario,
                                                     signal=ScoreSignal(violations=("abusive_language",), critical=True)), "en")
    assert clean.state.anger < state.anger < dirty.state.anger < critical.state.anger
    assert dirty.state.trust < state.trust
    assert dirty.situation == "insult" and dirty.reaction == "escalated"
    assert not dirty.state.has("empathised")


def test_session_level_findings_do_not_move_the_debtor(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    plain = advance(state, persona, scenario, act("ask_reason", "en", scenario, signal=ScoreSignal()), "en")
    flagged = advance(state, persona, scenario, act("ask_reason", "en", scenario,
                                                    signal=ScoreSignal(violations=("missing_disclosure", "calling_hours"))), "en")
    assert flagged.state == plain.state and flagged.reply == plain.reply


def test_a_warm_tone_lowers_anger_a_little(catalog):
    persona, scenario, state = _setup(catalog, "hostile-m1-fees")
    neutral = advance(state, persona, scenario, act("state_debt", "en", scenario, signal=ScoreSignal(polarity=0)), "en")
    warm = advance(state, persona, scenario, act("state_debt", "en", scenario, signal=ScoreSignal(polarity=1)), "en")
    assert warm.state.anger < neutral.state.anger


def test_able_but_unwilling_calls_a_false_legal_threat_a_bluff(catalog):
    persona, scenario, state = _setup(catalog, "aub-m2-dispute")
    bluff = ScoreSignal(violations=("false_legal_threat",), critical=True)
    turn = advance(state, persona, scenario, act("explain_consequences", "en", scenario, signal=bluff), "en")
    assert turn.reaction == "called_bluff"
    assert state.trust - turn.state.trust >= 0.25
    assert not turn.state.has("consequences_explained")


def test_other_personas_hear_a_false_legal_threat_as_a_threat(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    bluff = ScoreSignal(violations=("false_legal_threat",), critical=True)
    turn = advance(state, persona, scenario, act("explain_consequences", "en", scenario, signal=bluff), "en")
    assert turn.situation == "threat"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_willing_but_broke_cannot_pay_it_all_at_once(catalog, lang):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    full = str(int(scenario.debtor.amount_owed))
    turn = advance(state, persona, scenario, act("propose_payment", lang, scenario, amount=full, date=DATES[lang]), lang)
    assert turn.situation == "full_amount_refused"
    assert turn.reaction == "refused_full_amount"
    assert turn.outcome is None


def test_pressure_shuts_willing_but_broke_down(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    harassment = ScoreSignal(violations=("harassment",))
    pushed = _run(persona, scenario, state, [act("pressure", "en", scenario, signal=harassment),
                                             act("pressure", "en", scenario, signal=harassment),
                                             act("ask_reason", "en", scenario)])
    assert pushed[-1].state.willingness < state.willingness - 0.3
    assert pushed[-1].situation == "dodge"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("with_terms", [True, False])
def test_evasive_gives_only_a_vague_promise_until_verified(catalog, lang, with_terms):
    persona, scenario, state = _setup(catalog, "evasive-m1-relocation")
    amount = str(int(scenario.debtor.can_pay_now)) if with_terms else None
    date = DATES[lang] if with_terms else None
    text = "please pay" if not with_terms else f"{amount} {date}"
    acts = [act("introduce_call", lang, scenario), act("ask_reason", lang, scenario),
            act("acknowledge_feelings", lang, scenario, signal=ScoreSignal(polarity=1)),
            TraineeAct("propose_payment", 0.9, text, lang, amount=amount, date=date),
            TraineeAct("ask_commitment", 0.9, text, lang, amount=amount, date=date)]
    turns = _run(persona, scenario, state, acts, lang)
    assert [turn.reaction for turn in turns[-2:]] == ["false_promise", "false_promise"]
    assert all(turn.outcome is None for turn in turns)


@pytest.mark.parametrize("intent,lang,check,other", [
    ("greet", "en", "Hi, is this Jason Miller?", "Hi there, good afternoon."),
    ("apologise", "en", "If that's you, could you confirm your date of birth? If not, I'll apologise.", "I'm sorry to call so late."),
    ("greet", "zh", "請問是馬宏先生本人嗎？", "您好，打扰了。"),
    ("apologise", "zh", "不好意思打扰了，麻煩您核對一下身分證後四碼。", "不好意思打扰了。"),
])
def test_an_identity_check_inside_another_act_still_verifies(catalog, intent, lang, check, other):
    """The NLU labels a line by one act ("greet", "apologise"); a check of who the debtor is inside
    it is still a check, and an evasive debtor who was asked may commit once the caller is known."""
    persona, scenario, state = _setup(catalog, "evasive-m1-relocation")
    for text, verified in ((check, True), (other, False)):
        first = advance(state, persona, scenario, TraineeAct(intent, 0.9, text, lang), lang)
        second = advance(first.state, persona, scenario, act("introduce_call", lang, scenario), lang)
        assert second.state.has("verified") is verified, text


@pytest.mark.parametrize("intent,text,polarity,reassured", [
    ("confirm_agreement", "原來你啱啱搬咗去深圳返新工，恭喜晒！唔記得改地址都好正常。", 1, True),  # misread, calming
    ("confirm_agreement", "原來你啱啱搬咗去深圳返新工。", 0, False),  # not calming
    ("propose_payment", "麻烦您15号前还520元，谢谢您。", 1, False),  # a polite demand is still a demand
    ("confirm_agreement", "那就15号还520元，谢谢您，辛苦了。", 1, False),  # carries terms
])
def test_a_calming_line_that_asks_for_nothing_counts_as_listening(catalog, intent, text, polarity, reassured):
    persona, scenario, state = _setup(catalog, "evasive-m1-relocation")
    turn = advance(state, persona, scenario, TraineeAct(intent, 0.9, text, "zh", signal=ScoreSignal(polarity=polarity)), "zh")
    assert turn.state.has("reassured") is reassured


def _asked_three_times(persona, scenario, state, lang, listened, ask, situation):
    """An introduced, verified caller (who asked what happened and acknowledged it, if `listened`)
    puts the same ask three times and then says "ok?": the turns, and those answered in `situation`."""
    acts = [act("introduce_call", lang, scenario), act("verify_identity", lang, scenario)]
    if listened:
        acts += [act("ask_reason", lang, scenario), act("acknowledge_feelings", lang, scenario, signal=warm(1))]
    acts += [ask] * 3 + [TraineeAct("confirm_agreement", 0.9, "ok?", lang)]
    turns = _run(persona, scenario, state, acts, lang)
    return turns, [turn for turn in turns if turn.situation == situation]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("listened", [True, False])
def test_a_ready_debtor_asked_for_an_amount_names_the_day(catalog, lang, listened):
    """"And the amount: $210?" with no date, from a caller who listened: the evasive debtor names his
    own day, and the caller's confirmation settles it. Without listening he stays vague."""
    persona, scenario, state = _setup(catalog, "evasive-m3-gambling")
    amount = str(int(scenario.debtor.minimum_payment))
    turns, offered = _asked_three_times(persona, scenario, state, lang, listened,
                                        TraineeAct("propose_payment", 0.9, amount, lang, amount=amount), "date_offer")
    assert bool(offered) is listened
    if listened:
        assert amount in offered[0].reply.replace(",", "")
        assert turns[-1].outcome == "promise_to_pay"
    else:
        assert all(turn.outcome is None for turn in turns)


@pytest.mark.parametrize("lang,ask,date", [
    ("en", "When do you think you could make a payment?", None),
    ("en", "What could you manage by the 15th?", "the 15th"),
    ("zh", "那您看哪天方便还一点？", None),
    ("zh", "15号之前您能还多少？", "15号"),
])
@pytest.mark.parametrize("listened", [True, False])
def test_a_ready_debtor_invited_to_propose_names_amount_and_day(catalog, lang, ask, date, listened):
    """An invitation with no amount, from a caller who listened: the debtor proposes what they can pay
    now, on the caller's day or their own, and the caller's confirmation settles it at that figure.
    Without listening the same question gets a vague answer."""
    persona, scenario, state = _setup(catalog, "evasive-m3-gambling")
    turns, offered = _asked_three_times(persona, scenario, state, lang, listened,
                                        TraineeAct("ask_commitment", 0.9, ask, lang, date=date), "own_offer")
    assert bool(offered) is listened
    if listened:
        can_pay = scenario.money(scenario.debtor.can_pay_now, lang)
        assert can_pay in offered[0].reply
        assert (date or DEBTOR_OWN_DATE[lang]).lower() in offered[0].reply.lower()
        assert turns[-1].outcome == "promise_to_pay"
        assert turns[-1].state.commitment["amount"] == scenario.debtor.can_pay_now
    else:
        assert all(turn.outcome is None for turn in turns)


@pytest.mark.parametrize("lang,deferral,closing", [
    ("en", "No rush at all: take your time, think it over and let me know what you decide.", "Thanks, goodbye."),
    ("zh", "那您先不用急著決定，回去想一想，看哪一個比較適合您。", "好，那就先这样，再见。"),
    ("zh", "唔使急住決定，慢慢諗。", "好，咁先，拜拜。"),
])
def test_taking_the_ask_back_leaves_nothing_to_agree_to(catalog, lang, deferral, closing):
    """A plan the debtor found workable, then "take your time" and a goodbye: the debtor says they
    will think it over, and the call ends without a promise, as a trainer expects. The same goodbye
    straight after the plan keeps the tentative agreement."""
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    opening_acts = [act("introduce_call", lang, scenario), act("ask_reason", lang, scenario),
                    act("acknowledge_feelings", lang, scenario, signal=warm(1)), act("offer_plan", lang, scenario)]
    goodbye = TraineeAct("close_call", 0.95, closing, lang)
    kept = _run(persona, scenario, state, opening_acts + [goodbye], lang)
    assert kept[-2].situation == "tentative_plan" and kept[-1].outcome == "payment_plan"
    deferred = _run(persona, scenario, state, opening_acts + [TraineeAct("offer_plan", 0.9, deferral, lang), goodbye], lang)
    assert deferred[-2].situation == "will_think"
    assert deferred[-1].outcome == "refused"


@pytest.mark.parametrize("lang,text", [
    ("en", "Take your time deciding, but could we pencil in $300 for next Friday?"),
    ("zh", "您不用急着决定，不过15号先还520元可以吗？"),
])
def test_a_deferral_with_terms_is_still_a_proposal(catalog, lang, text):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    acts = [act("introduce_call", lang, scenario), act("ask_reason", lang, scenario),
            act("acknowledge_feelings", lang, scenario, signal=warm(1)),
            TraineeAct("propose_payment", 0.9, text, lang)]
    turns = _run(persona, scenario, state, acts, lang)
    assert turns[-1].situation != "will_think"
    assert turns[-1].state.pending is not None


def test_a_hostile_line_with_an_identity_check_verifies_nothing(catalog):
    persona, scenario, state = _setup(catalog, "evasive-m1-relocation")
    text = "Is this Jason Miller? Pay up or we'll come to your house."
    first = advance(state, persona, scenario, TraineeAct("threaten", 0.95, text, "en",
                                                          signal=ScoreSignal(violations=("threat_of_violence",))), "en")
    assert not first.state.has("identity_asked")


def test_hostile_calms_only_when_feelings_are_acknowledged(catalog):
    persona, scenario, state = _setup(catalog, "hostile-m1-fees")
    assert mood(state) == "angry"
    facts = _run(persona, scenario, state, [act("introduce_call", "en", scenario), act("state_debt", "en", scenario)])
    assert facts[-1].state.anger >= state.anger
    heard = advance(facts[-1].state, persona, scenario,
                    act("acknowledge_feelings", "en", scenario, signal=ScoreSignal(polarity=1)), "en")
    assert heard.reaction == "calmed"
    assert mood(heard.state) != "angry"


def test_hostile_escalates_when_argued_with(catalog):
    persona, scenario, state = _setup(catalog, "hostile-m2-harassed")
    turns = _run(persona, scenario, state, [act("argue", "en", scenario, signal=ScoreSignal(polarity=-1))] * 3)
    assert turns[-1].outcome == "complaint"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_closing_after_a_tentative_agreement_keeps_the_agreement(catalog, lang):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    turns = _run(persona, scenario, state, [act("introduce_call", lang, scenario),
                                            act("offer_plan", lang, scenario),
                                            act("close_call", lang, scenario)], lang)
    assert turns[1].reaction == "tentative" and turns[1].state.stage == "commitment"
    assert turns[-1].outcome == "payment_plan"
    assert scenario.money(scenario.debtor.minimum_payment, lang) in turns[-1].reply


def test_confirming_before_anything_was_agreed_is_stalled(catalog):
    persona, scenario, state = _setup(catalog, "aub-m1-forgot")
    turn = advance(state, persona, scenario, act("confirm_agreement", "en", scenario), "en")
    assert turn.situation == "stall" and turn.outcome is None


def test_stage_moves_forward_through_the_call(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    assert state.stage == "opening"
    turns = _run(persona, scenario, state, compliant_script(persona.id, scenario, "en", "promise"))
    stages = [turn.state.stage for turn in turns if turn.outcome is None or turn.reaction == "agreed"]
    assert stages[0] == "verification"
    assert "negotiation" in stages and "commitment" in stages
    assert stages[-1] == "closed"
    assert [STAGES.index(stage) for stage in stages] == sorted(STAGES.index(stage) for stage in stages)


@pytest.mark.parametrize("scenario_id", ["wbb-m1-layoff", "aub-m2-dispute", "hostile-m3-business", "evasive-m2-gig"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_promise_line_says_the_amount_and_the_date(catalog, scenario_id, lang):
    scenario = catalog.scenarios[scenario_id]
    persona = catalog.persona_for(scenario)
    turns, outcome = play(persona, scenario, lang, compliant_script(persona.id, scenario, lang, "promise"))
    assert outcome == "promise_to_pay"
    amount_text = scenario.money(scenario.debtor.can_pay_now, lang)
    for turn in turns[-2:]:
        assert amount_text in turn.reply and DATES[lang] in turn.reply
    assert turns[-1].state.commitment["amount"] == scenario.debtor.can_pay_now
    assert turns[-1].state.commitment["date"] == DATES[lang]


@pytest.mark.parametrize("lang,text,amount", [
    ("zh", "那您看本周五先还1500元可以吗？", 1500.0),
    ("zh", "周五先还一千五百块行不行？", 1500.0),
    ("en", "Could you do $1,500 by Friday?", 1500.0),
    ("en", "How about 1500 on the 15th?", 1500.0),
])
def test_terms_are_read_from_the_text_when_entities_are_missing(catalog, lang, text, amount):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    state = replace(state, willingness=0.9)
    turn = advance(state, persona, scenario, TraineeAct("propose_payment", 0.9, text, lang), lang)
    assert turn.reaction == "tentative"
    assert turn.state.pending["amount"] == amount


def test_state_round_trips_through_json(catalog):
    scenario = catalog.scenarios["wbb-m1-layoff"]
    persona = catalog.persona_for(scenario)
    turns, _ = play(persona, scenario, "zh", compliant_script(persona.id, scenario, "zh", "plan"))
    for turn in turns:
        encoded = json.dumps(turn.state.to_dict(), ensure_ascii=False)
        assert DebtorState.from_dict(json.loads(encoded)) == turn.state
    assert set(turns[-1].state.public()) == {"anger", "trust", "willingness", "stage"}
    assert turns[-1].state.outcome in OUTCOMES


@pytest.mark.parametrize("anger,trust,expected", [
    (0.1, 0.5, "calm"), (0.29, 0.35, "calm"), (0.1, 0.2, "wary"), (0.3, 0.9, "wary"),
    (0.59, 0.1, "wary"), (0.6, 0.9, "angry"), (1.0, 0.0, "angry"),
])
def test_mood_boundaries(anger, trust, expected):
    assert mood(DebtorState(anger=anger, trust=trust, willingness=0.5)) == expected


def test_state_values_are_clamped_and_rounded():
    state = DebtorState(anger=1.7, trust=-0.2, willingness=0.123456)
    assert (state.anger, state.trust, state.willingness) == (1.0, 0.0, 0.12)
    with pytest.raises(ValueError):
        DebtorState(anger=0, trust=0, willingness=0, stage="haggling")


def test_language_tags_are_normalised(catalog):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    turn = advance(state, persona, scenario, act("ask_reason", "zh", scenario), "zh-CN")
    assert ".zh." in turn.line_id


@pytest.mark.parametrize("scenario_id", ["wbb-m1-layoff", "aub-m3-overextended"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_ready_debtor_counters_too_much_with_what_they_can_pay(catalog, scenario_id, lang):
    """Asked for more than they have after a good call, the debtor names their own amount on the
    date asked; the collector's confirmation then settles on the debtor's figure, not on the ask."""
    persona, scenario, _ = _setup(catalog, scenario_id)
    too_much = str(int(scenario.debtor.can_pay_now * 1.5))
    script = compliant_script(persona.id, scenario, lang, "promise")
    offer = next(i for i, a in enumerate(script) if a.intent == "propose_payment")
    script = script[:offer] + [act("propose_payment", lang, scenario, amount=too_much, date=DATES[lang]),
                               act("confirm_agreement", lang, scenario, amount=too_much, date=DATES[lang])]
    turns, outcome = play(persona, scenario, lang, script)
    assert turns[-2].situation == "counter_offer"
    assert turns[-2].reaction == "counter_offered"
    assert scenario.money(scenario.debtor.can_pay_now, lang) in turns[-2].reply
    assert outcome == "promise_to_pay"
    assert turns[-1].state.commitment["amount"] == scenario.debtor.can_pay_now


@pytest.mark.parametrize("confidence,text,ends", [
    (0.45, "I hear you. I'm still here to help if you'll let me.", False),
    (0.9, "I hear you. I'm still here to help if you'll let me.", False),  # no word that ends a call
    (0.45, "I hear you. I'll let you go now, take care.", False),
    (0.9, "I hear you. I'll let you go now, take care.", True),
])
def test_an_unsure_goodbye_with_nothing_agreed_is_heard_as_the_second_guess(catalog, confidence, text, ends):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    misread = TraineeAct("close_call", confidence, text, "en", signal=warm(1), runner_up="acknowledge_feelings")
    turn = advance(state, persona, scenario, misread, "en")
    assert (turn.outcome == "refused") is ends
    if not ends:
        assert turn.situation == "acknowledged" and turn.state.has("empathised")


def test_an_unsure_goodbye_still_settles_terms_on_the_table(catalog):
    persona, scenario, _ = _setup(catalog, "wbb-m1-layoff")
    script = compliant_script(persona.id, scenario, "en", "promise")[:-2]  # up to the proposal
    turns, _ = play(persona, scenario, "en", script)
    assert turns[-1].state.pending and turns[-1].outcome is None
    bye = TraineeAct("close_call", 0.4, "Great, talk soon.", "en", runner_up="acknowledge_feelings")
    assert advance(turns[-1].state, persona, scenario, bye, "en").outcome == "promise_to_pay"


@pytest.mark.parametrize("confidence,runner_up,situation", [
    (0.47, "verify_identity", "verified"),   # unsure, ordinary runner-up: answered as that
    (0.47, "insult", "ask_repeat"),          # unsure, but the runner-up is hostile too
    (0.47, "close_call", "ask_repeat"),      # a runner-up that would end the call is no way out
    (0.95, "verify_identity", "ask_repeat"),  # sure of the misreading: asks what was meant
])
def test_an_uncorroborated_hostile_reading_gives_way_to_an_ordinary_second_guess(catalog, confidence, runner_up,
                                                                               situation):
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    state = advance(state, persona, scenario, act("introduce_call", "en", scenario), "en").state
    misread = TraineeAct("threaten", confidence, "Let's update your details: what's your current mailing address?",
                         "en", signal=ScoreSignal(), runner_up=runner_up)
    turn = advance(state, persona, scenario, misread, "en")
    assert turn.situation == situation
    assert turn.outcome is None


@pytest.mark.parametrize("runner_up,polarity,situation", [
    (None, -1, "ask_repeat"),     # nothing to fall back on: "sorry?"
    ("argue", 0, "ask_repeat"),   # a hostile second guess the grader does not back
    ("argue", -1, "argued"),      # ...and one it backs with a cold tone: taken as arguing
])
def test_an_unsure_goodbye_with_nothing_agreed_never_ends_the_call(catalog, runner_up, polarity, situation):
    persona, scenario, state = _setup(catalog, "evasive-m2-gig")
    misread = TraineeAct("close_call", 0.29, "It's collections again. Don't start with 'in a few days'.", "en",
                         signal=ScoreSignal(polarity=polarity), runner_up=runner_up)
    turn = advance(state, persona, scenario, misread, "en")
    assert turn.outcome is None and turn.situation == situation


@pytest.mark.parametrize("confidence,heard", [(0.31, False), (0.9, True)])
def test_a_model_finding_needs_a_sure_hostile_reading_to_be_heard(catalog, confidence, heard):
    """"我知道今天上午已经有同事联系过您" (my colleague called you this morning): the model finds a
    disclosure and the NLU guesses one at 0.31. Two readers agree only when neither is guessing."""
    persona, scenario, state = _setup(catalog, "aub-m3-overextended")
    state = advance(state, persona, scenario, act("introduce_call", "zh", scenario), "zh").state
    finding = ScoreSignal(violations=("third_party_disclosure",), critical=True, polarity=-1, sources=("model",))
    line = TraineeAct("disclose_third_party", confidence, "我知道今天上午已经有同事联系过您，我尽量一次说清楚。", "zh",
                      signal=finding, runner_up="apologise")
    turn = advance(state, persona, scenario, line, "zh")
    assert (turn.situation in ("disclosure", "complaint", "hang_up")) is heard
    if not heard:
        assert turn.outcome is None and turn.situation == "apology"  # the NLU's second guess, answered


@pytest.mark.parametrize("intent,category,heard", [
    ("argue", "third_party_disclosure", False),  # two guesses about different acts
    ("argue", "abusive_language", True),
    ("disclose_third_party", "third_party_disclosure", True),
    ("threaten", "third_party_disclosure", True),  # "I'll tell your boss" is both
])
def test_a_model_finding_is_heard_only_when_both_readers_agree_on_the_act(catalog, intent, category, heard):
    persona, scenario, state = _setup(catalog, "aub-m3-overextended")
    state = advance(state, persona, scenario, act("introduce_call", "en", scenario), "en").state
    finding = ScoreSignal(violations=(category,), critical=True, polarity=-1, sources=("model",))
    line = TraineeAct(intent, 0.9, "Let's get the card sorted first so it doesn't follow you around.", "en", signal=finding)
    turn = advance(state, persona, scenario, line, "en")
    assert (turn.state.findings_heard == 1) is heard


def test_an_apology_for_an_earlier_disclosure_is_heard_as_an_apology(catalog):
    """Both readers mistook it for a disclosure: the NLU sure, the model finding one. A line that
    apologises is not heard as hostile on the model's word alone; the grade keeps the finding."""
    persona, scenario, state = _setup(catalog, "hostile-m2-harassed")
    state = advance(state, persona, scenario, act("introduce_call", "zh", scenario), "zh").state
    finding = ScoreSignal(violations=("third_party_disclosure",), critical=True, polarity=-1, sources=("model",))
    line = TraineeAct("disclose_third_party", 0.95, "我想先跟您道歉。上個月我們同仁聯絡了您的同事，這是不對的，不應該發生。", "zh",
                      signal=finding)
    turn = advance(state, persona, scenario, line, "zh")
    assert turn.outcome is None
    assert turn.state.findings_heard == 0 and turn.state.has("empathised")
    assert turn.state.anger <= state.anger


@pytest.mark.parametrize("lang,text,vague,precise", [
    ("zh", "下周先还1500元可以吗？", "下周", "下周五"),
    ("en", "Could you do $1,500 this month?", "this month", "the 15th"),
])
def test_only_a_precise_date_entity_pins_the_debtor(catalog, lang, text, vague, precise):
    """The NLU marks vague dates as dates too, as its annotators did; they are not terms."""
    persona, scenario, state = _setup(catalog, "wbb-m1-layoff")
    state = replace(state, willingness=0.9)
    vague_turn = advance(state, persona, scenario,
                         TraineeAct("propose_payment", 0.9, text, lang, amount="1500", date=vague), lang)
    assert vague_turn.reaction != "tentative" and not vague_turn.state.pending
    precise_turn = advance(state, persona, scenario,
                           TraineeAct("propose_payment", 0.9, text, lang, amount="1500", date=precise), lang)
    assert precise_turn.reaction == "tentative"
    assert precise_turn.state.pending["date"] == precise


@pytest.mark.parametrize("text,date", [("下週三之前還一千元", "下週三"), ("１５號還５００", "１５號"), ("下周三之前还一千元", "下周三")])
def test_dates_are_read_in_either_script_and_given_back_as_written(text, date):
    from simulator.terms import find_date

    assert find_date(text, "zh") == date


@pytest.mark.parametrize("text,amount,value", [("下週三前還一千塊", "一千塊", 1000.0), ("先還１５００塊", "１５００塊", 1500.0),
                                               ("还五百块", "五百块", 500.0)])
def test_amounts_are_read_in_either_script_and_given_back_as_written(text, amount, value):
    from simulator.terms import find_amount, parse_amount

    assert find_amount(text) == amount
    assert parse_amount(amount) == value
