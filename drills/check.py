"""What the scorer says about a drill line: the flaw an item claims, checked in `dojo validate`, and
the grade of a trainee's rewrite.

"Exactly the flaw it claims" means, per kind:
- violation: the scorer finds violations of that category and of no other;
- nvc: no violation, and that NVC part is the only one of the four missing;
- tone: no violation, and the tone escalates (polarity −1);
- disclosure: no violation, and the opening lacks at least one item the rule pack requires.
A rewrite (and every `better` line) passes when the flaw is gone and no violation is left.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

from drills.bank import NVC_PARTS, DrillBank, DrillItem
from foundation.vocab import LANGUAGES
from scoring import ReplyScore, score_reply
from scoring.rulepack import rule_pack

DEFAULT_REGIME = {"zh": "cn", "en": "us"}


@dataclass(frozen=True)
class DrillGrade:
    """One graded rewrite: passed when the claimed flaw is gone and nothing new is wrong."""

    item_id: str
    topic: str
    lang: str
    rewrite: str
    passed: bool
    flaw_fixed: bool
    overall: int
    violations: Tuple[str, ...]  # categories the rewrite still carries
    missing_nvc: Tuple[str, ...]
    polarity: int
    summary: str
    better: str
    findings: dict

    def to_dict(self) -> dict:
        return {"item": self.item_id, "topic": self.topic, "lang": self.lang, "rewrite": self.rewrite,
                "passed": self.passed, "flaw_fixed": self.flaw_fixed, "overall": self.overall,
                "violations": list(self.violations), "missing_nvc": list(self.missing_nvc),
                "polarity": self.polarity, "summary": self.summary, "better": self.better}


def _score(text: str, lang: str, debtor: Optional[str]) -> ReplyScore:
    return score_reply(text, lang, DEFAULT_REGIME[lang], debtor)


def missing_disclosure(text: str, lang: str) -> Tuple[str, ...]:
    """Disclosure items of the rule pack a single opening line leaves out."""
    pack = rule_pack(DEFAULT_REGIME[lang])
    return tuple(item.id for item in pack.disclosure
                 if item.evidence.get(lang) is None or not item.evidence[lang].search(text))


def flaws(item: DrillItem, text: str, lang: str, score: Optional[ReplyScore] = None) -> Tuple[bool, bool, ReplyScore]:
    """(has the claimed flaw, has exactly that flaw and nothing the scorer names besides, score)."""
    score = score or _score(text, lang, item.in_lang(lang).debtor)
    categories = {v.category for v in score.violations}
    topic = item.topic
    if item.kind == "violation":
        return topic in categories, categories == {topic}, score
    if item.kind == "nvc":
        part = topic.split(".", 1)[1]
        missing = set(score.nvc.missing)
        return part in missing, not categories and missing == {part}, score
    if item.kind == "tone":
        escalates = score.deescalation.polarity < 0
        return escalates, escalates and not categories, score
    lacking = missing_disclosure(text, lang)
    return bool(lacking), bool(lacking) and not categories, score


def item_flaw(item: DrillItem, lang: str) -> Optional[str]:
    """None when the item's collector line has exactly its claimed flaw and its better line none;
    else what is wrong, for `dojo validate`."""
    lines = item.in_lang(lang)
    has, exact, score = flaws(item, lines.collector, lang)
    if not exact:
        found = ", ".join(sorted({v.category for v in score.violations})) or "no violation"
        return (f"{item.where} {item.id} [{lang}] collector line does not have exactly the flaw {item.topic}: "
                f"scorer found {found}; NVC missing {', '.join(score.nvc.missing) or 'nothing'}; "
                f"tone {score.deescalation.polarity:+d}")
    grade = grade_rewrite(item, lang, lines.better)
    if not grade.passed:
        return (f"{item.where} {item.id} [{lang}] better line does not pass: violations "
                f"{', '.join(grade.violations) or 'none'}; NVC missing {', '.join(grade.missing_nvc) or 'nothing'}; "
                f"tone {grade.polarity:+d}")
    return None


def bank_problems(bank: DrillBank) -> List[str]:
    """Every item the scorer disagrees with, in both languages; empty when the bank is sound."""
    problems = []
    for item in bank.items():
        for lang in LANGUAGES:
            problem = item_flaw(item, lang)
            if problem:
                problems.append(problem)
    return problems


def grade_rewrite(item: DrillItem, lang: str, rewrite: str) -> DrillGrade:
    """Grade a trainee's rewrite of the item's collector line in that language."""
    lines = item.in_lang(lang)
    score = _score(rewrite, lang, lines.debtor)
    has, _, _ = flaws(item, rewrite, lang, score)
    categories = tuple(sorted({v.category for v in score.violations}))
    passed = not has and not categories
    return DrillGrade(item.id, item.topic, lang, rewrite, passed, not has, score.overall, categories,
                      tuple(score.nvc.missing), score.deescalation.polarity, score.summary, lines.better,
                      score.to_dict())


__all__ = ["DrillGrade", "grade_rewrite", "item_flaw", "bank_problems", "flaws", "missing_disclosure", "NVC_PARTS"]
