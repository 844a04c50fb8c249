"""coach_tip: the worst violation with citation and better phrasing, else escalation, else a missing NVC part."""
import pytest

from scoring import coach_tip, score_reply


@pytest.mark.parametrize(
    "text, lang, must_contain",
    [
        ("逾期就是信用卡诈骗，警察马上会来抓你。", "zh", "第六十八条"),
        ("Overdue means card fraud; the police will come for you.", "en", "1692e(4)"),
    ],
)
def test_tip_for_violation_has_citation_and_better_phrasing(text, lang, must_contain):
    score = score_reply(text, lang)
    tip = coach_tip(score, lang)
    assert tip and len(tip) <= 300 and must_contain in tip
    assert score.violations[0].advice[:15] in tip


def test_tip_for_escalation_without_violation():
    tip = coach_tip(score_reply("That's not my problem, the bill is the bill.", "en"), "en")
    assert tip and "escalat" in tip


@pytest.mark.parametrize(
    "text, lang, hint",
    [
        ("您好，请问是李先生吗？", "zh", "事实"),
        ("Our records show a balance of $1,240.", "en", "feeling"),
    ],
)
def test_tip_for_missing_nvc_part(text, lang, hint):
    tip = coach_tip(score_reply(text, lang), lang)
    assert tip and hint in tip and len(tip) <= 300


def test_no_tip_for_complete_reply():
    text = ("I see the last payment was in January, and I can tell you're frustrated. I want to find a plan you can "
            "afford. Could we set up $60 on the 15th?")
    assert coach_tip(score_reply(text, "en"), "en") is None
