"""coach_tip: one short, readable tip after a turn, so a trainee learns while the call goes on."""
from __future__ import annotations

from typing import Optional

from scoring.categories import CATEGORY_LABELS
from scoring.results import ReplyScore

MAX_TIP_CHARS = 300

_NVC_TIPS = {
    "observation": {
        "zh": "先说一个可核实的事实，不加评判，例如“账单显示您有3,200元逾期30天”。",
        "en": "Start from a checkable fact without judgement, e.g. \"the statement shows $320, 30 days past due\".",
    },
    "feeling": {
        "zh": "点出对方的感受，例如“听得出来您挺着急的”。",
        "en": "Name the debtor's feeling, e.g. \"you sound worried about this\".",
    },
    "need": {
        "zh": "说出共同的需要，例如“我们也希望还款不影响您的基本生活”。",
        "en": "Say the shared need, e.g. \"I'd like to help you avoid more fees\".",
    },
    "request": {
        "zh": "提一个具体可做的请求：金额加日期，或让对方在方案中选择。",
        "en": "Make a concrete ask: an amount by a date, or a choice between options.",
    },
}
_ESCALATION_TIP = {
    "zh": "语气在激化冲突（{what}）。先承认对方的情绪，再给出选择。",
    "en": "Your tone escalates ({what}). Acknowledge the feeling first, then offer choices.",
}


def coach_tip(score: ReplyScore, lang: str) -> Optional[str]:
    """The worst violation with citation and better phrasing; else an escalation; else a missing NVC part."""
    lang = "zh" if lang == "zh" else "en"
    if score.violations:
        worst = score.violations[0]
        label = CATEGORY_LABELS[worst.category][lang]
        if lang == "zh":
            tip = f"⚠ {label}：“{_clip(worst.evidence, 30)}”（{worst.citation}）。可以这样说：{worst.advice}"
        else:
            tip = f"⚠ {label}: \"{_clip(worst.evidence, 40)}\" ({worst.citation}). Try instead: {worst.advice}"
        return _clip(tip, MAX_TIP_CHARS)
    if score.deescalation.escalators:
        what = ("、" if lang == "zh" else ", ").join(score.deescalation.escalators[:2])
        return _clip(_ESCALATION_TIP[lang].format(what=what), MAX_TIP_CHARS)
    missing = score.nvc.missing
    if missing:
        return _clip(_NVC_TIPS[missing[0]][lang], MAX_TIP_CHARS)
    return None


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
