"""Loading the catalogue, and every way an author can break a file naming the file, line and field."""
import json
import shutil
from pathlib import Path

import pytest

from foundation.paths import personas_dir, scenarios_dir
from foundation.vocab import PERSONAS as PERSONA_IDS
from simulator.catalog import DEFAULT_SCENARIO_ID, load_catalog, load_personas, load_scenarios
from simulator.errors import CatalogError

PERSONAS_DIR, SCENARIOS_DIR = personas_dir(), scenarios_dir()

BASE_SCENARIO = SCENARIOS_DIR / "wbb-m1-layoff.yml"


@pytest.fixture
def scenario_dir(tmp_path):
    directory = tmp_path / "scenarios"
    directory.mkdir()
    return directory


@pytest.fixture(scope="module")
def personas():
    return load_personas()


def _write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_shipped_catalogue_loads_with_twelve_scenarios_spread_over_personas_buckets_and_regimes():
    catalog = load_catalog()
    scenarios = catalog.scenarios.values()
    assert len(catalog.scenarios) >= 12
    assert DEFAULT_SCENARIO_ID in catalog.scenarios
    for persona_id in PERSONA_IDS:
        mine = [s for s in scenarios if s.persona == persona_id]
        assert len(mine) >= 3
        assert len({s.bucket for s in mine}) == 3
    assert {s.regime for s in scenarios} == {"cn", "us"}
    assert len({s.debtor.reason for s in scenarios}) >= 8
    for scenario in scenarios:
        assert scenario.languages == ("zh", "en")
        assert scenario.debtor.currency == {"cn": "CNY", "us": "USD"}[scenario.regime]


def test_summary_and_card_have_the_display_fields():
    scenario = load_catalog().scenarios[DEFAULT_SCENARIO_ID]
    summary = scenario.summary()
    assert summary == {"id": DEFAULT_SCENARIO_ID, "persona": "willing_but_broke", "regime": "cn",
                       "languages": ["zh", "en"], "title": scenario.title("en"), "title_zh": scenario.title("zh")}
    json.dumps(summary)
    for lang in ("zh", "en"):
        card = scenario.card(lang)
        assert card["title"] == scenario.title(lang)
        assert card["debtor_name"] == scenario.debtor.name(lang)
        assert card["amount_owed"] == ("8,600元" if lang == "zh" else "¥8,600")
        assert card["days_past_due"] == 18 and card["bucket"] == "M1"
        assert card["briefing"] and len(card["goals"]) == 4
        json.dumps(card, ensure_ascii=False)


def test_catalogue_is_cached_but_directories_can_be_passed(tmp_path):
    assert load_catalog() is load_catalog()
    shutil.copytree(SCENARIOS_DIR, tmp_path / "s")
    other = load_catalog(PERSONAS_DIR, tmp_path / "s")
    assert other is not load_catalog() and set(other.scenarios) == set(load_catalog().scenarios)


BROKEN_SCENARIOS = [
    # (what, replace this, with this, field in the error, text of the line it points at, message part)
    ("missing field", "bucket: M1\n", "", "bucket", None, "missing required field"),
    ("wrong type", "amount_owed: 8600", "amount_owed: lots", "debtor.amount_owed", "amount_owed", "expected a number"),
    ("unknown persona", "persona: willing_but_broke", "persona: angry", "persona", "persona:",
     "unknown persona 'angry' (known: able_but_unwilling, evasive, hostile, willing_but_broke)"),
    ("bad language", "languages: [zh, en]", "languages: [zh, fr]", "languages[1]", "languages:", "unknown language 'fr'"),
    ("duplicate language", "languages: [zh, en]", "languages: [zh, zh]", "languages", "languages:", "listed twice"),
    ("bad time", 'local_time: "10:30"', 'local_time: "25:00"', "call.local_time", "local_time", "HH:MM"),
    ("bad unquoted time", 'local_time: "10:30"', "local_time: 25:00", "call.local_time", "local_time", "HH:MM"),
    ("time as words", 'local_time: "10:30"', "local_time: morning", "call.local_time", "local_time", "HH:MM"),
    ("wrong currency", "currency: CNY", "currency: USD", "debtor.currency", "currency:", "cn scenarios use CNY"),
    ("bucket mismatch", "days_past_due: 18", "days_past_due: 45", "days_past_due", "days_past_due", "not in bucket M1"),
    ("difficulty range", "difficulty: 1", "difficulty: 5", "difficulty", "difficulty:", "must be ≤ 3"),
    ("unknown field", "difficulty: 1\n", "difficulty: 1\nmood: grumpy\n", "mood", "mood:", "unknown field"),
    ("missing translation", "  en: Laid off last month, first missed payment\n", "", "title.en", None, "missing required field"),
    ("bool is not a number", "can_pay_now: 1500", "can_pay_now: true", "debtor.can_pay_now", "can_pay_now", "expected a number"),
    ("duplicate key", "bucket: M1\n", "bucket: M1\nbucket: M2\n", "bucket", "bucket: M2", "duplicate key"),
    ("id mismatch", "id: wbb-m1-layoff", "id: something-else", "id", "id:", "must match the file name"),
    ("commitment flag", "require_commitment: true", "require_commitment: maybe", "pass_criteria.require_commitment",
     "pass_criteria", "expected true or false"),
]


@pytest.mark.parametrize("what,old,new,field,line_text,message", BROKEN_SCENARIOS, ids=[c[0] for c in BROKEN_SCENARIOS])
def test_broken_scenario_names_file_line_and_field(scenario_dir, personas, what, old, new, field, line_text, message):
    original = BASE_SCENARIO.read_text(encoding="utf-8")
    assert old in original
    text = original.replace(old, new, 1)
    path = _write(scenario_dir, "wbb-m1-layoff.yml", text)
    with pytest.raises(CatalogError) as caught:
        load_scenarios(scenario_dir, personas)
    error = caught.value
    assert error.field == field
    assert message in str(error)
    assert error.line is not None
    if line_text is not None:
        assert error.line == _line_of(text, line_text)
    assert str(error).startswith(f"{error.path}:{error.line}: field '{field}': ")
    assert error.path.endswith("wbb-m1-layoff.yml") and Path(error.path) == path


def test_yaml_syntax_error_reports_the_line(scenario_dir, personas):
    text = BASE_SCENARIO.read_text(encoding="utf-8").replace("bucket: M1", "bucket: [M1", 1)
    _write(scenario_dir, "wbb-m1-layoff.yml", text)
    with pytest.raises(CatalogError) as caught:
        load_scenarios(scenario_dir, personas)
    assert "YAML syntax error" in str(caught.value)
    assert caught.value.line is not None and caught.value.line >= _line_of(text, "bucket: [M1")


def test_duplicate_scenario_id_is_reported(scenario_dir, personas):
    text = BASE_SCENARIO.read_text(encoding="utf-8")
    _write(scenario_dir, "wbb-m1-layoff.yml", text)
    _write(scenario_dir, "wbb-m1-layoff.yaml", text)
    with pytest.raises(CatalogError) as caught:
        load_scenarios(scenario_dir, personas)
    assert caught.value.field == "id"
    assert "duplicate scenario id 'wbb-m1-layoff'" in str(caught.value)


def test_empty_scenario_directory_is_an_error(scenario_dir, personas):
    with pytest.raises(CatalogError, match="no scenario files"):
        load_scenarios(scenario_dir, personas)


@pytest.fixture
def persona_dir(tmp_path):
    directory = tmp_path / "personas"
    shutil.copytree(PERSONAS_DIR, directory)
    return directory


BROKEN_PERSONAS = [
    ("willing_but_broke.yml", "  plan: 0.5 ", "  plan: 1.5 ", "thresholds.plan", "must be ≤ 1.0"),
    ("willing_but_broke.yml", "  ask_reason: {anger: -0.05, trust: 0.08}", "  ask_reasons: {anger: -0.05}",
     "intents.ask_reasons", "unknown field"),
    ("hostile.yml", "commitment_requires: [empathised]", "commitment_requires: [charmed]",
     "commitment_requires[0]", "unknown flag 'charmed'"),
    ("hostile.yml", "escalation_order: [complaint, hung_up]", "escalation_order: [complaint]",
     "escalation_order", "each of complaint, hung_up"),
    ("evasive.yml", "  bluff: {}\n", "", "signal_effects.bluff", "missing required field"),
    # Persona ids are the fixed vocabulary, and their names are labels (data/i18n/labels.yml), not persona data.
    ("hostile.yml", "id: hostile", "id: grumpy", "id", "unknown persona id 'grumpy'"),
    ("hostile.yml", "id: hostile\n", "id: hostile\nname: {zh: 情绪对抗型, en: Hostile}\n", "name", "data/i18n/labels.yml"),
    ("lines/evasive.yml", '"好吧，{amount}，{date}之前。"', '"好吧，{amount}，{when}之前。"',
     "lines.tentative_promise.any.zh[1]", "unknown placeholder {when}"),
    ("lines/evasive.yml", '"好吧，{amount}，{date}之前。"', '"好吧，就这么办。"',
     "lines.tentative_promise.any.zh[1]", "must say {amount}, {date}"),
    ("lines/hostile.yml", '      zh: ["行，{agent_org}，你说。", "嗯，录音就录音吧，什么事？", "知道了，讲吧。"]',
     '      zh: ["行，{agent_org}，你说。", "知道了，讲吧。"]', "lines.identified.calm.zh", "at least 3"),
    ("lines/hostile.yml", "  calmed:\n", "  relaxed:\n", "lines.relaxed", "unknown situation 'relaxed'"),
    ("lines/hostile.yml", "persona: hostile", "persona: evasive", "persona", "lines are for persona 'evasive'"),
]


@pytest.mark.parametrize("file_name,old,new,field,message", BROKEN_PERSONAS, ids=[f"{c[0]}:{c[3]}" for c in BROKEN_PERSONAS])
def test_broken_persona_names_file_line_and_field(persona_dir, file_name, old, new, field, message):
    path = persona_dir / file_name
    original = path.read_text(encoding="utf-8")
    assert old in original, old
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_personas(persona_dir)
    assert caught.value.field == field
    assert message in str(caught.value)
    assert caught.value.line is not None
    assert caught.value.path.endswith(file_name)


def test_a_situation_missing_for_a_mood_is_reported(persona_dir):
    path = persona_dir / "lines" / "hostile.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  dodge:\n")
    end = text.index("  tentative_promise:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_personas(persona_dir)
    assert caught.value.field == "lines.dodge"
    assert "no zh lines for mood 'calm'" in str(caught.value)


def test_a_persona_without_lines_is_reported(persona_dir):
    (persona_dir / "lines" / "evasive.yml").unlink()
    with pytest.raises(CatalogError, match="no lines file evasive.yml"):
        load_personas(persona_dir)


def test_errors_inside_the_repository_show_a_relative_path():
    error = CatalogError(SCENARIOS_DIR / "x.yml", "unknown persona 'angry'", field="persona", line=3)
    assert str(error) == "data/scenarios/x.yml:3: field 'persona': unknown persona 'angry'"


def _bilingual_texts(scenario):
    debtor = scenario.debtor
    for pair in (scenario.titles, scenario.briefing, scenario.agent_org, debtor.names, debtor.products,
                 debtor.reason_texts):
        yield pair["zh"], pair["en"]
    for zh_goal, en_goal in zip(scenario.goals["zh"], scenario.goals["en"]):
        yield zh_goal, en_goal


@pytest.mark.parametrize("scenario_id", sorted(load_catalog().scenarios))
def test_scenario_texts_are_in_their_own_language(scenario_id):
    scenario = load_catalog().scenarios[scenario_id]
    for zh_text, en_text in _bilingual_texts(scenario):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh_text), zh_text
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en_text), en_text
    assert not scenario.debtor.reason_text("en").rstrip().endswith((".", "!", "?"))
    assert not scenario.debtor.reason_text("zh").rstrip().endswith(("。", "！", "？"))
