"""The three promises the persona numbers are tuned for, checked on every scenario in both
languages: a compliant empathetic call succeeds, an abusive one blows up fast, a mediocre one
(demands only) does not win over the hostile or the evasive debtor."""
import pytest

from simulator.catalog import load_catalog
from simulator_dialogues import SUCCESS, abusive_script, compliant_script, mediocre_script, play

CATALOG = load_catalog()
CASES = [(scenario_id, lang) for scenario_id in sorted(CATALOG.scenarios) for lang in ("zh", "en")]


def _pair(scenario_id):
    scenario = CATALOG.scenarios[scenario_id]
    return CATALOG.persona_for(scenario), scenario


@pytest.mark.parametrize("scenario_id,lang", CASES)
@pytest.mark.parametrize("path,expected", [("promise", "promise_to_pay"), ("plan", "payment_plan")])
@pytest.mark.parametrize("polarity", [0, 1])
def test_compliant_empathetic_call_reaches_an_agreement(scenario_id, lang, path, expected, polarity):
    persona, scenario = _pair(scenario_id)
    turns, outcome = play(persona, scenario, lang, compliant_script(persona.id, scenario, lang, path, polarity))
    assert outcome == expected
    assert len(turns) - 1 <= 10
    assert turns[-1].reaction == "agreed"
    assert turns[-1].state.commitment["kind"] == expected


@pytest.mark.parametrize("scenario_id,lang", CASES)
def test_abusive_call_ends_in_hang_up_or_complaint_within_five_turns(scenario_id, lang):
    persona, scenario = _pair(scenario_id)
    turns, outcome = play(persona, scenario, lang, abusive_script(scenario, lang))
    assert outcome in ("hung_up", "complaint")
    assert len(turns) - 1 <= 5


@pytest.mark.parametrize("scenario_id,lang", [case for case in CASES
                                              if CATALOG.scenarios[case[0]].persona in ("hostile", "evasive")])
@pytest.mark.parametrize("amount_field", ["can_pay_now", "amount_owed"])
@pytest.mark.parametrize("polarity", [0, 1])
@pytest.mark.parametrize("rounds", [4, 12, 40])
def test_demands_without_empathy_do_not_win_over_hostile_or_evasive(scenario_id, lang, amount_field, polarity, rounds):
    persona, scenario = _pair(scenario_id)
    amount = str(int(getattr(scenario.debtor, amount_field)))
    _, outcome = play(persona, scenario, lang, mediocre_script(scenario, lang, amount, rounds, polarity))
    assert outcome not in SUCCESS


@pytest.mark.parametrize("scenario_id,lang", [case for case in CASES
                                              if CATALOG.scenarios[case[0]].persona == "willing_but_broke"])
def test_willing_but_broke_never_agrees_to_repeated_full_amount_demands(scenario_id, lang):
    persona, scenario = _pair(scenario_id)
    turns, outcome = play(persona, scenario, lang,
                          mediocre_script(scenario, lang, str(int(scenario.debtor.amount_owed))))
    assert outcome not in SUCCESS
    assert any(turn.reaction == "refused_full_amount" for turn in turns)


@pytest.mark.parametrize("scenario_id,lang", [case for case in CASES
                                              if CATALOG.scenarios[case[0]].persona == "able_but_unwilling"])
def test_able_but_unwilling_needs_the_consequences_before_committing(scenario_id, lang):
    persona, scenario = _pair(scenario_id)
    script = [a for a in compliant_script(persona.id, scenario, lang, "promise")
              if a.intent != "explain_consequences"]
    _, outcome = play(persona, scenario, lang, script)
    assert outcome not in SUCCESS
