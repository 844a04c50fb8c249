"""A grade recomputed with the findings a trainer overturned on dispute taken back.

Findings are named as in `foundation.findings`. Recomputing starts from the grader's own stored
findings, never from a fresh grading, so an overturn changes exactly the finding it names and
nothing the trainee was not told about.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple

from foundation.findings import ARC, COMMITMENT, DEESCALATION, NVC_PARTS, SESSION_TURN, violation_id
from scoring.categories import CATEGORY_LABELS, SEVERITY_RANK
from scoring.nvc import EVALUATION_PENALTY, POINTS_PER_COMPONENT
from scoring.reply import SEVERITY_CAP, SEVERITY_PENALTY, WEIGHTS, summarise
from scoring.results import DeescalationResult, NvcResult, ReplyScore, SessionContext, SessionTurn
from scoring.session import score_session
from scoring.rulepack import rule_pack
from scoring.text import LANGS, REGIMES
from scoring.tone import BASE_SCORE, ESCALATOR_POINTS, MARKER_POINTS

# Longer replies are graded on their first part; the debtor reacts to the length in character.
MAX_SCORED_CHARS = 10_000


def apply_overturns(findings: Mapping[str, Any], overturned: Iterable[str], lang: str) -> Dict[str, Any]:
    """One turn's findings with the overturned ones taken back and its scores recomputed the way
    `score_reply` computes them; `overturned` lists what was taken back."""
    gone = set(overturned)
    if not gone:
        return dict(findings)
    score = ReplyScore.from_dict(findings, "")
    kept = tuple(v for v in score.violations if violation_id(v.to_dict()) not in gone)
    removed_categories = {v.category for v in score.violations if v not in kept} - {v.category for v in kept}
    nvc = score.nvc
    if any(f"nvc.{part}" in gone for part in NVC_PARTS):
        parts = {part: getattr(nvc, part) or f"nvc.{part}" in gone for part in NVC_PARTS}
        present = sum(parts.values())
        points = present * POINTS_PER_COMPONENT - EVALUATION_PENALTY * len(nvc.evaluations)
        nvc = NvcResult(score=max(0, min(100, points)), evaluations=nvc.evaluations, **parts)
    tone = _tone_without(score.deescalation, removed_categories, lang, everything=DEESCALATION in gone)
    compliance = max(0, 100 - sum(SEVERITY_PENALTY[v.severity] for v in kept))
    overall = round(WEIGHTS["compliance"] * compliance + WEIGHTS["nvc"] * nvc.score + WEIGHTS["deescalation"] * tone.score)
    ranked = sorted(kept, key=lambda v: -SEVERITY_RANK[v.severity])
    if ranked:
        overall = min(overall, SEVERITY_CAP[ranked[0].severity])
    summary_lang = lang if lang in LANGS else "en"
    rescored = replace(score, violations=kept, nvc=nvc, deescalation=tone, compliance=compliance, overall=int(overall),
                       summary=summarise(summary_lang, int(overall), ranked, nvc, tone))
    out = {**findings, **rescored.to_dict()}
    out["lang"], out["regime"] = findings.get("lang", out["lang"]), findings.get("regime", out["regime"])
    out["overturned"] = sorted(gone | set(findings.get("overturned") or ()))
    return out


def _tone_without(tone: DeescalationResult, categories: Set[str], lang: str, everything: bool) -> DeescalationResult:
    """The tone grade without the escalators an overturned violation added (or without any)."""
    labels = {CATEGORY_LABELS[c][lang] for c in categories if c in CATEGORY_LABELS and lang in LANGS}
    escalators = () if everything else tuple(e for e in tone.escalators if e not in labels)
    if escalators == tone.escalators:
        return tone
    polarity = -1 if escalators else (1 if tone.markers else 0)
    points = BASE_SCORE + MARKER_POINTS * len(tone.markers) - ESCALATOR_POINTS * len(escalators)
    points = min(points, 40) if polarity < 0 else (max(points, 65) if polarity > 0 else points)
    return DeescalationResult(polarity, max(0, min(100, points)), tone.markers, escalators)


def session_turns(turn_rows: Sequence[Mapping[str, Any]], lang: str) -> List[SessionTurn]:
    """The graded transcript from the store: each turn's grade is the findings logged with it (the
    scorer runs once per turn), so the report card reflects exactly what the trainee was told."""
    turns: List[SessionTurn] = []
    debtor_said: Optional[str] = None
    anger_before: Optional[float] = None
    for row in turn_rows:
        state = row.get("state") or {}
        anger_after = state.get("anger")
        text = (row.get("trainee_text") or "")[:MAX_SCORED_CHARS]
        findings = row.get("findings")
        if row.get("turn_no", 0) > 0 and findings:
            turns.append(SessionTurn(text=text, lang=lang, score=ReplyScore.from_dict(findings, text),
                                     intent=row.get("intent"), debtor_said=debtor_said,
                                     anger_before=anger_before, anger_after=anger_after))
        debtor_said = row.get("debtor_reply")
        anger_before = anger_after
    return turns


def rescore_session(turn_rows: Sequence[Mapping[str, Any]], context: Optional[SessionContext],
                    overturned: Mapping[int, Iterable[str]]) -> Tuple[Dict[int, Dict[str, Any]], Optional[Dict[str, Any]]]:
    """Each turn's findings with its overturns applied, and the session's report card recomputed
    (None when `context` is None: a session still under way has no report card yet).

    `turn_rows` carry the grader's original findings; `overturned` maps turn number (0: the
    session's own checks) to the finding ids taken back.
    """
    lang = context.lang if context is not None else "en"
    effective: Dict[int, Dict[str, Any]] = {}
    rows = []
    for row in turn_rows:
        findings = row.get("findings")
        gone = set(overturned.get(row.get("turn_no"), ()))
        if findings and gone:
            findings = apply_overturns(findings, gone, lang)
            effective[row["turn_no"]] = findings
        rows.append({**row, "findings": findings})
    if context is None:
        return effective, None
    checks = frozenset(overturned.get(SESSION_TURN, ()))
    report = score_session(session_turns(rows, lang), replace(context, overturned=checks)).to_dict()
    report["overturned"] = sorted(f"{turn}:{finding}" for turn, ids in overturned.items() for finding in ids)
    return effective, report


def review_thresholds(rules_dir: Optional[Path] = None) -> List[Dict[str, Any]]:
    """Every disputable finding id with the overturn rate past which it is flagged for review, from
    its rule pack's `dispute_review` (ids both packs share take the stricter of the two)."""
    limits: Dict[str, Tuple[float, int]] = {}
    for regime in REGIMES:
        pack = rule_pack(regime, rules_dir)
        limit = (pack.dispute_review.max_overturn_rate, pack.dispute_review.min_rulings)
        ids = [rule.id for rule in pack.rules] + [rule.id for rule in pack.session_rules.values()]
        ids += [f"nvc.{part}" for part in NVC_PARTS] + [DEESCALATION, COMMITMENT, ARC]
        for finding in ids:
            limits[finding] = min(limits.get(finding, limit), limit)
    return [{"finding": finding, "max_overturn_rate": rate, "min_rulings": minimum}
            for finding, (rate, minimum) in sorted(limits.items())]

