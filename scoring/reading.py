"""How the graders read one reply: its clauses, the cues found in each, and the features of each unit.

Training (scoring.training) and scoring (scoring.classifier) both read a reply through ``read`` so
the models see at scoring time exactly what they saw when they were fitted.

A *unit* is what a model judges: every clause, and the whole reply when it has more than one clause.
Labels are given per reply, so a reply is a bag of units (see scoring.training for how the bag is
turned into clause-level training instances); at scoring time a part or a violation is present when
any unit carries it (the maximum over units).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import List, Optional, Tuple

from scoring.cues import NVC_COMPONENTS, nvc_cues, tone_cues
from scoring.linear import text_features
from scoring.modelcues import model_cues
from scoring.rulepack import RulePack
from scoring.text import Clauses
from scoring.tone import is_shouting

Span = Tuple[int, int]
WHOLE = "u:whole"


@dataclass(frozen=True)
class Cue:
    """One cue match: its feature name and where it is (in the normalised text)."""

    name: str
    span: Span


@dataclass(frozen=True)
class Reading:
    text: str  # normalised
    lang: str
    clauses: Tuple[Span, ...]
    cues: Tuple[Cue, ...]
    units: Tuple[Span, ...]  # the clauses, then the whole reply when there are several
    features: Tuple[Counter, ...]  # one per unit
    # Per rule (pack order, rules without a debtor trigger), its first match no exception excused:
    # the rule findings scoring reports, found in the same pass as the cue features.
    rule_matches: Tuple[Tuple[object, Span], ...] = ()


def read(text: str, lang: str, pack: RulePack, debtor_said: Optional[str] = None) -> Reading:
    """Clauses, cue matches and unit features of a normalised reply."""
    clauses = Clauses(text)
    spans = [span for span in clauses.spans if text[span[0] : span[1]].strip()] or [(0, len(text))]
    rule_matches: List[Tuple[object, Span]] = []
    cues = find_cues(text, lang, pack, debtor_said, clauses, rule_matches)
    reply_level = [cue.name for cue in cues if cue.span == (0, 0)]
    units: List[Span] = list(spans)
    features = []
    for start, end in spans:
        inside = [cue.name for cue in cues if start <= cue.span[0] < end and cue.span != (0, 0)]
        features.append(text_features(text[start:end], inside + reply_level))
    if len(spans) > 1:
        units.append((0, len(text)))
        features.append(text_features(text, [cue.name for cue in cues] + [WHOLE]))
    return Reading(text, lang, tuple(spans), tuple(cues), tuple(units), tuple(features), tuple(rule_matches))


def find_cues(text: str, lang: str, pack: RulePack, debtor_said: Optional[str], clauses: Clauses, rule_matches: Optional[list] = None) -> List[Cue]:
    """Every rule, NVC and tone cue match; reply-level facts (shouting, a cease request) sit at (0, 0).

    `rule_matches`, when given, collects each rule's first unexcused match.
    """
    found: List[Cue] = []
    for rule in pack.rules:
        evidence = rule.evidence[lang]
        if evidence is None or rule.debtor_trigger is not None:
            continue
        exception = rule.exceptions[lang]
        for match in evidence.finditer(text):
            if match.end() == match.start():
                continue
            clause = clauses.around(match.start(), match.end())
            excused = exception is not None and exception.search(text, clause[0], clause[1])
            found.append(Cue(("rx:" if excused else "r:") + rule.category, (match.start(), match.end())))
            if not excused and rule_matches is not None and (not rule_matches or rule_matches[-1][0] is not rule):
                rule_matches.append((rule, (match.start(), match.end())))
    # The broad cue words of each category (lexicon.yml, model_cues): once a guard the model had to
    # pass, now evidence it weighs like any other feature.
    for category, per_lang in model_cues().items():
        for match in per_lang[lang].finditer(text):
            found.append(Cue("m:" + category, (match.start(), match.end())))
    nvc = nvc_cues()
    for part in NVC_COMPONENTS:
        for match in nvc.components[part][lang].finditer(text):
            found.append(Cue("n:" + part, (match.start(), match.end())))
    for name, patterns in (("n:judging", nvc.evaluation), ("n:dismissed", nvc.not_feeling), ("n:proposal", nvc.proposal)):
        for match in patterns[lang].finditer(text):
            found.append(Cue(name, (match.start(), match.end())))
    tone = tone_cues()
    for sign, group in (("t+:", tone.markers), ("t-:", tone.escalators)):
        for cue in group:
            for match in cue.patterns[lang].finditer(text):
                found.append(Cue(sign + cue.id, (match.start(), match.end())))
    if is_shouting(text):
        found.append(Cue("t-:shouting", (0, 0)))
    if debtor_said and any(pattern is not None and pattern.search(debtor_said) for pattern in pack.debtor_cease.values()):
        found.append(Cue("d:cease", (0, 0)))
    return found
