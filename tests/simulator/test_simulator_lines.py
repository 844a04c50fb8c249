"""Completeness and hygiene of the debtor lines in the shipped catalogue."""
import re
import string

import pytest

from foundation.vocab import PERSONAS as PERSONA_IDS
from simulator.catalog import load_catalog
from simulator.engine import _capitalise_sentences
from simulator.fields import LANGUAGES
from simulator.lines import MIN_VARIANTS, SITUATIONS
from simulator.state import MOODS

CATALOG = load_catalog()
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_four_personas_ship():
    assert sorted(CATALOG.personas) == sorted(PERSONA_IDS)


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_every_situation_mood_and_language_has_enough_variants(persona_id):
    bank = CATALOG.personas[persona_id].lines
    for situation in SITUATIONS:
        for mood_name in MOODS:
            for lang in LANGUAGES:
                pool = bank.pool(situation, mood_name, lang)
                assert len(pool) >= MIN_VARIANTS, (situation, mood_name, lang)
                assert len({line.text for line in pool}) == len(pool)


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_lines_are_in_their_own_language(persona_id):
    for (situation, mood_name, lang), pool in CATALOG.personas[persona_id].lines.pools.items():
        for line in pool:
            has_chinese = bool(CJK.search(line.text))
            assert has_chinese == (lang == "zh"), line.id


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_agreement_lines_carry_the_amount_and_the_date(persona_id):
    bank = CATALOG.personas[persona_id].lines
    for situation in ("tentative_promise", "accept_promise", "tentative_plan", "accept_plan"):
        for lang in LANGUAGES:
            for line in bank.pool(situation, "calm", lang):
                names = {name for _, name, _, _ in string.Formatter().parse(line.text) if name}
                assert {"amount", "date"} <= names, line.id


@pytest.mark.parametrize("scenario_id", sorted(CATALOG.scenarios))
def test_every_line_renders_for_every_scenario_of_its_persona(scenario_id):
    scenario = CATALOG.scenarios[scenario_id]
    bank = CATALOG.persona_for(scenario).lines
    values = {"name": scenario.debtor.name("en"), "amount": "$1", "date": "Friday",
              "agent_org": scenario.agent_org["en"], "owed": "$2", "can_pay": "$3",
              "reason": scenario.debtor.reason_text("en"), "product": "card", "days": "9",
              "regulator": "the CFPB"}
    for pool in bank.pools.values():
        for line in pool:
            rendered = line.text.format(**values)
            assert "{" not in rendered and "}" not in rendered


@pytest.mark.parametrize("text,expected", [
    ("{reason}. Fine.", "{reason}. Fine."),
    ("my shop closed. so what?", "My shop closed. So what?"),
    ("fine: my shop closed", "Fine: my shop closed"),
    ("…(the line is dead)", "…(the line is dead)"),
])
def test_english_sentences_start_with_a_capital(text, expected):
    assert _capitalise_sentences(text) == expected


@pytest.mark.parametrize("persona_id", PERSONA_IDS)
def test_lines_do_not_assume_the_debtors_gender(persona_id):
    """Scenarios give each persona debtors of either gender; lines say {name} instead."""
    for (situation, mood_name, lang), pool in CATALOG.personas[persona_id].lines.pools.items():
        for line in pool:
            if lang == "en":
                assert not re.search(r"\b(he|she|him|her|his|hers)\b", line.text, re.IGNORECASE), line.id
            else:
                assert "她" not in line.text and "他" not in line.text.replace("他妈", ""), line.id
