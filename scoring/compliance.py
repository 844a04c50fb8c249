"""Rule-based compliance grading: every finding names its rule, quotes its words and gives their span."""
from __future__ import annotations

from typing import List, Optional

from scoring.results import Violation
from scoring.rulepack import Rule, RulePack
from scoring.text import Clauses


def rule_violations(
    text: str, lang: str, pack: RulePack, debtor_said: Optional[str], clauses: Clauses, contextual_only: bool = False
) -> List[Violation]:
    """One violation per rule whose evidence matches outside an exception in the same clause.

    `contextual_only`: only the rules that wait for the debtor's words (scoring.reading has found
    the others' matches already).
    """
    found = []
    for rule in pack.rules:
        if contextual_only and rule.debtor_trigger is None:
            continue
        if rule.debtor_trigger is not None:
            trigger = rule.debtor_trigger[lang]
            if not debtor_said or trigger is None or not _any_lang_match(rule.debtor_trigger, debtor_said):
                continue
        violation = _first_match(rule, text, lang, clauses)
        if violation is not None:
            found.append(violation)
    return found


def _any_lang_match(patterns, text: str) -> bool:
    """The debtor may answer in either language, whatever the trainee writes in."""
    return any(pattern is not None and pattern.search(text) for pattern in patterns.values())


def _first_match(rule: Rule, text: str, lang: str, clauses: Clauses) -> Optional[Violation]:
    evidence = rule.evidence[lang]
    if evidence is None:
        return None
    exception = rule.exceptions[lang]
    for match in evidence.finditer(text):
        if match.end() == match.start():
            continue
        if exception is not None:
            clause_start, clause_end = clauses.around(match.start(), match.end())
            if exception.search(text, clause_start, clause_end):
                continue
        return make_violation(rule, lang, text[match.start() : match.end()], (match.start(), match.end()), "rule")
    return None


def make_violation(rule: Rule, lang: str, evidence: str, span, source: str) -> Violation:
    return Violation(
        category=rule.category,
        rule=rule.id,
        severity=rule.severity,
        evidence=evidence,
        span=(int(span[0]), int(span[1])),
        source=source,
        citation=rule.citation.get(lang),
        advice=rule.better.get(lang),
        explanation=rule.explanation.get(lang),
    )
