"""score_session: the report card of a whole practice call.

Per-turn findings are folded together, and the checks that only make sense over a call are added:
the opening disclosure, calling hours and contact frequency from the scenario's call log, a cease
request or attorney the trainee ignored, the listen → empathise → solve and PAI arcs, whether a
concrete commitment was secured and whether the debtor's anger fell.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Pattern, Sequence, Tuple

from foundation import paths
from foundation.labels import label
from foundation.normalize import normalize_text
from foundation.vocab import DIMENSIONS
from scoring.categories import CATEGORY_LABELS, SEVERITY_RANK
from scoring.errors import RulePackError, ScoringInputError
from scoring.patterns import compile_list
from scoring.reply import SEVERITY_CAP, SEVERITY_PENALTY, WEIGHTS
from scoring.results import SessionContext, SessionReport, SessionTurn, Violation
from scoring.rulepack import RulePack, SessionRule, parse_hhmm, rule_pack
from scoring.text import LANGS, REGIMES
from scoring.yamlmarks import load_marked

ARC_STEPS = ("listen", "empathise", "solve", "problem", "analysis", "invitation")


@dataclass(frozen=True)
class ArcCues:
    intents: Mapping[str, frozenset]
    patterns: Mapping[str, Mapping[str, Optional[Pattern[str]]]]


def arc_cues(rules_dir: Optional[Path] = None) -> ArcCues:
    """The listen–empathise–solve and PAI cues of `rules_dir` (default: the data folder's rules)."""
    return _arc_cues(Path(rules_dir) if rules_dir is not None else paths.rules_dir())


@functools.lru_cache(maxsize=None)
def _arc_cues(rules_dir: Path) -> ArcCues:
    path = rules_dir / "arc.yml"
    data, marks = load_marked(path)
    if not isinstance(data, dict) or not isinstance(data.get("intents"), dict) or not isinstance(data.get("patterns"), dict):
        raise RulePackError(f"{path}:1: expected mappings 'intents' and 'patterns'")
    intents = {}
    for step in ARC_STEPS:
        values = data["intents"].get(step, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise RulePackError(f"{path}:{marks.get(('intents', step), 1)}: intents.{step}: expected a list of intent names")
        intents[step] = frozenset(values)
    patterns = {}
    for step, node in data["patterns"].items():
        if step not in ARC_STEPS or not isinstance(node, dict):
            raise RulePackError(f"{path}:{marks.get(('patterns', step), 1)}: patterns.{step}: unknown step or not a mapping")
        patterns[step] = {lang: compile_list(node.get(lang), {}, path, marks, ("patterns", step, lang)) for lang in LANGS}
    return ArcCues(intents, patterns)


def score_session(turns: Sequence[SessionTurn], context: SessionContext) -> SessionReport:
    """Grade a whole session against the scenario's pass criteria (any critical violation fails)."""
    lang = context.lang if context.lang in LANGS else None
    if lang is None:
        raise ScoringInputError(f"unknown language {context.lang!r}; use zh or en / 未知语言")
    if context.regime not in REGIMES:
        raise ScoringInputError(f"unknown regime {context.regime!r}; use cn or us / 未知监管规则")
    pack = rule_pack(context.regime)
    violations: List[Violation] = []
    for number, turn in enumerate(turns, start=1):
        violations.extend(replace(v, turn=number) for v in turn.score.violations)

    disclosure = _disclosure(turns, pack)
    session_violations: List[Violation] = []
    missing = [item for item in pack.disclosure if not disclosure[item.id]]
    if turns and missing:
        labels = ("、" if lang == "zh" else ", ").join(item.label.get(lang) for item in missing)
        evidence = f"开场缺少：{labels}" if lang == "zh" else f"opening lacks: {labels}"
        session_violations.append(_session_violation(pack.session_rules["missing_disclosure"], lang, evidence, 1))
    session_violations.extend(_call_log_violations(context, pack, lang))
    ignored = _ignored_cease(turns, pack)
    if ignored is not None:
        number, evidence = ignored
        session_violations.append(_session_violation(pack.session_rules["ignored_cease"], lang, evidence, number))
    session_violations = [v for v in session_violations if v.rule not in context.overturned]
    violations.extend(session_violations)
    violations.sort(key=lambda v: (-SEVERITY_RANK[v.severity], v.turn or 0))

    scores = _scores(turns, session_violations, violations)
    best, worst = _best_and_worst(turns)
    arc = _arc(turns)
    if "arc" in context.overturned:
        arc = {**arc, "listen_empathise_solve": True}
    commitment_secured = "commitment" in context.overturned or _commitment_secured(context.commitment)
    anger_fell = _anger_fell(turns)
    fail_reasons = _fail_reasons(turns, violations, scores, context, commitment_secured, lang)
    passed = not fail_reasons
    summary = _summary(lang, passed, scores, violations, commitment_secured, anger_fell, arc)
    return SessionReport(
        lang=lang,
        regime=context.regime,
        scores=scores,
        violations=tuple(violations),
        best_turn=best,
        worst_turn=worst,
        arc=arc,
        commitment_secured=commitment_secured,
        anger_fell=anger_fell,
        passed=passed,
        fail_reasons=tuple(fail_reasons),
        summary=summary,
        turns=len(turns),
        disclosure=disclosure,
    )


def _session_violation(rule: SessionRule, lang: str, evidence: str, turn: int) -> Violation:
    return Violation(
        category=rule.category,
        rule=rule.id,
        severity=rule.severity,
        evidence=evidence,
        span=(0, 0),
        source="rule",
        citation=rule.citation.get(lang),
        advice=rule.better.get(lang),
        explanation=rule.explanation.get(lang),
        turn=turn,
    )


def _written_lang(turn: SessionTurn) -> str:
    """The language the turn is written in (score_reply detected it), which may differ from the session's."""
    if turn.score is not None and turn.score.lang in LANGS:
        return turn.score.lang
    return turn.lang if turn.lang in LANGS else "en"


def _disclosure(turns: Sequence[SessionTurn], pack: RulePack) -> Dict[str, bool]:
    opening = turns[: pack.opening_turns]
    found = {}
    for item in pack.disclosure:
        found[item.id] = any(
            item.evidence[_written_lang(turn)] is not None and item.evidence[_written_lang(turn)].search(normalize_text(turn.text))
            for turn in opening
        )
    return found


def _call_log_violations(context: SessionContext, pack: RulePack, lang: str) -> List[Violation]:
    found = []
    if context.local_time is not None:
        minutes = parse_hhmm(context.local_time)
        if minutes is None or minutes >= 24 * 60:
            raise ScoringInputError(f"local_time must be \"HH:MM\", got {context.local_time!r} / 通话时间格式应为 HH:MM")
        if not pack.calling_start <= minutes < pack.calling_end:
            window = f"{_hhmm(pack.calling_start)}–{_hhmm(pack.calling_end)}"
            evidence = f"{context.local_time} 致电（允许时段 {window}）" if lang == "zh" else f"call at {context.local_time} (allowed {window})"
            found.append(_session_violation(pack.session_rules["calling_hours"], lang, evidence, 1))
    for count, limit, zh_unit, en_unit in (
        (context.contacts_today, pack.contacts_per_day, "今天", "today"),
        (context.contacts_last_7_days, pack.contacts_per_7_days, "7天内", "in 7 days"),
    ):
        if count < 0:
            raise ScoringInputError("contact counts cannot be negative / 联系次数不能为负数")
        if limit is not None and count + 1 > limit:
            evidence = (
                f"{zh_unit}第{count + 1}次联系（上限{limit}次）" if lang == "zh" else f"contact {count + 1} {en_unit} (limit {limit})"
            )
            found.append(_session_violation(pack.session_rules["contact_frequency"], lang, evidence, 1))
    return found


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _ignored_cease(turns: Sequence[SessionTurn], pack: RulePack) -> Optional[Tuple[int, str]]:
    """A later turn that keeps collecting after the debtor asked to stop or named a lawyer."""
    rule = next((r for r in pack.rules if r.debtor_trigger is not None), None)
    if rule is None:
        return None
    asked_at = None
    for number, turn in enumerate(turns, start=1):
        if asked_at is None:
            if turn.debtor_said and any(p is not None and p.search(turn.debtor_said) for p in pack.debtor_cease.values()):
                asked_at = number
            continue
        if any(v.rule == rule.id for v in turn.score.violations):
            return None  # already reported on that turn
        lang = _written_lang(turn)
        evidence, exception = rule.evidence[lang], rule.exceptions[lang]
        if exception is not None and exception.search(turn.text):
            continue
        match = evidence.search(turn.text) if evidence is not None else None
        if match is not None:
            return number, turn.text[max(0, match.start() - 20) : match.end() + 20].strip()
    return None


def _scores(turns, session_violations, violations) -> Dict[str, int]:
    if not turns:
        return {"overall": 0, "compliance": 0, "nvc": 0, "deescalation": 0}
    count = len(turns)
    compliance = sum(t.score.compliance for t in turns) / count
    compliance = max(0.0, compliance - sum(SEVERITY_PENALTY[v.severity] / 2 for v in session_violations))
    nvc = sum(t.score.nvc.score for t in turns) / count
    deescalation = sum(t.score.deescalation.score for t in turns) / count
    overall = WEIGHTS["compliance"] * compliance + WEIGHTS["nvc"] * nvc + WEIGHTS["deescalation"] * deescalation
    if violations:
        overall = min(overall, SEVERITY_CAP[violations[0].severity])
    return {"overall": round(overall), "compliance": round(compliance), "nvc": round(nvc), "deescalation": round(deescalation)}


def _best_and_worst(turns):
    if not turns:
        return None, None
    ranked = list(enumerate(turns, start=1))
    best_no, best = max(ranked, key=lambda pair: (pair[1].score.overall, -pair[0]))
    worst_no, worst = min(ranked, key=lambda pair: (pair[1].score.overall, pair[0]))

    def card(number, turn):
        return {"turn": number, "text": turn.text, "overall": turn.score.overall, "summary": turn.score.summary}

    return card(best_no, best), card(worst_no, worst)


def _steps(turn: SessionTurn) -> Dict[str, bool]:
    cues = arc_cues()
    lang = _written_lang(turn)
    intent = turn.intent or ""

    def matches(step: str) -> bool:
        pattern = cues.patterns.get(step, {}).get(lang)
        return intent in cues.intents[step] or (pattern is not None and pattern.search(turn.text) is not None)

    score = turn.score
    acknowledged = score.nvc.feeling or any(
        marker in score.deescalation.markers for marker in ("承认情绪", "acknowledges feelings", "致歉", "apologises")
    )
    return {
        "listen": matches("listen"),
        "empathise": acknowledged or intent in cues.intents["empathise"],
        "solve": score.nvc.request or matches("solve"),
        "problem": score.nvc.observation or intent in cues.intents["problem"],
        "analysis": matches("analysis") or matches("listen"),
        "invitation": score.nvc.request or intent in cues.intents["invitation"],
    }


def _arc(turns: Sequence[SessionTurn]) -> Dict[str, Any]:
    first: Dict[str, Optional[int]] = {step: None for step in ARC_STEPS}
    for number, turn in enumerate(turns, start=1):
        for step, present in _steps(turn).items():
            if present and first[step] is None:
                first[step] = number
    les = (
        first["listen"] is not None
        and first["empathise"] is not None
        and first["solve"] is not None
        and first["listen"] <= first["solve"]
        and first["empathise"] <= first["solve"]
    )
    pai = (
        first["problem"] is not None
        and first["analysis"] is not None
        and first["invitation"] is not None
        and first["problem"] <= first["analysis"] <= first["invitation"]
    )
    return {"listen_empathise_solve": les, "pai": pai, "details": {f"first_{step}": first[step] for step in ARC_STEPS}}


def _commitment_secured(commitment: Optional[Mapping[str, Any]]) -> bool:
    if not commitment:
        return False
    amount, date = commitment.get("amount"), commitment.get("date")
    return amount not in (None, "", 0) and date not in (None, "")


def _anger_fell(turns: Sequence[SessionTurn]) -> Optional[bool]:
    start = next((t.anger_before for t in turns if t.anger_before is not None), None)
    end = next((t.anger_after for t in reversed(turns) if t.anger_after is not None), None)
    if start is None or end is None:
        return None
    return end < start


_REASONS = {
    "no_turns": {"zh": "没有任何学员发言", "en": "the session has no trainee turns"},
    "critical": {"zh": "出现严重违规：{what}", "en": "critical violation: {what}"},
    # {dimension} is the score's label (data/i18n/labels.yml), as every other surface shows it.
    "min_score": {"zh": "{dimension} {got} 分，低于要求的 {want} 分", "en": "{dimension} {got} is below the required {want}"},
    "require_commitment": {"zh": "未取得具体的还款承诺（金额和日期）", "en": "no concrete commitment (amount and date) was secured"},
    "max_violations": {"zh": "违规 {got} 项，超过允许的 {want} 项", "en": "{got} violations, more than the {want} allowed"},
}
_CRITERIA_SCORES = {"min_overall": "overall", "min_compliance": "compliance", "min_nvc": "nvc", "min_deescalation": "deescalation"}


def _fail_reasons(turns, violations, scores, context, commitment_secured, lang) -> List[str]:
    reasons = []
    if not turns:
        reasons.append(_REASONS["no_turns"][lang])
    critical = sorted({v.category for v in violations if v.severity == "critical"})
    if critical:
        what = ("、" if lang == "zh" else ", ").join(CATEGORY_LABELS[c][lang] for c in critical)
        reasons.append(_REASONS["critical"][lang].format(what=what))
    criteria = dict(context.pass_criteria or {})
    for key, score_name in _CRITERIA_SCORES.items():
        want = criteria.get(key)
        if want is not None and scores[score_name] < want:
            reasons.append(_REASONS["min_score"][lang].format(dimension=label("dimensions", score_name, lang),
                                                               got=scores[score_name], want=want))
    if criteria.get("require_commitment") and not commitment_secured:
        reasons.append(_REASONS["require_commitment"][lang])
    allowed = criteria.get("max_violations")
    if allowed is not None and len(violations) > allowed:
        reasons.append(_REASONS["max_violations"][lang].format(got=len(violations), want=allowed))
    return reasons


def _summary(lang, passed, scores, violations, commitment_secured, anger_fell, arc) -> str:
    named = {dimension: label("dimensions", dimension, lang) for dimension in DIMENSIONS}
    if lang == "zh":
        verdict = "通过" if passed else "未通过"
        parts = [
            f"{verdict}：{named['overall']}{scores['overall']}（{named['compliance']}{scores['compliance']}，"
            f"{named['nvc']}{scores['nvc']}，{named['deescalation']}{scores['deescalation']}）",
            f"违规{len(violations)}项" if violations else "无违规",
            "已取得还款承诺" if commitment_secured else "未取得还款承诺",
        ]
        if anger_fell is not None:
            parts.append("对方情绪缓和" if anger_fell else "对方情绪未缓和")
        parts.append("遵循了倾听→共情→解决" if arc["listen_empathise_solve"] else "未遵循倾听→共情→解决")
        return "；".join(parts) + "。"
    verdict = "Passed" if passed else "Failed"
    parts = [
        f"{verdict}: {named['overall'].lower()} {scores['overall']} ({named['compliance'].lower()} {scores['compliance']}, "
        f"{named['nvc'].lower()} {scores['nvc']}, {named['deescalation'].lower()} {scores['deescalation']})",
        f"{len(violations)} violation(s)" if violations else "no violations",
        "commitment secured" if commitment_secured else "no commitment secured",
    ]
    if anger_fell is not None:
        parts.append("debtor's anger fell" if anger_fell else "debtor's anger did not fall")
    parts.append("followed listen → empathise → solve" if arc["listen_empathise_solve"] else "did not follow listen → empathise → solve")
    return "; ".join(parts) + "."
