"""score_reply: compliance rules, then the statistical model for recall, then NVC and tone, then one verdict."""
from __future__ import annotations

from typing import List, Optional

from scoring.categories import CATEGORY_LABELS, SEVERITY_RANK
from scoring.classifier import model_violation
from scoring.compliance import rule_violations
from scoring.nvc import grade_nvc
from scoring.results import ReplyScore, Violation
from scoring.rulepack import rule_pack
from scoring.text import Clauses, check_reply
from scoring.tone import grade_tone

SEVERITY_PENALTY = {"critical": 60, "major": 35, "minor": 15}
# A reply with a violation can never look good overall, however warm or well structured it is.
SEVERITY_CAP = {"critical": 30, "major": 55, "minor": 75}
WEIGHTS = {"compliance": 0.5, "nvc": 0.25, "deescalation": 0.25}


def score_reply(text: str, lang: Optional[str] = "zh", regime: Optional[str] = None, debtor_said: Optional[str] = None) -> ReplyScore:
    """Grade one trainee reply. lang None means detect it; regime None means cn for zh, us for en."""
    text, lang, regime = check_reply(text, lang, regime)
    pack = rule_pack(regime)
    clauses = Clauses(text)
    violations: List[Violation] = rule_violations(text, lang, pack, debtor_said, clauses)
    if not violations:
        extra = model_violation(text, lang, pack, clauses)
        if extra is not None:
            violations.append(extra)
    # Worst first; within a severity the pack's order decides, so a veiled threat that also names
    # the family reads as a threat rather than as a disclosure.
    order = {rule.id: index for index, rule in enumerate(pack.rules)}
    violations.sort(key=lambda v: (-SEVERITY_RANK[v.severity], order.get(v.rule, len(order)), v.span[0]))
    escalating = [v.category for v in violations if _escalates(pack, v)]
    nvc = grade_nvc(text, lang, threatened=bool(escalating))
    tone = grade_tone(text, lang, escalating, acknowledged=nvc.feeling, shared_need=nvc.need)
    compliance = max(0, 100 - sum(SEVERITY_PENALTY[v.severity] for v in violations))
    overall = round(WEIGHTS["compliance"] * compliance + WEIGHTS["nvc"] * nvc.score + WEIGHTS["deescalation"] * tone.score)
    if violations:
        overall = min(overall, SEVERITY_CAP[violations[0].severity])
    summary = summarise(lang, overall, violations, nvc, tone)
    return ReplyScore(text, lang, regime, tuple(violations), nvc, tone, compliance, int(overall), summary)


def _escalates(pack, violation: Violation) -> bool:
    for rule in pack.rules:
        if rule.id == violation.rule:
            return rule.escalates
    return False


_NVC_NAMES = {
    "observation": {"zh": "观察", "en": "observation"},
    "feeling": {"zh": "感受", "en": "feeling"},
    "need": {"zh": "需要", "en": "need"},
    "request": {"zh": "请求", "en": "request"},
}
_TONE = {
    1: {"zh": "语气缓和", "en": "calming tone"},
    0: {"zh": "语气中性", "en": "neutral tone"},
    -1: {"zh": "语气激化冲突", "en": "escalating tone"},
}
_SEVERITY = {
    "critical": {"zh": "严重违规", "en": "critical violation"},
    "major": {"zh": "重大违规", "en": "major violation"},
    "minor": {"zh": "轻微违规", "en": "minor violation"},
}


def nvc_name(component: str, lang: str) -> str:
    return _NVC_NAMES[component][lang]


def summarise(lang: str, overall: int, violations, nvc, tone) -> str:
    """One line saying why this grade: the worst violation if any, else what NVC lacks and the tone."""
    present = 4 - len(nvc.missing)
    missing = "、".join(nvc_name(c, "zh") for c in nvc.missing) if lang == "zh" else ", ".join(nvc_name(c, "en") for c in nvc.missing)
    if violations:
        worst = violations[0]
        label = CATEGORY_LABELS[worst.category][lang]
        quote = worst.evidence if len(worst.evidence) <= 40 else worst.evidence[:39] + "…"
        more = len(violations) - 1
        if lang == "zh":
            extra = f"，另有{more}项" if more else ""
            return f"{overall}/100：{_SEVERITY[worst.severity]['zh']}——{label}（“{quote}”）{extra}；{_TONE[tone.polarity]['zh']}。"
        extra = f", plus {more} more" if more else ""
        return f"{overall}/100: {_SEVERITY[worst.severity]['en']}, {label} (\"{quote}\"){extra}; {_TONE[tone.polarity]['en']}."
    if lang == "zh":
        lack = f"，缺少{missing}" if missing else "，四要素齐全"
        return f"{overall}/100：合规；非暴力沟通{present}/4{lack}；{_TONE[tone.polarity]['zh']}。"
    lack = f" (missing {missing})" if missing else " (all four parts)"
    return f"{overall}/100: compliant; NVC {present}/4{lack}; {_TONE[tone.polarity]['en']}."
