"""Every scripted collector line used by the end-to-end and load tests gets the verdict its script implies.

A compliant script line with a finding would make the whole-call tests fail for the wrong reason, and
the load driver would measure a penalised trainee; an abusive line without one would test nothing.
"""
import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "tests" / "conversations" / "scripts.yml"
LOAD_SCRIPTS = ROOT / "bench" / "load_scripts.json"


def _compliant_lines():
    scripts = yaml.safe_load(SCRIPTS.read_text(encoding="utf-8"))
    for persona, by_lang in scripts["compliant"].items():
        for lang, lines in by_lang.items():
            for index, line in enumerate(lines):
                yield pytest.param(lang, line, id=f"scripts-{persona}-{lang}-{index}")
    for lang, lines in json.loads(LOAD_SCRIPTS.read_text(encoding="utf-8")).items():
        for index, line in enumerate(lines):
            yield pytest.param(lang, line, id=f"load-{lang}-{index}")


def _abusive_lines():
    scripts = yaml.safe_load(SCRIPTS.read_text(encoding="utf-8"))
    for lang, lines in scripts["abusive"].items():
        for index, line in enumerate(lines):
            yield pytest.param(lang, line, id=f"abusive-{lang}-{index}")


@pytest.mark.parametrize("lang, text", list(_compliant_lines()))
def test_compliant_script_line_is_clean(lang, text):
    from scoring import score_reply

    violations = score_reply(text, lang).violations
    assert violations == (), [(v.category, v.source, v.evidence) for v in violations]


@pytest.mark.parametrize("lang, text", list(_abusive_lines()))
def test_abusive_script_line_is_flagged(lang, text):
    from scoring import score_reply

    assert score_reply(text, lang).violations, text


def test_scripts_cover_both_languages():
    langs = {param.values[0] for param in list(_compliant_lines()) + list(_abusive_lines())}
    assert langs == {"zh", "en"}
