"""FastPattern tries its alternation only where the screen says a match may start: same matches as re."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation import paths
from scoring.errors import RulePackError
from scoring.modelcues import load_model_cues
from scoring.patterns import FastPattern, literal_prefixes
from scoring.rulepack import lexicon

GROUPS = ["violence_en", "harassment_en", "third_party_disclosure_en", "unfair_fee_zh", "impersonation_zh",
          "third_party_threat_zh", "unfair_exceptions_zh", "criminal_exceptions_en"]
ALPHABET = st.sampled_from(list("abcdeghilnorstuwy '$0123456789 你您打电话不要别的借网贷套现倍费单位领导法院警官张，。！"))
WORDS = st.sampled_from(["owes us", "john owes money", "every hour", "30 times a day", "张警官通知", "告诉你领导",
                         "别的信用卡套现", "不要脸", "两倍", "don't", "I'll call you", "police", " "])


@pytest.mark.parametrize("group", GROUPS)
@settings(max_examples=40, deadline=None)
@given(parts=st.lists(st.one_of(WORDS, st.text(ALPHABET, max_size=6)), max_size=8))
def test_same_matches_as_a_full_scan(group, parts):
    text = "".join(parts)
    fast = FastPattern(lexicon()[group])
    reference = fast.full
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in reference.finditer(text)]
    found, expected = fast.search(text), reference.search(text)
    assert (found.span() if found else None) == (expected.span() if expected else None)
    if len(text) > 4:
        found, expected = fast.search(text, 2, len(text) - 1), reference.search(text, 2, len(text) - 1)
        assert (found.span() if found else None) == (expected.span() if expected else None)


@pytest.mark.parametrize(
    "source, samples",
    [
        (r"\b(\d+|ten) times", ["30 times", "ten times", "１０ times"]),
        (r"[张王]?(警官|法官)", ["张警官", "法官", "王法官"]),
        (r"(打|打电话|打给|致电)(一下)?(你|您)?(的)?(单位|公司|领导)", ["打一下你的领导", "致电公司", "打电话给"]),
        (r"\w+ owes", None),
    ],
)
def test_literal_prefixes_start_every_match(source, samples):
    prefixes = literal_prefixes(source)
    if samples is None:
        assert prefixes is None
        return
    assert prefixes and "" not in prefixes
    pattern = re.compile(source)
    for sample in samples:
        match = pattern.search(sample)
        if match:
            assert any(sample.startswith(prefix, match.start()) for prefix in prefixes), (sample, prefixes)


def test_model_cues_need_every_category(tmp_path):
    text = (paths.rules_dir() / "lexicon.yml").read_text(encoding="utf-8")
    start = text.index("  privacy_violation:", text.index("model_cues:"))
    path = tmp_path / "lexicon.yml"
    path.write_text(text[:start], encoding="utf-8")
    with pytest.raises(RulePackError, match=r"lexicon\.yml:\d+: model_cues: missing cues for 'privacy_violation'"):
        load_model_cues(path, lexicon())


def test_model_cues_refuse_bad_patterns(tmp_path):
    text = (paths.rules_dir() / "lexicon.yml").read_text(encoding="utf-8")
    marker = "  impersonation:\n    en:\n"
    assert marker in text[text.index("model_cues:"):]
    cut = text.index("model_cues:")
    path = tmp_path / "lexicon.yml"
    path.write_text(text[:cut] + text[cut:].replace(marker, marker + "      - '(a+)+b'\n", 1), encoding="utf-8")
    with pytest.raises(RulePackError, match=r"model_cues\.impersonation\.en\[0\]: nested repeat"):
        load_model_cues(path, lexicon())
