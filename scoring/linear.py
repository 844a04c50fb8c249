"""The graders' features and the pure-Python replay of their linear models.

Training happens once with scikit-learn (scoring.training); scoring replays the same arithmetic
with one dictionary look-up per distinct feature, so the action server never imports sklearn and a
short reply costs tens of microseconds. The feature function below is the *only* one: training
hands it to sklearn as the analyzer, so what is learnt and what is replayed cannot drift apart.

Features of one piece of text (a clause, or a whole reply):
* character n-grams (2-4, plus single CJK characters) inside each whitespace token, padded with a
  space like sklearn's char_wb, after lower-casing and turning every number into "0" (an amount is
  an amount whoever writes it: 1500, 1,500.00, 15号);
* Latin word unigrams, bigrams and trigrams ("w:", "b:", "w3:"), so "come get u" and "come get you"
  share "b:come get", and a veiled phrase several authors use ("your manager is the next call",
  "out of my hands") is one feature, not two loose pairs;
* negation scope and agency: the words a negator governs ("ng:", up to four, to the next punctuation)
  and the words a first-person subject governs ("ag:", up to three); in Chinese the character pairs
  after 不/没/别/不会… ("z:") and after 我/我们 ("za:"). "We won't call your boss", "we'll call your
  boss" and "you can call your boss" share their n-grams; these say which one it was;
* cue features ("r:", "n:", "t:", "d:" prefixes) handed in by the caller: which rule packs' evidence,
  NVC cues and tone cues matched inside the piece. They let the models use what the rule authors
  knew without depending on it: a paraphrase with no cue is judged on its words alone.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Tuple

_NUMBER = re.compile(r"\d+(?:[,.]\d+)*")
_LATIN_WORD = re.compile(r"[a-z][a-z']*")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Negation scope: what a negator governs, up to the next punctuation or a few words on.
_EN_TOKEN = re.compile(r"[a-z][a-z']*|[,.;:!?]")
_EN_NEGATORS = frozenset({"not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "without", "cannot",
                          "wont", "dont", "cant"})  # and every word ending in n't
_ZH_SCOPE = re.compile(r"(?:绝不|从不|并不|不会|不要|不用|不必|没有|不|没|别|勿|未|毋|唔|冇)([\u3400-\u4dbf\u4e00-\u9fff]{1,6})")
NEGATION_WORDS = 4
# Agency: who is said to act. "we'll call your boss" and "you can call your boss" share their
# n-grams; the words a first-person subject governs get a feature of their own.
_EN_SELF = frozenset({"i", "we", "i'll", "we'll", "i'm", "we're", "i've", "we've", "i'd", "we'd", "our", "us"})
AGENCY_WORDS = 3
_ZH_SELF = re.compile(r"(?:我们|我司|本行|我)([\u3400-\u4dbf\u4e00-\u9fff]{1,5})")


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
    characters = _CJK.findall(low)
    grams.extend(characters)
    words = _LATIN_WORD.findall(low)
    if words:
        grams.extend(["w:" + word for word in words])
        grams.extend(["b:" + first + " " + second for first, second in zip(words, words[1:])])
        grams.extend(["w3:" + " ".join(words[i : i + 3]) for i in range(len(words) - 2)])
        grams.extend(_scoped_words(low))
    if characters:
        for pattern, prefix in ((_ZH_SELF, "za:"), (_ZH_SCOPE, "z:")):
            for match in pattern.finditer(low):
                scope = match.group(1)
                grams.extend([prefix + scope[start : start + 2] for start in range(max(1, len(scope) - 1))])
    grams.extend(cues)
    return Counter(grams)


def _scoped_words(low: str) -> List[str]:
    """'ng:' + each word a negator governs and 'ag:' + each word a first-person subject governs:
    "won't call your boss", "we'll call your boss" and "you can call your boss" share their n-grams,
    so the models need features that say which of them the call was negated in, and who acts."""
    out: List[str] = []
    negated = governed = 0
    for token in _EN_TOKEN.findall(low):
        if not token[0].isalpha():
            negated = governed = 0
            continue
        if token in _EN_NEGATORS or (token.endswith("n't") and len(token) > 3):
            negated = NEGATION_WORDS
        elif negated:
            out.append("ng:" + token)
            negated -= 1
        if token in _EN_SELF:
            governed = AGENCY_WORDS
        elif governed:
            out.append("ag:" + token)
            governed -= 1
    return out


@dataclass(frozen=True)
class LinearHeads:
    """Several linear models over one TF-IDF space (sublinear tf, idf, l2 norm), replayed in pure Python.

    Each feature maps to its idf and one tuple holding idf x weight for every head, so scoring a
    piece of text is one look-up per distinct feature and a C-level column sum. Binary heads give sigmoid
    probabilities; a multinomial head set (``softmax=True``) gives one distribution over ``heads``.
    """

    heads: Tuple[str, ...]
    table: Dict[str, Tuple[float, Tuple[float, ...], float]]  # feature -> (idf, idf * coefficient per head, idf²)
    intercepts: Tuple[float, ...]
    softmax: bool = False

    def scores(self, counts: Counter) -> Tuple[float, ...]:
        """The heads' raw linear scores for one feature Counter.

        The columns of the features present are gathered, then summed head by head with zip/sum,
        so the per-head arithmetic runs in C rather than in a Python loop.
        """
        get = self.table.get
        columns = []
        append = columns.append
        squares = 0.0
        for feature, count in counts.items():
            entry = get(feature)
            if entry is None:
                continue
            if count == 1:
                append(entry[1])
                squares += entry[2]
            else:
                tf = 1.0 + math.log(count)
                append([tf * weight for weight in entry[1]])
                squares += tf * tf * entry[2]
        if not columns:
            return self.intercepts
        norm = math.sqrt(squares) or 1.0
        return tuple(bias + dot / norm for dot, bias in zip(map(sum, zip(*columns)), self.intercepts))

    def probabilities(self, counts: Counter) -> Dict[str, float]:
        raw = self.scores(counts)
        if self.softmax:
            top = max(raw)
            exps = [math.exp(score - top) for score in raw]
            total = sum(exps)
            return {head: value / total for head, value in zip(self.heads, exps)}
        return {head: sigmoid(score) for head, score in zip(self.heads, raw)}


def sigmoid(score: float) -> float:
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    exp = math.exp(score)
    return exp / (1.0 + exp)


def heads_from_sklearn(heads: Sequence[str], vocabulary: Dict[str, int], idf: Sequence[float], coefs, intercepts, softmax=False) -> LinearHeads:
    """Copy fitted sklearn arrays into plain dicts and tuples."""
    table: Dict[str, Tuple[float, Tuple[float, ...], float]] = {}
    for feature, index in vocabulary.items():
        # Every vocabulary feature stays, weighted or not: it still counts in the l2 norm.
        value = float(idf[index])
        table[feature] = (value, tuple(float(row[index]) * value for row in coefs), value * value)
    return LinearHeads(tuple(heads), table, tuple(float(b) for b in intercepts), softmax)
