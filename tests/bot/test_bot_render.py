"""Escaping, 4,096-character splitting and the cards, in both languages."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from bot import render
from bot.render import TELEGRAM_LIMIT, esc, split_html, visible_text


def telegram_length(markup: str) -> int:
    return len(visible_text(markup).encode("utf-16-le")) // 2


def balanced(markup: str) -> bool:
    stack = []
    for tag in re.findall(r"<(/?)([a-z-]+)[^>]*>", markup):
        closing, name = tag
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


@pytest.mark.parametrize("raw, escaped", [
    ("<b>bold</b>", "&lt;b&gt;bold&lt;/b&gt;"),
    ("Tom & Jerry", "Tom &amp; Jerry"),
    ('say "pay", don\'t', 'say "pay", don\'t'),
    ("欠款 <5000> 元", "欠款 &lt;5000&gt; 元"),
    (None, ""),
])
def test_esc(raw, escaped):
    assert esc(raw) == escaped


@pytest.mark.parametrize("text", [
    "short",
    "line\n" * 3000,
    "字" * 9000,
    "<pre>" + "row of a table\n" * 700 + "</pre>",
    "<b>" + "x" * 5000 + "</b> tail",
    "&amp;" * 5000,
    "😀" * 3000,
])
def test_split_respects_limit_and_keeps_text(text):
    parts = split_html(text)
    assert all(telegram_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert all(balanced(p) for p in parts)
    assert "".join(visible_text(p) for p in parts).replace("\n", "") == visible_text(text).replace("\n", "")


def test_split_prefers_line_breaks():
    text = "\n".join(f"line {i:04d} " + "x" * 80 for i in range(200))
    parts = split_html(text)
    assert len(parts) > 1
    assert all(p.rstrip("\n").endswith("x") for p in parts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["a", "字", "😀", "\n", "&amp;", "<b>", "</b>", " "]), max_size=400),
       st.integers(min_value=16, max_value=60))
def test_split_property(tokens, limit):
    # Build well-formed markup: drop a closing tag with nothing open, close what is left at the end.
    depth, kept = 0, []
    for token in tokens:
        if token == "</b>":
            if depth == 0:
                continue
            depth -= 1
        elif token == "<b>":
            if depth:
                continue
            depth += 1
        kept.append(token)
    markup = "".join(kept) + "</b>" * depth
    parts = split_html(markup, limit=limit)
    assert all(telegram_length(p) <= limit for p in parts)
    assert all(balanced(p) for p in parts)
    assert re.sub(r"\s", "", "".join(visible_text(p) for p in parts)) == re.sub(r"\s", "", visible_text(markup))


REPORT = {
    "scores": {"overall": 72.5, "compliance": 60, "nvc": 80, "deescalation": 70},
    "violations": [{"category": "false_legal_threat", "turn": 3, "citation": "15 U.S.C. 1692e(4)",
                    "evidence": "we will <arrest> you"}],
    "best_turn": {"turn": 2, "text": "I hear this is hard", "overall": 90},
    "worst_turn": 3,
    "passed": False,
    "fail_reasons": ["a critical violation"],
    "summary": "Good empathy, one false threat.",
    "certification_change": {"to_level": 1, "name_en": "Level 1", "name_zh": "一级", "needs_confirmation": True},
}


@pytest.mark.parametrize("lang, expected", [
    ("en", ["Report card", "FAIL", "Overall", "72.5", "false or improper legal threat", "15 U.S.C. 1692e(4)",
            "&lt;arrest&gt;", "Best turn", "turn 2", "Weakest turn", "turn 3", "Level 1"]),
    ("zh", ["成绩单", "未通过", "总分", "虚假或不当的法律威胁", "第 2 句", "最弱一句", "一级", "待主管确认"]),
])
def test_report_card(lang, expected):
    card = render.report_card(REPORT, lang, "refused")
    for needle in expected:
        assert needle in card
    assert balanced(card)


@pytest.mark.parametrize("lang, needles", [
    ("en", ["Debtor", "Amount owed", "Days past due", "US FDCPA", "Your goals", "• get a date"]),
    ("zh", ["借款人", "欠款", "逾期天数", "本次目标"]),
])
def test_scenario_card(lang, needles):
    card = {"title": "Laid off <3 months>", "debtor_name": "Dana Reed", "product": "credit card",
            "amount_owed": "$2,400.00", "days_past_due": 45, "bucket": "M2", "regime": "us",
            "briefing": "Dana lost her job.", "goals": ["get a date", "stay calm"]}
    text = render.scenario_card(card, lang)
    assert "Laid off &lt;3 months&gt;" in text
    for needle in needles:
        assert needle in text


@pytest.mark.parametrize("tip, findings, expect_none", [
    (None, {"violations": []}, True),
    (None, None, True),
    ("Ask about their situation first.", {"violations": []}, False),
    (None, {"violations": [{"category": "harassment", "citation": "12 CFR 1006.14", "advice": "Call less."}]}, False),
])
def test_coach_tip(tip, findings, expect_none):
    text = render.coach_tip(tip, findings, "en")
    assert (text is None) == expect_none
    if findings and findings.get("violations"):
        assert "12 CFR 1006.14" in text and "Call less." in text


def test_table_escapes_and_aligns_cjk():
    text = render.table(["name", "avg"], [["<x>", 1.0], ["小明", 88.4]])
    assert text.startswith("<pre>") and "&lt;x&gt;" in text
    lines = visible_text(text).splitlines()
    # The score column starts at the same screen column although 小明 is two wide characters.
    assert render._display_width(lines[2][: lines[2].index("1")]) == render._display_width(lines[3][: lines[3].index("88")])


@pytest.mark.parametrize("lang, lines, needles", [
    ("en", ["Hi, this is Sam from the card centre; this call is recorded.",
            "Pay today or we will have you arrested, you idiot."], ["Report card", "FAIL", "turn 2", "Weakest turn"]),
    ("zh", ["您好，我是信用卡中心的小王，本次通话会录音。",
            "今天不还钱就让警察抓你，你这个废物。"], ["成绩单", "未通过", "第 2 句", "最弱一句"]),
])
def test_real_session_report_and_tip_render(lang, lines, needles):
    """The scorer's own report and tip, not hand-made dicts, go through the cards unchanged."""
    # Submodules: with tests/ on sys.path, tests/scoring makes `scoring` a namespace package without re-exports.
    from scoring.coach import coach_tip
    from scoring.reply import score_reply
    from scoring.results import SessionContext, SessionTurn
    from scoring.session import score_session

    regime = "cn" if lang == "zh" else "us"
    turns = [SessionTurn(text=line, lang=lang, score=score_reply(line, lang=lang, regime=regime)) for line in lines]
    report = score_session(turns, SessionContext(lang=lang, regime=regime, outcome="complaint")).to_dict()
    card = render.report_card(report, lang, "complaint")
    for needle in needles:
        assert needle in card
    assert balanced(card) and all(len(part) <= TELEGRAM_LIMIT for part in split_html(card))
    worst = turns[1].score
    tip = render.coach_tip(coach_tip(worst, lang), worst.to_dict(), lang)
    assert tip is not None and worst.violations[0].citation in visible_text(tip)
