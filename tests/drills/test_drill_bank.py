"""The drill bank: bilingual, at least 10 items per topic, and every item's flaw confirmed by the scorer."""
from __future__ import annotations

import shutil

import pytest
import yaml
from typer.testing import CliRunner

from dojo.cli import app
from drills import DrillBankError, bank_problems, grade_rewrite, item_flaw, load_bank
from drills.bank import drills_dir
from foundation.vocab import NVC_PARTS, REPLY_CATEGORIES

EXPECTED_TOPICS = set(REPLY_CATEGORIES) | {f"nvc.{part}" for part in NVC_PARTS} | {"deescalation", "missing_disclosure"}


def test_every_violation_category_and_nvc_part_has_at_least_ten_bilingual_items(bank):
    assert set(bank.topics) == EXPECTED_TOPICS
    for topic in bank.topics.values():
        assert len(topic.items) >= 10, topic.id
        for item in topic.items:
            assert set(item.lines) == {"zh", "en"}


def test_the_scorer_confirms_every_item_has_exactly_the_flaw_it_claims(bank):
    """The same check `dojo validate` runs; re-run it when the grader changes."""
    assert bank_problems(bank) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_collector_line_offered_as_its_own_rewrite_fails_and_the_better_line_passes(bank, lang):
    item = bank.topics["false_legal_threat"].items[0]
    flawed = grade_rewrite(item, lang, item.in_lang(lang).collector)
    assert not flawed.passed and not flawed.flaw_fixed and "false_legal_threat" in flawed.violations
    better = grade_rewrite(item, lang, item.in_lang(lang).better)
    assert better.passed and better.flaw_fixed and better.violations == ()


def test_an_nvc_rewrite_that_adds_the_part_but_insults_does_not_pass(bank):
    item = bank.topics["nvc.request"].items[0]
    grade = grade_rewrite(item, "en", item.in_lang("en").better + " Don't be an idiot about it.")
    assert not grade.passed and "abusive_language" in grade.violations


def test_an_item_whose_line_is_clean_is_reported_with_file_and_line(bank):
    item = bank.topics["threat_of_violence"].items[0]
    swapped = type(item)(item.id, item.topic, item.kind,
                         {lang: type(lines)(lines.debtor, lines.better, lines.better) for lang, lines in item.lines.items()},
                         item.where)
    problem = item_flaw(swapped, "zh")
    assert problem and "data/drills/threat_of_violence.yml:" in problem and item.id in problem


def _copy_bank(tmp_path):
    folder = tmp_path / "drills"
    shutil.copytree(drills_dir(), folder)
    return folder


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(kind="mood"), "kind must be one of"),
    (lambda d: d.update(items=d["items"][:9]), "at least 10"),
    (lambda d: d["items"][3].pop("en"), "needs a en block"),
    (lambda d: d["items"][2]["zh"].update(collector=" "), "collector must be a non-empty text"),
    (lambda d: d["items"][1].update(id=d["items"][0]["id"]), "is also used in"),
    (lambda d: d.update(weakness="harassment"), "must match the file name"),
])
def test_a_broken_bank_file_is_refused_naming_file_and_line(tmp_path, change, message):
    folder = _copy_bank(tmp_path)
    path = folder / "impersonation.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DrillBankError) as raised:
        load_bank(folder)
    assert message in str(raised.value) and "impersonation.yml" in str(raised.value)
    if "is also used" not in message and "at least" not in message:
        assert "impersonation.yml:" in str(raised.value)


def test_dojo_validate_checks_the_bank_with_the_scorer(tmp_path, monkeypatch):
    result = CliRunner().invoke(app, ["validate", "--skip-rasa"])
    assert result.exit_code == 0, result.output
    assert "drill bank: 14 topics" in result.output
    data_dir = tmp_path / "data"
    shutil.copytree(drills_dir().parent, data_dir, ignore=shutil.ignore_patterns("nlu*", "stories", "eval"))
    path = data_dir / "drills" / "harassment.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][4]["en"]["collector"] = "Would mornings be better for you to talk?"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("DOJO_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(app, ["validate", "--skip-rasa"])
    assert result.exit_code != 0
    assert "har-05 [en] collector line does not have exactly the flaw harassment" in str(result.exception or result.output)
