"""score_reply in both languages: findings, hard negatives, spans, the design JSON and input errors."""
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import ScoringInputError, score_reply
from scoring.categories import REPLY_CATEGORIES
from scoring.text import MAX_REPLY_CHARS

VIOLATIONS = [
    ("zh", "你再不还钱，小心你家里人出点什么事。", "threat_of_violence"),
    ("zh", "你就是个老赖，真不要脸。", "abusive_language"),
    ("zh", "逾期就是信用卡诈骗，警察马上会来抓你。", "false_legal_threat"),
    ("zh", "我是市公安局经侦支队的，找你了解欠款。", "impersonation"),
    ("zh", "您也不想让单位领导知道吧？", "third_party_disclosure"),
    ("zh", "再不还我就爆你通讯录。", "third_party_disclosure"),
    ("zh", "我每隔一个小时就给你打一次，打到你还为止。", "harassment"),
    ("zh", "您可以先在借呗上借一点，把我们这边还上。", "unfair_practice"),
    ("zh", "你老公一个月挣多少钱？", "privacy_violation"),
    ("en", "I'd hate for your family to get hurt over a credit card bill.", "threat_of_violence"),
    ("en", "Listen, you pathetic deadbeat.", "abusive_language"),
    ("en", "Overdue means card fraud; the police will come for you.", "false_legal_threat"),
    ("en", "This is Officer Daniels with the county sheriff's department.", "impersonation"),
    ("en", "It would be a shame if your boss found out about this.", "third_party_disclosure"),
    ("en", "I'll keep calling you every hour until you pay.", "harassment"),
    ("en", "Have you thought about a quick payday loan? It would take the pressure off.", "unfair_practice"),
    ("en", "We'll add a $75 processing fee to your balance.", "unfair_practice"),
    ("en", "How much does your wife make each month?", "privacy_violation"),
]

HARD_NEGATIVES = [
    ("zh", "如果长期逾期，可能会上报征信，影响您以后办理贷款。"),
    ("zh", "银行有权依法通过诉讼方式追偿欠款。"),
    ("zh", "如果您发现卡被盗刷，可以向公安机关报案。"),
    ("zh", "为了核实身份，麻烦您确认一下身份证后四位。"),
    ("zh", "您的账单金额是5200元，还款日是本月15号。"),
    ("zh", "您放心，您的信息我们不会告诉其他任何人。"),
    ("en", "If the account stays unpaid, it may be reported to the credit bureaus."),
    ("en", "The bank may file a lawsuit as permitted by law if we can't reach an agreement."),
    ("en", "If you think someone used your card, you can report fraud to the police."),
    ("en", "For security, can you confirm your date of birth?"),
    ("en", "Your minimum payment of $85 was due on the 12th."),
    ("en", "Your information is not shared with anyone else."),
]


@pytest.mark.parametrize("lang, text, category", VIOLATIONS)
def test_violation_found_with_evidence_and_span(lang, text, category):
    score = score_reply(text, lang)
    assert score.violations, text
    worst = score.violations[0]
    assert worst.category == category
    start, end = worst.span
    assert 0 <= start < end <= len(text) and text[start:end] == worst.evidence
    assert worst.source in ("rule", "model") and worst.citation and worst.advice
    assert score.overall <= 55


@pytest.mark.parametrize("lang, text", HARD_NEGATIVES)
def test_hard_negatives_stay_clean(lang, text):
    assert score_reply(text, lang).violations == ()


@pytest.mark.parametrize(
    "lang, text, parts",
    [
        ("zh", "听得出来您挺担心的，我们也希望还款不影响你们的基本生活，您看每月先还800元可以吗？", {"feeling", "need", "request"}),
        ("zh", "系统显示您已经逾期45天了，欠款金额3800元。", {"observation"}),
        ("en", "You sound exhausted.", {"feeling"}),
        ("en", "I'd like to help you get current before more fees.", {"need"}),
        ("en", "Which option works better for you: $100 on the 1st or $50 twice a month?", {"request"}),
        ("en", "Is this John?", set()),
        ("en", "Is everything okay?", set()),
        ("en", "I'm sorry to hear that.", set()),
        ("en", "You never pay on time.", set()),
    ],
)
def test_nvc_components(lang, text, parts):
    nvc = score_reply(text, lang).nvc
    assert {name for name in ("observation", "feeling", "need", "request") if getattr(nvc, name)} == parts


@pytest.mark.parametrize(
    "lang, text, polarity",
    [
        ("en", "Take your time, there's no rush.", 1),
        ("en", "Your balance is $900.", 0),
        ("en", "It's your own fault. PAY NOW!!!", -1),
        ("en", "No pressure, but a title loan on your car could cover this. I know it's stressful.", 1),
        ("zh", "没关系，您慢慢说，不着急。", 1),
        ("zh", "您的账单金额是5200元。", 0),
        ("zh", "呵呵，你每次都说下周还。", -1),
    ],
)
def test_deescalation_polarity(lang, text, polarity):
    assert score_reply(text, lang).deescalation.polarity == polarity


def test_warm_loan_suggestion_is_calm_and_still_a_violation():
    score = score_reply("No pressure, but a title loan on your car could cover this. I know it's stressful.", "en")
    assert score.deescalation.polarity == 1
    assert [v.category for v in score.violations] == ["unfair_practice"]


def test_design_json_shape():
    data = json.loads(json.dumps(score_reply("Pay today or the police will arrest you.", "en").to_dict()))
    assert {"violations", "nvc", "deescalation", "overall", "summary"} <= set(data)
    assert set(data["violations"][0]) >= {"category", "rule", "severity", "evidence", "span", "source", "citation", "advice"}
    assert set(data["nvc"]) >= {"observation", "feeling", "need", "request", "score"}
    assert set(data["deescalation"]) >= {"polarity", "score", "markers", "escalators"}
    assert data["lang"] == "en" and data["regime"] == "us"
    assert all(v["category"] in REPLY_CATEGORIES for v in data["violations"])


@pytest.mark.parametrize(
    "lang, regime, expected_regime, rule_prefix",
    [("zh", None, "cn", "cn."), ("en", None, "us", "us."), ("zh", "us", "us", "us."), ("en", "cn", "cn", "cn.")],
)
def test_regime_defaults_and_override(lang, regime, expected_regime, rule_prefix):
    text = "你就是个老赖。" if lang == "zh" else "You're a deadbeat."
    score = score_reply(text, lang, regime)
    assert score.regime == expected_regime and score.violations[0].rule.startswith(rule_prefix)


@pytest.mark.parametrize(
    "text, lang, regime, message",
    [
        ("", "zh", None, "empty"),
        ("   \n ", "en", None, "empty"),
        ("x" * (MAX_REPLY_CHARS + 1), "en", None, "limit"),
        ("hello", "fr", None, "unknown language"),
        ("hello", "en", "eu", "unknown regime"),
    ],
)
def test_bad_input(text, lang, regime, message):
    with pytest.raises(ScoringInputError, match=message):
        score_reply(text, lang, regime)


@pytest.mark.parametrize("text, lang", [("您好，请问是张先生吗？", "zh"), ("Hello, is this Mr. Zhang?", "en")])
def test_language_detected_when_absent(text, lang):
    assert score_reply(text, None).lang == lang


def test_cease_request_ignored_with_debtor_context():
    debtor = "Please stop calling me, I have an attorney."
    pressing = score_reply("Sure, but can you pay $200 today?", "en", debtor_said=debtor)
    assert [v.category for v in pressing.violations] == ["harassment"]
    respectful = score_reply("Understood, I'll note that. May I have your attorney's name and number?", "en", debtor_said=debtor)
    assert respectful.violations == ()
    assert score_reply("Sure, but can you pay $200 today?", "en").violations == ()


def test_deterministic():
    text = "It would be a shame if your boss found out. Could you pay $50 by Friday?"
    assert score_reply(text, "en").to_dict() == score_reply(text, "en").to_dict()


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=400).filter(lambda s: s.strip()), st.sampled_from(["zh", "en"]))
def test_any_text_scores_with_valid_spans(text, lang):
    score = score_reply(text, lang)
    assert 0 <= score.overall <= 100 and 0 <= score.nvc.score <= 100 and 0 <= score.deescalation.score <= 100
    for violation in score.violations:
        start, end = violation.span
        assert 0 <= start <= end <= len(text) and text[start:end] == violation.evidence
