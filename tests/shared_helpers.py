"""Helpers that tests in several folders share. (In tests/, which the root conftest puts on
sys.path, so every test folder can import it.)"""
from __future__ import annotations

import datetime as dt

from matplotlib.text import Text


class Clock:
    """A clock the test advances by hand, so ages, half-lives, windows and due dates are exact."""

    def __init__(self, start: dt.datetime):
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += dt.timedelta(**delta)


def drawn_texts(monkeypatch) -> list:
    """Every string the charts draw, caught on its way into matplotlib."""
    drawn = []
    original = Text.set_text

    def spy(self, value):
        drawn.append(str(value))
        return original(self, value)

    monkeypatch.setattr(Text, "set_text", spy)
    return drawn


# A disputed session's lines, shared by the store's dispute tests (tests/progress/dispute_fixtures.py)
# and the bot's (tests/bot/test_bot_disputes.py): a line the grader comes to read differently is
# mended here once for both.
SCENARIO = "hostile-m1-fees"
OPENING = "您好，我是招商银行信用卡中心的工作人员小王，工号1234，本次通话会被录音，今天来电是关于您信用卡逾期的事情。"
KIND = "我理解您对违约金很生气，您的账单显示逾期25天。您看这周五先还2000元可以吗？"
# The grader reads "会上门" as a threatened visit; the trainee meant a verification visit. Three
# sentences, not one: joined by commas to the empathy and the ask, the models read the whole as calm
# and clean and overrule the rule's finding (scoring.classifier.RULE_VETO), and nothing is disputable.
# No "if it stays unpaid" either: stop 17's models read that condition as a threat of their own, and
# a trainer who overturned the rule's finding would leave the models' standing (the overall unmoved).
# Nor "会上门拜访核实情况": since stop 22 the models read that announced visit as a threat of their
# own (new authors write 上门 hints as violations); a visit to check the address, said as such, they don't.
VISIT = "我明白您很着急。之后我们会上门核实地址，确认账单寄到了。您看下个月15号还清可以吗？"
RULE = "cn.cbirc.68.false_legal"
