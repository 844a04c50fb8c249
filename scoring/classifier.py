"""The statistical second opinion: char n-gram TF-IDF + logistic regression over the tune split.

Patterns explain themselves but miss paraphrases; the model catches some of those. It only speaks
when no rule fired, it is confident, and the flagged clause holds a cue word of the category it names
(lexicon.yml, model_cues): word statistics alone once called a compliant opening ("this is Lena from
Harbor Bank") impersonation. Its findings say source "model" so a trainee knows the verdict is a
judgement rather than a matched phrase. It trains from the repository's tune split once
per process (deterministic: fixed solver, no randomness), in well under a second.
"""
from __future__ import annotations

import functools
import math
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

from scoring.compliance import make_violation
from scoring.cues import nvc_cues
from scoring.modelcues import model_cues
from scoring.rulepack import RulePack
from scoring.text import Clauses

NONE_LABEL = "none"
# Chosen by 5-fold cross-validation on the tune split: above this probability the detector's
# false-alarm rate on clean replies stays low, so the model adds recall on paraphrases without
# costing much precision.
CONFIDENCE = 0.85
NGRAMS = (1, 3)
C = 20.0
# When the likeliest category lacks its cue, a less likely one whose cue is present may be named
# instead, but only if the categoriser gives it at least this much weight.
FALLBACK_PROBABILITY = 0.15
_lock = threading.Lock()


@dataclass(frozen=True)
class LinearTextModel:
    """A fitted char n-gram TF-IDF + logistic regression, copied out of sklearn into plain tuples.

    Scoring one short reply through sklearn costs ~0.3 ms of overhead; this pure-Python replay of
    the same arithmetic (sublinear tf, idf, l2 norm, linear scores, softmax) costs tens of microseconds.
    """

    vocabulary: Dict[str, int]
    idf: Tuple[float, ...]
    classes: Tuple[str, ...]
    coef: Tuple[Tuple[float, ...], ...]  # one row per class (one row in total for a binary model)
    intercept: Tuple[float, ...]
    ngram_range: Tuple[int, int]

    @functools.cached_property
    def _terms(self) -> Dict[str, Tuple[float, Tuple[float, ...]]]:
        """n-gram -> (idf, one weight per class row): one dict look-up per distinct n-gram."""
        columns = list(zip(*self.coef))
        return {term: (self.idf[index], columns[index]) for term, index in self.vocabulary.items()}

    @functools.cached_property
    def _binary_terms(self) -> Dict[str, Tuple[float, float]]:
        return {term: (self.idf[index], self.coef[0][index]) for term, index in self.vocabulary.items()}

    def probabilities(self, text: str) -> Dict[str, float]:
        if len(self.coef) == 1:  # sklearn keeps one row for binary problems: P(class 1) = sigmoid
            positive = self._positive(text)
            return {self.classes[0]: 1.0 - positive, self.classes[1]: positive}
        terms = self._terms
        rows = len(self.coef)
        dots = [0.0] * rows
        squares = 0.0
        for gram, count in char_ngrams(text, self.ngram_range).items():
            entry = terms.get(gram)
            if entry is None:
                continue
            weight = (1.0 + math.log(count)) * entry[0] if count > 1 else entry[0]
            squares += weight * weight
            column = entry[1]
            for row in range(rows):
                dots[row] += column[row] * weight
        norm = math.sqrt(squares) or 1.0
        scores = [bias + dot / norm for dot, bias in zip(dots, self.intercept)]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.classes, exps)}


    def _positive(self, text: str) -> float:
        terms = self._binary_terms
        dot = squares = 0.0
        for gram, count in char_ngrams(text, self.ngram_range).items():
            entry = terms.get(gram)
            if entry is not None:
                weight = entry[0] if count == 1 else (1.0 + math.log(count)) * entry[0]
                squares += weight * weight
                dot += entry[1] * weight
        score = self.intercept[0] + dot / (math.sqrt(squares) or 1.0)
        return 1.0 / (1.0 + math.exp(-score))


def char_ngrams(text: str, ngram_range: Tuple[int, int]) -> Counter:
    """sklearn's char_wb analyzer: lower-case, split on whitespace, pad each word with spaces."""
    low, high = ngram_range
    grams: List[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        length = len(padded)
        for n in range(low, min(high, length) + 1):
            grams.extend([padded[start : start + n] for start in range(length - n + 1)])
    return Counter(grams)


@dataclass(frozen=True)
class ViolationModel:
    """Stage 1 says whether a clause breaks a rule at all; stage 2 says which category."""

    detector: LinearTextModel
    categoriser: LinearTextModel

    def violation_probability(self, text: str) -> float:
        return self.detector.probabilities(text).get("violation", 0.0)

    def category(self, text: str) -> str:
        categories = self.categoriser.probabilities(text)
        return max(categories, key=categories.get)


def _fit(texts, labels, class_weight) -> LinearTextModel:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=NGRAMS, sublinear_tf=True, lowercase=True)
    matrix = vectorizer.fit_transform(texts)
    classifier = LogisticRegression(C=C, max_iter=3000, solver="liblinear", class_weight=class_weight, random_state=0)
    classifier.fit(matrix, labels)
    return LinearTextModel(
        vocabulary={term: int(index) for term, index in vectorizer.vocabulary_.items()},
        idf=tuple(float(value) for value in vectorizer.idf_),
        classes=tuple(str(label) for label in classifier.classes_),
        coef=tuple(tuple(float(value) for value in row) for row in classifier.coef_),
        intercept=tuple(float(value) for value in classifier.intercept_),
        ngram_range=NGRAMS,
    )


@functools.lru_cache(maxsize=1)
def trained_model() -> ViolationModel:
    """Train once per process from data/eval/scoring/tune.jsonl (never from the test split)."""
    with _lock:
        from scoring.dataset import load_split

        records = load_split("tune")
        texts = [record.text for record in records]
        detector = _fit(texts, ["violation" if r.violations else NONE_LABEL for r in records], "balanced")
        violating = [r for r in records if r.violations]
        categoriser = _fit([r.text for r in violating], [r.violations[0] for r in violating], None)
        # Build the per-n-gram tables now, so the first trainee reply does not pay for them.
        detector._binary_terms, categoriser._terms  # noqa: B018
        return ViolationModel(detector, categoriser)


def model_violation(text: str, lang: str, pack: RulePack, clauses: Clauses):
    """A model finding for the most suspicious clause, or None when the model is not confident."""
    cues = model_cues()
    model = trained_model()
    nvc = nvc_cues()
    calming = (nvc.components["need"][lang], nvc.components["feeling"][lang])
    best: Optional[Tuple[float, Tuple[int, int]]] = None
    spans = clauses.spans if len(clauses.spans) > 1 else [(0, len(text))]
    for start, end in spans:
        piece = text[start:end]
        if not piece.strip():
            continue
        # A clause that states a need or names a feeling is the trainee doing the right thing; the
        # model's word statistics ("hurting your budget") must not turn it into a finding.
        if any(pattern.search(text, start, end) for pattern in calming):
            continue
        probability = model.violation_probability(piece)
        if best is None or probability > best[0]:
            best = (probability, (start, end))
    if best is None or best[0] < CONFIDENCE:
        return None
    _, (start, end) = best
    critical = {rule.category for rule in pack.rules if rule.severity == "critical"}
    category = _cued_category(model.categoriser.probabilities(text[start:end]), critical, cues, lang, text, start, end)
    if category is None:
        return None
    # The rules' exceptions name lawful context for their category ("don't take out a payday loan",
    # "the bank may sue"); where one of them holds in the clause, the model may not overrule it. Rules
    # that wait for a debtor's words have exceptions about that exchange only, so they do not count.
    for rule in pack.rules:
        exception = rule.exceptions[lang] if rule.category == category and rule.debtor_trigger is None else None
        if exception is not None and exception.search(text, start, end):
            return None
    rule = next((rule for rule in pack.rules if rule.category == category and rule.debtor_trigger is None), None)
    if rule is None:
        return None
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return make_violation(rule, lang, text[start:end], (start, end), "model")


def _cued_category(probabilities: Dict[str, float], critical, cues, lang: str, text: str, start: int, end: int) -> Optional[str]:
    """The likeliest category the model may name: a critical one only with its cue words in the clause.

    When the likeliest is ruled out, the next may stand in only with real weight of its own.
    """
    ranked = sorted(probabilities, key=probabilities.get, reverse=True)
    for rank, category in enumerate(ranked):
        if rank > 0 and probabilities[category] < FALLBACK_PROBABILITY:
            return None
        if category not in critical or cues[category][lang].search(text, start, end):
            return category
    return None
