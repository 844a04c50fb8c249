"""The statistical judge: per-unit probabilities from the trained heads, and what they decide.

Detection does not wait for a rule or a cue word: the models read every clause (and the whole
reply) and decide whether it breaks a rule, which NVC parts it holds and whether it escalates or
calms. Cue matches are among their features, so a rule's pattern is strong evidence but neither
necessary nor sufficient. Rules stay the explainers: when a pattern matched, its finding (rule id,
words, citation, better phrasing) is what the trainee sees; when nothing matched, the model's
finding stands on its own with the clause it judged as evidence, ``source: "model"``, and the
first rule of its category in the regime's pack for citation and advice.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from scoring.compliance import make_violation
from scoring.linear import sigmoid
from scoring.reading import Reading, Span
from scoring.results import Violation
from scoring.rulepack import RulePack
from scoring.categories import REPLY_CATEGORIES
from scoring.training import CLAUSE_ONLY, DECISIONS, HEADS, Grader, live_grader


# A rule finding stands unless the models find the reply clean with some confidence: the rule
# authors' patterns add recall on the phrasings they wrote for, but a pattern cannot read negation
# or a lawful mention ("we'd never want you to take a payday loan", 滞纳金 in an accurate payoff
# figure), and below this probability the models are right about such look-alikes far more often
# than the pattern. Re-chosen on stop 15's thirty folds (docs/scoring.md, "The rule veto and the
# calming margin, re-chosen"): 0.1 -> 0.25 raised mean precision 0.927 / 0.937 -> 0.940 / 0.939
# (zh / en) at the same worst recall; 0.3 and above began to cost zh recall.
RULE_VETO = 0.25
_CATEGORY_INDEX = tuple(HEADS.index(category) for category in REPLY_CATEGORIES)
_CLAUSE_ONLY_INDEX = frozenset(HEADS.index(head) for head in CLAUSE_ONLY)


@dataclass(frozen=True)
class Judgement:
    """The models' reading of one reply."""

    maxima: Dict[str, float]  # per head, the highest probability over the reply's units
    decided: Dict[str, bool]  # per head, maxima against the grader's thresholds
    suspect: Span  # the clause the violation head found most suspicious
    categories: Tuple[Tuple[str, float], ...]  # ranked, when a violation is decided
    polarity: int = 0
    violation_margin: float = 0.0  # how far the violation maximum clears its threshold


def judge(reading: Reading, grader: Optional[Grader] = None) -> Judgement:
    grader = grader or live_grader()
    heads = grader.heads
    categories_at = _CATEGORY_INDEX
    clause_count = len(reading.clauses)
    # Maxima are taken on raw scores (the sigmoid is monotonic) and turned into probabilities once.
    best_raw = None
    best_clause: Tuple[float, Span] = (float("-inf"), reading.clauses[0])
    for index, (span, counts) in enumerate(zip(reading.units, reading.features)):
        raw = heads.scores(counts)
        if index < clause_count:
            violation = max([raw[i] for i in categories_at])
            if violation > best_clause[0]:
                best_clause = (violation, span)
        else:  # the whole reply: NVC parts are decided on clauses alone (training.CLAUSE_ONLY)
            raw = tuple(float("-inf") if i in _CLAUSE_ONLY_INDEX else value for i, value in enumerate(raw))
        best_raw = raw if best_raw is None else tuple(map(max, best_raw, raw))
    maxima = {head: sigmoid(value) for head, value in zip(heads.heads, best_raw)}
    maxima["violation"] = max(maxima[c] for c in REPLY_CATEGORIES)
    thresholds = grader.thresholds
    decided = {head: maxima[head] >= thresholds.get(f"{head}:{reading.lang}", thresholds.get(head, 0.5)) for head in DECISIONS}

    categories: Tuple[Tuple[str, float], ...] = ()
    if decided["violation"]:
        # Ranked by each category's highest probability over the units: the clause that convinced
        # its head names it, and a violation spread over two clauses still gets one category.
        categories = tuple(sorted(((c, maxima[c]) for c in REPLY_CATEGORIES), key=lambda item: (-item[1], item[0])))
    polarity = -1 if decided["escalating"] else (1 if decided["calming"] else 0)
    threshold = thresholds.get(f"violation:{reading.lang}", thresholds.get("violation", 0.5))
    return Judgement(maxima, decided, best_clause[1], categories, polarity, maxima["violation"] - threshold)


def model_violation(judgement: Judgement, reading: Reading, lang: str, pack: RulePack) -> Optional[Violation]:
    """The model's own finding: its likeliest category, cited by that category's first rule in the pack."""
    if not judgement.categories:
        return None
    category = judgement.categories[0][0]
    rule = next((r for r in pack.rules if r.category == category and r.debtor_trigger is None), None)
    if rule is None:
        return None
    start, end = judgement.suspect
    text = reading.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return make_violation(rule, lang, text[start:end], (start, end), "model")


# A reply the tone head reads as calming (and not escalating) gets a model-only finding only when
# the violation head clears its threshold by this much: two heads that disagree are a guess, and on
# lawful look-alikes ("I understand evenings are for your kids", "please don't take a payday loan")
# the guess was wrong far more often than right. Leave-one-author-out, 2026-11-29 (docs/scoring.md):
# mean precision 0.904 / 0.914 → 0.921 / 0.933 (zh / en), worst fold 0.688 / 0.767 → 0.750 / 0.829,
# mean recall 0.977 / 0.929 → 0.974 / 0.922. A margin of 0.1 kept less precision for the same
# recall; no margin (every calming reply vetoed) cost blind s04 en recall 0.722 → 0.685.
# Re-chosen with the rule veto on stop 15's thirty folds: 0.35 kept the worst recall of 0.25 and
# raised mean precision by 0.004 in each language; 0.4 and above cost en recall.
CALM_MARGIN = 0.35


def decide_violations(judgement: Judgement, reading: Reading, lang: str, pack: RulePack, rule_findings: List[Violation]) -> List[Violation]:
    """Rule findings explain a violation the model detected; the model's finding stands when no rule
    names its category, unless the reply reads as calming and the finding is not clear (CALM_MARGIN).

    Findings of rules that wait for the debtor's words (a cease request, a lawyer) always stand: they
    judge the exchange, which the models do not see in full.
    """
    contextual = {rule.id for rule in pack.rules if rule.debtor_trigger is not None}
    if judgement.maxima["violation"] < RULE_VETO:
        return [v for v in rule_findings if v.rule in contextual]
    kept = list(rule_findings)
    if not judgement.decided["violation"]:
        return kept
    if judgement.polarity == 1 and judgement.violation_margin < CALM_MARGIN:
        return kept
    top = judgement.categories[0][0] if judgement.categories else None
    if top is not None and all(v.category != top for v in kept):
        finding = model_violation(judgement, reading, lang, pack)
        if finding is not None:
            kept.append(finding)
    return kept
