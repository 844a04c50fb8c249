"""score_reply: normalise, read, let the models judge and the rules explain, then one verdict."""
from __future__ import annotations

import dataclasses
from typing import List, Optional

from foundation.labels import label
from foundation.normalize import normalize
from scoring.categories import CATEGORY_LABELS, SEVERITY_RANK
from scoring.classifier import decide_violations, judge
from scoring.compliance import make_violation, rule_violations
from scoring.nvc import grade_nvc
from scoring.reading import read
from scoring.results import ReplyScore, Violation
from scoring.rulepack import rule_pack
from scoring.text import Clauses, check_reply
from scoring.tone import grade_tone
from scoring.training import Grader

SEVERITY_PENALTY = {"critical": 60, "major": 35, "minor": 15}
# A reply with a violation can never look good overall, however warm or well structured it is.
SEVERITY_CAP = {"critical": 30, "major": 55, "minor": 75}
WEIGHTS = {"compliance": 0.5, "nvc": 0.25, "deescalation": 0.25}


def score_reply(
    text: str,
    lang: Optional[str] = "zh",
    regime: Optional[str] = None,
    debtor_said: Optional[str] = None,
    *,
    grader: Optional[Grader] = None,
) -> ReplyScore:
    """Grade one trainee reply in the language it is written in.

    `lang` is the session's language: the reply's own text decides (a trainee who types English in a
    zh session is graded in English), `lang` only where the text cannot tell (digits alone). `regime`
    None means the default of the session's language (cn for zh, us for en).
    Every pattern and model reads the normalised text (Simplified script, half-width forms, single
    punctuation: foundation.normalize); evidence and spans point into the text as typed.
    `grader` is for evaluation (a model fitted without the pass being measured); by default the
    shipped one (scoring.training.live_grader).
    """
    typed, lang, regime = check_reply(text, lang, regime)
    normalized = normalize(typed)
    text = normalized.text
    pack = rule_pack(regime)
    reading = read(text, lang, pack, debtor_said)
    judgement = judge(reading, grader)
    found = [make_violation(rule, lang, text[start:end], (start, end), "rule") for rule, (start, end) in reading.rule_matches]
    found += rule_violations(text, lang, pack, debtor_said, Clauses(text), contextual_only=True)
    violations: List[Violation] = decide_violations(judgement, reading, lang, pack, found)
    # Worst first; within a severity the pack's order decides, so a veiled threat that also names
    # the family reads as a threat rather than as a disclosure.
    order = {rule.id: index for index, rule in enumerate(pack.rules)}
    violations.sort(key=lambda v: (-SEVERITY_RANK[v.severity], order.get(v.rule, len(order)), v.span[0]))
    escalating = [v.category for v in violations if _escalates(pack, v)]
    decided = judgement.decided
    judging = [cue.span for cue in reading.cues if cue.name == "n:judging"]
    nvc = grade_nvc(text, lang, threatened=bool(escalating), present=decided, judging=judging)
    tone = grade_tone(text, lang, escalating, acknowledged=nvc.feeling, shared_need=nvc.need, judged=judgement.polarity,
                      found=[cue.name for cue in reading.cues if cue.name.startswith("t")])
    if text != typed:
        violations = [_in_typed_text(v, normalized) for v in violations]
        nvc = dataclasses.replace(nvc, evaluations=tuple(_typed_words(normalized, text, e) for e in nvc.evaluations))
    compliance = max(0, 100 - sum(SEVERITY_PENALTY[v.severity] for v in violations))
    overall = round(WEIGHTS["compliance"] * compliance + WEIGHTS["nvc"] * nvc.score + WEIGHTS["deescalation"] * tone.score)
    if violations:
        overall = min(overall, SEVERITY_CAP[violations[0].severity])
    summary = summarise(lang, overall, violations, nvc, tone)
    return ReplyScore(typed, lang, regime, tuple(violations), nvc, tone, compliance, int(overall), summary)


def _in_typed_text(violation: Violation, normalized) -> Violation:
    """The same finding with its span and words taken from the text as typed."""
    start, end = normalized.original_span(*violation.span)
    return dataclasses.replace(violation, span=(start, end), evidence=normalized.original[start:end])


def _typed_words(normalized, text: str, words: str) -> str:
    position = text.find(words)
    return normalized.original_text(position, position + len(words)) if position >= 0 else words


def _escalates(pack, violation: Violation) -> bool:
    for rule in pack.rules:
        if rule.id == violation.rule:
            return rule.escalates
    return False


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
    """The NVC part as data/i18n/labels.yml names it (`nvc_parts`)."""
    return label("nvc_parts", component, lang)


def summarise(lang: str, overall: int, violations, nvc, tone) -> str:
    """One line saying why this grade: the worst violation if any, else what NVC lacks and the tone."""
    present = 4 - len(nvc.missing)
    missing = "、".join(nvc_name(c, "zh") for c in nvc.missing) if lang == "zh" else ", ".join(nvc_name(c, "en") for c in nvc.missing)
    if violations:
        worst = violations[0]
        category = CATEGORY_LABELS[worst.category][lang]
        quote = worst.evidence if len(worst.evidence) <= 40 else worst.evidence[:39] + "…"
        more = len(violations) - 1
        if lang == "zh":
            extra = f"，另有{more}项" if more else ""
            return f"{overall}/100：{_SEVERITY[worst.severity]['zh']}——{category}（“{quote}”）{extra}；{_TONE[tone.polarity]['zh']}。"
        extra = f", plus {more} more" if more else ""
        return f"{overall}/100: {_SEVERITY[worst.severity]['en']}, {category} (\"{quote}\"){extra}; {_TONE[tone.polarity]['en']}."
    if lang == "zh":
        lack = f"，缺少{missing}" if missing else "，四要素齐全"
        compliance, nvc_dimension = label("dimensions", "compliance", "zh"), label("dimensions", "nvc", "zh")
        return f"{overall}/100：{compliance}；{nvc_dimension}{present}/4{lack}；{_TONE[tone.polarity]['zh']}。"
    lack = f" (missing {missing})" if missing else " (all four parts)"
    return f"{overall}/100: compliant; NVC {present}/4{lack}; {_TONE[tone.polarity]['en']}."
