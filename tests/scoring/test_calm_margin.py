"""A calming reply needs a clear violation reading before the model alone may call it a violation."""
from dataclasses import replace

from scoring.classifier import CALM_MARGIN, decide_violations, judge
from scoring.reading import read
from scoring.rulepack import rule_pack

TEXT = "Keep ignoring us and someone will wait for you outside your building."


def _judged():
    reading = read(TEXT, "en", rule_pack("us"))
    judgement = judge(reading)
    assert judgement.decided["violation"], "the shipped grader must find this threat for the test to mean anything"
    return reading, judgement


def test_a_model_finding_stands_on_a_reply_that_is_not_calming():
    reading, judgement = _judged()
    found = decide_violations(replace(judgement, polarity=0, violation_margin=0.0), reading, "en", rule_pack("us"), [])
    assert [v.source for v in found] == ["model"]


def test_on_a_calming_reply_only_a_clear_model_finding_stands():
    reading, judgement = _judged()
    calm = replace(judgement, polarity=1)
    pack = rule_pack("us")
    assert decide_violations(replace(calm, violation_margin=CALM_MARGIN - 0.01), reading, "en", pack, []) == []
    assert [v.source for v in decide_violations(replace(calm, violation_margin=CALM_MARGIN), reading, "en", pack, [])] == ["model"]
