"""The second readings of a line: what it also does besides the act the NLU labelled it with."""
import pytest

from simulator.acts import apologises, checks_identity, defers_decision, introduces_caller, says_goodbye

# Per reading, lines in either script and whether the reading finds what it looks for.
CASES = {
    checks_identity: [
        ("en", "Hi, is this Jason Miller?", True),
        ("en", "Hi, may I speak with Jason Miller, please?", True),
        ("en", "Before we go on, could you confirm your date of birth?", True),
        ("en", "can u confirm ur dob", True),
        ("en", "Is this a good time?", False),
        ("en", "Could you confirm the amount?", False),
        ("zh", "請問係咪何一鳴先生呀？", True),
        ("zh", "麻煩您核對一下身分證後四碼。", True),
        ("zh", "请问您是王先生本人吗？", True),
        ("zh", "您是打算什么时候还呢？", False),
        ("zh", "是不是搞错了先生？", False),
    ],
    introduces_caller: [
        ("en", "Hi, this is Chris Ortega from Summit Card Services.", True),
        ("en", "My name is Priya Shah, with Keystone Card Services.", True),
        ("en", "Hi, I'm calling on behalf of Harbor Bank.", True),
        ("en", "I'm not here to argue with you.", False),
        ("zh", "喂，你好，我係東信銀行信用卡中心嘅黃詠詩。", True),
        ("zh", "您好，这里是招商银行信用卡中心。", True),
        ("zh", "我是想帮您把这件事解决掉。", False),
    ],
    says_goodbye: [
        ("en", "Thanks, Jason. Take care.", True),
        ("en", "Thanks for your time today, goodbye.", True),
        ("en", "Okay, thanks for being straight with me. That's more common than you'd think.", False),
        ("en", "I'm still here to help if you'll let me.", False),
        ("zh", "搞掂。多謝你何生，有咩事可以打返嚟搵我，拜拜。", True),
        ("zh", "好的，那就先这样，祝您生活顺利。", True),
        ("zh", "谢谢您跟我说这些，我明白了。", False),
        ("zh", "拜托您这周内处理一下。", False),  # 拜托 is "please", not a goodbye
    ],
    apologises: [
        ("zh", "馬先生，我想先跟您道歉。上個月我們同仁聯絡您的同事，這是不對的，不應該發生。", True),
        ("zh", "上个月我们的人联系了您的同事，是我们的错。", True),
        ("zh", "我要打给你老板，让他知道你欠钱不还。", False),
        ("zh", "你这样拖着是不对的。", False),
        ("en", "Sorry our team reached out to your family earlier; that never should have happened.", True),
        ("en", "I will call your wife and tell her.", False),
    ],
    defers_decision: [
        ("en", "No rush: think it over and let me know what you decide.", True),
        ("en", "So whenever you're able to, just send what you can.", True),
        ("en", "I think about it a lot, honestly.", False),
        ("en", "If you have any questions, call us anytime. Take care.", False),
        ("zh", "那您先不用急著決定，回去想一想。", True),
        ("zh", "唔使急住決定，慢慢諗。", True),
        ("zh", "我们再想想办法，看怎么帮您。", False),
        ("zh", "好的，有问题随时联系我们，再见。", False),
    ],
}


@pytest.mark.parametrize("reading,lang,text,expected", [(reading, *case) for reading, cases in CASES.items() for case in cases],
                         ids=lambda value: getattr(value, "__name__", None))
def test_each_second_reading_in_either_script(reading, lang, text, expected):
    assert reading(text, lang) is expected
