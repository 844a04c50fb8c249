"""Regressions reported against score_reply: false positives on compliant lines, and missed co-violations."""
import pytest

from scoring import score_reply
from scoring.reading import read
from scoring.rulepack import rule_pack
from scoring.text import DEFAULT_REGIME

EN_NAMES = ["Lena", "Mark", "Jordan", "Priya", "Tomasz", "Adaeze"]
EN_INSTITUTIONS = ["Harbor Bank card services", "Granite State Bank", "Cedar County Credit Union",
                   "Navy Federal Credit Union", "Oakline Recovery Agency", "Quartz Capital"]
ZH_NAMES = ["小林", "王芳", "欧阳娜娜"]
ZH_INSTITUTIONS = ["信用卡中心", "招商银行信用卡中心", "招联消费金融公司", "受银行委托的催收机构", "北京农商银行"]

COMPLIANT_OPENINGS = (
    [("en", f"Hi, this is {name} from {bank}. This call is recorded, and I'm calling about your credit card account.")
     for name in EN_NAMES for bank in EN_INSTITUTIONS[:3]]
    + [("en", f"Hello, this is {name} with {bank}. This is an attempt to collect a debt, and any information obtained "
              "will be used for that purpose. This call is recorded.") for name in EN_NAMES[:3] for bank in EN_INSTITUTIONS[3:]]
    + [("en", f"Hi, {name} here from {bank}, calling about your card balance.") for name in EN_NAMES[3:] for bank in EN_INSTITUTIONS]
    + [("zh", f"您好，我是{bank}的{name}，本次通话全程录音，今天联系您是关于您信用卡账单的事情。")
       for name in ZH_NAMES for bank in ZH_INSTITUTIONS]
)


@pytest.mark.parametrize("lang, text", COMPLIANT_OPENINGS)
def test_compliant_opening_is_clean(lang, text):
    score = score_reply(text, lang)
    assert score.violations == (), [(v.category, v.source, v.evidence) for v in score.violations]


@pytest.mark.parametrize(
    "lang, text",
    [
        ("zh", "听得出来您现在非常生气，被反复打电话确实让人很烦，这种感受我完全理解。"),
        ("zh", "接了这么多催收电话，换谁都会心烦。"),
        ("zh", "之前的电话打扰到您了，真的很抱歉。"),
        ("en", "I can hear how angry you are, and getting all those calls would frustrate anyone."),
        ("en", "It's exhausting to keep getting calls when you're already stretched thin."),
        ("en", "I'm sorry about all the calls you've been getting."),
    ],
)
def test_empathy_about_calls_is_not_harassment(lang, text):
    assert score_reply(text, lang).violations == ()


@pytest.mark.parametrize(
    "lang, text",
    [
        ("zh", "我每天都给你打电话，被反复打电话的滋味你慢慢体会。"),
        ("en", "I'll keep calling you every hour until you pay."),
    ],
)
def test_threatened_calls_are_still_harassment(lang, text):
    assert "harassment" in {v.category for v in score_reply(text, lang).violations}


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        ("zh", "你这种人真不要脸，赶紧去网贷借钱把钱还上！", {"abusive_language", "unfair_practice"}),
        ("zh", "真不要脸，去借呗借点钱先还上。", {"abusive_language", "unfair_practice"}),
        ("zh", "你就是个老赖，用信用卡套现还我们。", {"abusive_language", "unfair_practice"}),
        ("zh", "废物，找亲戚借钱也得还上！", {"abusive_language", "unfair_practice"}),
        ("en", "You're a shameless deadbeat, go borrow from an online lender and pay us back!", {"abusive_language", "unfair_practice"}),
        ("en", "You're a worthless liar. Go take out a payday loan and pay us now!", {"abusive_language", "unfair_practice"}),
    ],
)
def test_every_violation_in_a_reply_is_reported(lang, text, expected):
    assert {v.category for v in score_reply(text, lang).violations} >= expected


@pytest.mark.parametrize(
    "lang, text",
    [
        ("zh", "千万不要为了还我们去借网贷。"),
        ("zh", "逾期记录可能会影响您以后申请房贷和车贷。"),
        ("en", "Please don't take out a payday loan to pay us."),
    ],
)
def test_advice_against_borrowing_stays_clean(lang, text):
    assert score_reply(text, lang).violations == ()


@pytest.mark.parametrize(
    "lang, text, cue",
    [("en", "This is Lena from the county court.", "m:impersonation"), ("zh", "我是法院的小林。", "m:impersonation")],
)
def test_category_cue_words_are_features_of_their_clause(lang, text, cue):
    reading = read(text, lang, rule_pack(DEFAULT_REGIME[lang]))
    assert cue in reading.features[0]


def _scenario_products():
    from simulator.catalog import load_catalog

    return sorted({(lang, scenario.debtor.product(lang)) for scenario in load_catalog().scenarios.values()
                   for lang in ("zh", "en")})


OWN_PRODUCT = {"en": ["I'm calling about your {product} account.", "This is about your {product}; it's 45 days past due."],
               "zh": ["今天联系您是关于您的{product}账户。", "您的{product}目前已经逾期45天了。"]}


@pytest.mark.parametrize("lang, product", _scenario_products())
def test_naming_the_accounts_own_product_is_no_advice_to_borrow(lang, product):
    """A scenario's product may be a loan ("personal installment loan", 消费贷款): naming the account
    being collected is not steering the debtor to a new loan."""
    for template in OWN_PRODUCT[lang] + (["Calling about your personal loan account."] if lang == "en" else []):
        score = score_reply(template.format(product=product), lang)
        assert "unfair_practice" not in [v.category for v in score.violations], template


@pytest.mark.parametrize("lang, text", [
    ("en", "Maybe get a personal loan from your bank to clear this."),
    ("en", "Grab a quick loan and pay us today."),
    ("zh", "您可以去办个消费贷款先把这个还上。"),
    ("zh", "去申请个信用贷周转一下。"),
])
def test_advice_to_take_a_new_loan_is_still_unfair(lang, text):
    assert "unfair_practice" in [v.category for v in score_reply(text, lang).violations]


def _rule_cues(text, lang="zh"):
    reading = read(text, lang, rule_pack(DEFAULT_REGIME[lang]))
    return {cue.name for cue in reading.cues if cue.name.startswith("r:")}


@pytest.mark.parametrize("text, present, absent", [
    ("你他妈的到底还不还？", {"r:abusive_language"}, set()),
    ("妈的，到底还不还", {"r:abusive_language"}, set()),
    ("你真丢脸。", {"r:abusive_language"}, {"r:third_party_disclosure"}),
    ("再不还就让你在同事面前丢脸。", {"r:third_party_disclosure"}, set()),
    # A parent's card or phone, being a mother, and reassurance about shame are no abuse and no disclosure.
    ("那把你爸妈的电话给我。", set(), {"r:abusive_language"}),
    ("你妈的手机号是多少？", set(), {"r:abusive_language"}),
    ("您是当妈的，应该懂。", set(), {"r:abusive_language"}),
    ("这种事不会丢脸的，很多人都遇到过。", set(), {"r:abusive_language", "r:third_party_disclosure"}),
    ("会觉得丢脸很正常，我们慢慢来。", set(), {"r:abusive_language", "r:third_party_disclosure"}),
])
def test_abuse_patterns_read_who_the_words_are_about(text, present, absent):
    cues = _rule_cues(text)
    assert present <= cues and not absent & cues, cues


@pytest.mark.parametrize(
    "lang, debtor, text",
    [
        ("en", "This is his mother, he's out. What's it about?",
         "Oh, nothing to worry about! He's just a little behind on his Visa with us. Would you ask him to ring us back when he gets a chance?"),
        ("en", "I'm his roommate, he's not home.",
         "Thanks so much! Could you let him know his credit card with us is two months past due, and ask him to give us a call?"),
        ("zh", "我是他妈妈，他不在家，什么事啊？", "阿姨您好，他在我们银行的信用卡欠了两万块，已经逾期两个月了，麻烦您转告他给我们回个电话，谢谢您。"),
        ("zh", "我是他老婆，他在上班。", "您是他太太吧？他信用卡逾期了三千多，您方便的时候提醒他回个电话就好，谢谢。"),
    ],
)
def test_a_friendly_disclosure_is_a_finding_in_a_friendly_tone(lang, debtor, text):
    """Telling whoever answers breaks the rule however kindly it is said; the tone is the words' own
    (scoring.tone.TONE_FREE_CATEGORIES), as the labelling guide has it."""
    score = score_reply(text, lang, debtor_said=debtor)
    assert "third_party_disclosure" in {v.category for v in score.violations}
    assert score.deescalation.polarity >= 0


@pytest.mark.parametrize(
    "lang, text",
    [
        ("en", "Pay the $300 by Friday or I'll ring your manager and tell him you don't pay your debts."),
        ("zh", "这周五前不还三千，我就打电话给你们领导，让他知道你欠钱不还。"),
    ],
)
def test_a_threat_to_tell_still_escalates(lang, text):
    score = score_reply(text, lang)
    assert "third_party_disclosure" in {v.category for v in score.violations}
    assert score.deescalation.polarity == -1
