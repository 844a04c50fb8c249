"""The graders' features and the pure-Python replay of their linear models.

Training happens once with scikit-learn (scoring.training); scoring replays the same arithmetic
with one dictionary look-up per distinct feature, so the action server never imports sklearn and a
short reply costs tens of microseconds. The feature function below is the *only* one: training
hands it to sklearn as the analyzer, so what is learnt and what is replayed cannot drift apart.

Features of one piece of text (a clause, or a whole reply):
* character n-grams (2-4, plus single CJK characters) inside each whitespace token, padded with a
  space like sklearn's char_wb, after lower-casing and turning every number into "0" (an amount is
  an amount whoever writes it: 1500, 1,500.00, 15号);
* Latin word unigrams and bigrams ("w:", "b:"), so "come get u" and "come get you" share "b:come get";
* cue features ("r:", "n:", "t:", "d:" prefixes) handed in by the caller: which rule packs' evidence,
  NVC cues and tone cues matched inside the piece. They let the models use what the rule authors
  knew without depending on it: a paraphrase with no cue is judged on its words alone.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from operator import add, mul
from typing import Dict, Iterable, List, Sequence, Tuple

_NUMBER = re.compile(r"\d+(?:[,.]\d+)*")
_LATIN_WORD = re.compile(r"[a-z][a-z']*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def text_features(text: str, cues: Iterable[str] = ()) -> Counter:
    """The feature counts of one piece of text plus its cue features (see the module docstring)."""
    low = _NUMBER.sub("0", text.lower())
    grams: List[str] = []
    for word in low.split():
        padded = f" {word} "
        length = len(padded)
        for n in (2, 3, 4):
            if n <= length:
                grams.extend([padded[start : start + n] for start in range(length - n + 1)])
    grams.extend(_CJK.findall(low))
    words = _LATIN_WORD.findall(low)
    if words:
        grams.extend(["w:" + word for word in words])
        grams.extend(["b:" + first + " " + second for first, second in zip(words, words[1:])])
    grams.extend(cues)
    return Counter(grams)


@dataclass(frozen=True)
class LinearHeads:
    """Several linear models over one TF-IDF space (sublinear tf, idf, l2 norm), replayed in pure Python.

    Each feature maps to one tuple holding idf x weight for every head, so scoring a piece of text is
    one look-up per distinct feature and one C-level vector add. Binary heads give sigmoid
    probabilities; a multinomial head set (``softmax=True``) gives one distribution over ``heads``.
    """

    heads: Tuple[str, ...]
    idf: Dict[str, float]
    weights: Dict[str, Tuple[float, ...]]  # feature -> idf * coefficient, one per head
    intercepts: Tuple[float, ...]
    softmax: bool = False
    _zero: Tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_zero", tuple(0.0 for _ in self.heads))

    def scores(self, counts: Counter) -> Tuple[float, ...]:
        """The heads' raw linear scores for one feature Counter."""
        weights = self.weights
        idf = self.idf
        dots = self._zero
        squares = 0.0
        for feature, count in counts.items():
            column = weights.get(feature)
            if column is None:
                continue
            if count == 1:
                value = idf[feature]
                dots = tuple(map(add, dots, column))
            else:
                tf = 1.0 + math.log(count)
                value = tf * idf[feature]
                dots = tuple(map(add, dots, map(mul, column, (tf,) * len(column))))
            squares += value * value
        norm = math.sqrt(squares) or 1.0
        return tuple(bias + dot / norm for dot, bias in zip(dots, self.intercepts))

    def probabilities(self, counts: Counter) -> Dict[str, float]:
        raw = self.scores(counts)
        if self.softmax:
            top = max(raw)
            exps = [math.exp(score - top) for score in raw]
            total = sum(exps)
            return {head: value / total for head, value in zip(self.heads, exps)}
        return {head: _sigmoid(score) for head, score in zip(self.heads, raw)}


def _sigmoid(score: float) -> float:
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    exp = math.exp(score)
    return exp / (1.0 + exp)


def heads_from_sklearn(heads: Sequence[str], vocabulary: Dict[str, int], idf: Sequence[float], coefs, intercepts, softmax=False) -> LinearHeads:
    """Copy fitted sklearn arrays into plain dicts and tuples."""
    weights: Dict[str, Tuple[float, ...]] = {}
    idf_table: Dict[str, float] = {}
    for feature, index in vocabulary.items():
        # Every vocabulary feature stays, weighted or not: it still counts in the l2 norm.
        weights[feature] = tuple(float(row[index]) * float(idf[index]) for row in coefs)
        idf_table[feature] = float(idf[index])
    return LinearHeads(tuple(heads), idf_table, weights, tuple(float(b) for b in intercepts), softmax)
