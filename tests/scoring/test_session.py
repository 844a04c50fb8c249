"""score_session: opening disclosure, call log, ignored cease requests, arcs, commitment, pass/fail."""
import json

import pytest

from scoring import ScoringInputError, SessionContext, SessionTurn, score_reply, score_session

ZH_OPENING = "您好，我是招商银行信用卡中心的王芳，工号6021，就您信用卡逾期还款的事情来电，本次通话全程录音。"
EN_OPENING = (
    "Hi, this is Dana with First Harbor Bank card services. This is an attempt to collect a debt and any "
    "information obtained will be used for that purpose. This call is recorded."
)


def turn(text, lang, **kwargs):
    return SessionTurn(text=text, lang=lang, score=score_reply(text, lang, debtor_said=kwargs.get("debtor_said")), **kwargs)


def good_zh_session():
    return [
        turn(ZH_OPENING, "zh", anger_before=0.6, anger_after=0.6),
        turn("能说说是什么原因导致没能按时还款吗？", "zh", intent="ask_reason", anger_before=0.6, anger_after=0.5),
        turn("听得出来您挺担心的，我们也希望还款不影响你们的基本生活。", "zh", anger_before=0.5, anger_after=0.3),
        turn("系统显示您欠款3800元，您看每月先还800元可以吗？", "zh", anger_before=0.3, anger_after=0.2),
    ]


def test_good_session_passes():
    context = SessionContext(lang="zh", regime="cn", local_time="10:30", contacts_today=1,
                             pass_criteria={"min_overall": 60, "require_commitment": True},
                             outcome="payment_plan", commitment={"amount": 800, "date": "2026-12-01"})
    report = score_session(good_zh_session(), context)
    assert report.passed, report.fail_reasons
    assert report.violations == ()
    assert report.commitment_secured and report.anger_fell is True
    assert report.arc["listen_empathise_solve"] is True
    assert report.best_turn["turn"] != report.worst_turn["turn"] or len(good_zh_session()) == 1
    data = json.loads(json.dumps(report.to_dict(), ensure_ascii=False))
    assert {"scores", "violations", "best_turn", "worst_turn", "arc", "commitment_secured", "anger_fell", "passed",
            "fail_reasons", "summary", "lang"} <= set(data)
    assert set(data["scores"]) == {"overall", "compliance", "nvc", "deescalation"}
    assert data["summary"].startswith("通过")


@pytest.mark.parametrize(
    "lang, regime, opening, missing",
    [
        ("zh", "cn", "您好，请问是李先生吗？", {"identity", "institution", "purpose", "recording"}),
        ("zh", "cn", "您好，我是建设银行信用卡中心的李明，就您信用卡账单的事联系您。", {"recording"}),
        ("en", "us", "Hi, this is Sam from Crestview Bank calling about your card balance.", {"purpose", "recording"}),
        ("en", "us", EN_OPENING, set()),
    ],
)
def test_opening_disclosure(lang, regime, opening, missing):
    report = score_session([turn(opening, lang)], SessionContext(lang=lang, regime=regime))
    assert {key for key, found in report.disclosure.items() if not found} == missing
    assert any(v.category == "missing_disclosure" for v in report.violations) == bool(missing)


@pytest.mark.parametrize(
    "regime, lang, local_time, today, week, categories",
    [
        ("cn", "zh", "21:59", 2, 0, set()),
        ("cn", "zh", "22:00", 0, 0, {"calling_hours"}),
        ("cn", "zh", "07:59", 0, 0, {"calling_hours"}),
        ("cn", "zh", "12:00", 3, 0, {"contact_frequency"}),
        ("us", "en", "20:59", 0, 6, set()),
        ("us", "en", "21:00", 0, 0, {"calling_hours"}),
        ("us", "en", "09:00", 5, 7, {"contact_frequency"}),
    ],
)
def test_call_log_rules(regime, lang, local_time, today, week, categories):
    opening = ZH_OPENING if lang == "zh" else EN_OPENING
    context = SessionContext(lang=lang, regime=regime, local_time=local_time, contacts_today=today, contacts_last_7_days=week)
    report = score_session([turn(opening, lang)], context)
    assert {v.category for v in report.violations} == categories


def test_bad_local_time_is_an_input_error():
    with pytest.raises(ScoringInputError):
        score_session([turn(EN_OPENING, "en")], SessionContext(lang="en", regime="us", local_time="25:99"))


def test_ignored_cease_request_over_later_turns():
    turns = [
        turn(EN_OPENING, "en"),
        turn("I understand.", "en", debtor_said="Stop calling me. I have a lawyer."),
        turn("Anyway, when can you pay the balance?", "en", debtor_said="..."),
    ]
    report = score_session(turns, SessionContext(lang="en", regime="us"))
    assert any(v.category == "harassment" and v.turn == 3 for v in report.violations)


def test_critical_violation_fails_and_criteria_are_reported():
    turns = [turn(ZH_OPENING, "zh"), turn("你再不还，警察马上就会上门抓你。", "zh")]
    context = SessionContext(lang="zh", regime="cn", pass_criteria={"min_nvc": 50, "require_commitment": True})
    report = score_session(turns, context)
    assert not report.passed
    reasons = " ".join(report.fail_reasons)
    assert "严重违规" in reasons and "还款承诺" in reasons and "非暴力沟通" in reasons
    assert report.worst_turn["turn"] == 2 and report.scores["overall"] <= 30


def test_english_report_and_anger_unknown():
    report = score_session([turn(EN_OPENING, "en")], SessionContext(lang="en", regime="us"))
    assert report.anger_fell is None and report.summary.startswith(("Passed", "Failed"))


def test_empty_session_fails():
    report = score_session([], SessionContext(lang="en", regime="us"))
    assert not report.passed and report.best_turn is None


def test_pai_arc():
    turns = [
        turn("Our records show $1,240 overdue since March.", "en"),
        # Exploring what happened is the analysis; it asks for no one specific thing. (The grader's
        # model reads a bare "What happened this month?" as a request since the s09–s12 passes:
        # docs/scoring.md, "Where the gates stand".)
        turn("I'd like to understand what happened this month. With a plan in place the fees stop growing.", "en"),
        turn("Could you pay $100 by Friday?", "en"),
    ]
    report = score_session(turns, SessionContext(lang="en", regime="us"))
    assert report.arc["pai"] is True
    assert report.arc["details"]["first_problem"] == 1 and report.arc["details"]["first_invitation"] == 3
