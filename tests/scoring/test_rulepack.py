"""Rule packs load, cover every category, and broken packs are refused with file, line and field."""
import shutil
from pathlib import Path

import pytest

from foundation import paths
from scoring.categories import REPLY_CATEGORIES, SESSION_CATEGORIES
from scoring.errors import RulePackError
from scoring.rulepack import load_lexicon, load_rule_pack, rule_pack


@pytest.mark.parametrize("regime", ["cn", "us"])
def test_every_category_has_a_rule(regime):
    pack = rule_pack(regime)
    assert {rule.category for rule in pack.rules} == set(REPLY_CATEGORIES)
    assert {rule.category for rule in pack.session_rules.values()} >= set(SESSION_CATEGORIES)
    for rule in pack.rules:
        assert rule.citation.zh and rule.citation.en and rule.better.zh and rule.better.en
        assert rule.evidence["zh"] is not None and rule.evidence["en"] is not None


@pytest.mark.parametrize(
    "regime, start, end, per_day, per_week",
    [("cn", "08:00", "22:00", 3, None), ("us", "08:00", "21:00", None, 7)],
)
def test_pack_limits(regime, start, end, per_day, per_week):
    pack = rule_pack(regime)
    assert (pack.calling_start, pack.calling_end) == tuple(int(t[:2]) * 60 + int(t[3:]) for t in (start, end))
    assert (pack.contacts_per_day, pack.contacts_per_7_days) == (per_day, per_week)


def _broken_pack(tmp_path: Path, old: str, new: str) -> Path:
    text = (paths.rules_dir() / "cn.yml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "cn.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _last_line_of(path: Path, needle: str) -> int:
    found = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    assert found, needle
    return found[-1]


@pytest.mark.parametrize(
    "old, new, field, message",
    [
        ("category: threat_of_violence", "category: threat_of_doom", "rules[0].category", "unknown category 'threat_of_doom'"),
        ("severity: critical", "severity: fatal", "rules[0].severity", "unknown severity"),
        ("evidence: {zh: ['@violence_zh'], en: ['@violence_en']}", "evidence: {zh: ['@no_such_group'], en: ['@violence_en']}", "rules[0].evidence.zh[0]", "unknown lexicon group"),
        ("evidence: {zh: ['@violence_zh'], en: ['@violence_en']}", "evidence: {zh: ['(unclosed'], en: ['@violence_en']}", "rules[0].evidence.zh[0]", "invalid regex"),
        ("evidence: {zh: ['@violence_zh'], en: ['@violence_en']}", "evidence: {zh: ['(a+)+b'], en: ['@violence_en']}", "rules[0].evidence.zh[0]", "nested repeat"),
        ("evidence: {zh: ['@violence_zh'], en: ['@violence_en']}", "evidence: {zh: ['打.*你'], en: ['@violence_en']}", "rules[0].evidence.zh[0]", "unbounded gap"),
        ("evidence: {zh: ['@violence_zh'], en: ['@violence_en']}", "evidence: {zh: ['@violence_zh']}", "rules[0].evidence", "patterns missing for en"),
        ('calling_hours: {start: "08:00", end: "22:00"}', 'calling_hours: {start: "8am", end: "22:00"}', "limits.calling_hours.start", "HH:MM"),
        ("id: cn.cbirc.68.abuse", "id: cn.cbirc.68.violence", "rules[1].id", "duplicate rule id"),
        ("dispute_review: {max_overturn_rate: 0.2, min_rulings: 10}", "dispute_review: {max_overturn_rate: 20, min_rulings: 10}",
         "dispute_review.max_overturn_rate", "share from 0 to 1"),
        ("dispute_review: {max_overturn_rate: 0.2, min_rulings: 10}", "dispute_review: {max_overturn_rate: 0.2, min_rulings: 0}",
         "dispute_review.min_rulings", "positive whole number"),
    ],
)
def test_broken_pack_names_file_line_and_field(tmp_path, old, new, field, message):
    path = _broken_pack(tmp_path, old, new)
    with pytest.raises(RulePackError) as error:
        load_rule_pack(path, load_lexicon(paths.rules_dir() / "lexicon.yml"))
    text = str(error.value)
    assert str(path) in text and field in text and message in text
    line = int(text.split(":")[1])
    assert line == _last_line_of(path, new)


def test_missing_field_is_named(tmp_path):
    path = _broken_pack(tmp_path, "    citation:\n      zh: 《商业银行信用卡业务监督管理办法》第六十八条：不得采用暴力、胁迫、恐吓手段催收\n      en: CBRC Credit Card Measures, Art. 68 (no violence, coercion or intimidation)\n", "")
    with pytest.raises(RulePackError, match=r"rules\[0\].*missing required field 'citation'"):
        load_rule_pack(path, load_lexicon(paths.rules_dir() / "lexicon.yml"))


def test_invalid_yaml_reports_line(tmp_path):
    path = tmp_path / "cn.yml"
    path.write_text("regime: cn\nrules: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"cn\.yml:\d+: invalid YAML"):
        load_rule_pack(path, {})


def test_lexicon_refuses_catastrophic_pattern(tmp_path):
    path = tmp_path / "lexicon.yml"
    path.write_text("groups:\n  bad:\n    - '(\\\\w+)*x'\n", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"lexicon\.yml:3: groups\.bad\[0\]: nested repeat"):
        load_lexicon(path)


def test_rules_dir_copy_loads(tmp_path):
    """A pack directory elsewhere (e.g. a bank's own rules) loads through the same validation."""
    for name in ("cn.yml", "lexicon.yml"):
        shutil.copy(paths.rules_dir() / name, tmp_path / name)
    pack = load_rule_pack(tmp_path / "cn.yml", load_lexicon(tmp_path / "lexicon.yml"))
    assert pack.regime == "cn" and len(pack.rules) >= len(REPLY_CATEGORIES)
