"""The examples at the top of issue 11, graded as the issue says they should be, and the language rule."""
import pytest

from scoring import SessionContext, SessionTurn, score_reply, score_session


@pytest.mark.parametrize(
    "text, lang",
    [("好，那我们就约15号下午还1500，可以吗？", "zh"), ("Could you do it Monday?", "en")],
)
def test_an_amount_by_a_date_is_a_request(text, lang):
    score = score_reply(text, lang)
    assert score.nvc.request
    assert score.violations == ()


def test_traditional_characters_are_graded_like_simplified():
    typed = "我會打電話給你老闆，讓他知道你欠錢不還"
    score = score_reply(typed, "zh")
    assert score.violations and score.violations[0].category == "third_party_disclosure"
    assert score.violations[0].category == score_reply("我会打电话给你老板，让他知道你欠钱不还", "zh").violations[0].category
    finding = score.violations[0]
    assert typed[finding.span[0] : finding.span[1]] == finding.evidence  # the words as typed
    assert score.deescalation.polarity == -1


def test_text_speak_threat_is_a_violation_and_escalates():
    score = score_reply("u better pay or we will come get u", "en")
    assert score.violations
    assert score.violations[0].category in {"threat_of_violence", "false_legal_threat", "harassment"}
    assert score.deescalation.polarity == -1


def test_evidence_spans_point_into_the_typed_text():
    typed = "你再不還錢！！！我們就去你公司找你老闆。"
    score = score_reply(typed, "zh")
    for finding in score.violations:
        assert typed[finding.span[0] : finding.span[1]] == finding.evidence


def test_a_reply_is_graded_in_the_language_it_is_written_in():
    score = score_reply("It would be a shame if your boss found out about this.", "zh")
    assert score.lang == "en"
    assert score.regime == "cn"  # the session's regime: a zh session defaults to cn
    assert score_reply("1500", "zh").lang == "zh"  # nothing to tell by: the session's language


def test_an_english_opening_in_a_zh_session_counts_as_the_disclosure():
    text = ("Hi, this is Lena from China Merchants Bank credit card centre. This call is recorded, "
            "and I'm calling about your overdue credit card payment.")
    turn = SessionTurn(text=text, lang="zh", score=score_reply(text, "zh", "cn"))
    report = score_session([turn], SessionContext(lang="zh", regime="cn", local_time="10:00"))
    assert all(report.disclosure.values()), report.disclosure
    assert "missing_disclosure" not in {v.category for v in report.violations}
