"""Training the graders' models from labelled authoring passes, cached on disk by the data's hash.

What is learnt (all over one TF-IDF space of scoring.linear features, logistic regression):

* one binary head per reply category (one-vs-rest: a threat, an invented fee and a question about a
  sister's income share no single direction, so one "violation" detector would have to learn them
  all at once), four for the NVC parts, ``escalating`` (polarity -1) and ``calming`` (polarity +1),
  all judged per unit (clause or whole reply). A reply breaks a rule when some category head clears
  the violation threshold; the likeliest category names it.

Labels are per reply, decisions per clause: a multiple-instance problem. A reply is a bag of units
(its clauses, and itself when it has several). A bag labelled negative makes every unit a negative
instance, which is where hard negatives teach the most: each lawful clause of a long reply is one.
A bag labelled positive contributes the whole reply, and, after a first fit, the one clause the
model finds most positive (one MI-SVM step), so a long reply with one bad clause teaches that
clause and not its lawful neighbours. Two exceptions follow the labelling guide: an ask inside a
reply that breaks a rule is not a request *because of the threat*, so such a reply's clauses are
no negatives for ``request``; a reply labelled -1 may still hold a calming move, so it teaches
``calming`` nothing; and a reply that is harassment because the debtor had asked to stop teaches
``harassment`` nothing (the packs' contextual rules judge that exchange).

Thresholds are chosen on out-of-fold probabilities, folds grouped by author, so a threshold is
never fitted on the author it is then applied to. Each author stays in one half whatever else a
grader is fitted on, which lets the evaluation's folds share the model of the half they keep whole.

scikit-learn is imported inside the fitting functions only: scoring never needs it once a model is
cached, and the action server must not pay for the import.
"""
from __future__ import annotations

import functools
import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import pickle
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Sequence, Set, Tuple

import yaml

from foundation import paths
from foundation.normalize import normalize
from scoring.categories import REPLY_CATEGORIES
from scoring.dataset import BLIND, ENGINEER_PASS, LabelledReply, load_passes, pass_names
from scoring.linear import LinearHeads, heads_from_sklearn
from scoring.reading import Reading, read
from scoring.rulepack import rule_pack
from scoring.text import DEFAULT_REGIME
from scoring.tone import TONE_FREE_CATEGORIES

log = logging.getLogger(__name__)

NVC_HEADS = ("observation", "feeling", "need", "request")
HEADS = REPLY_CATEGORIES + NVC_HEADS + ("escalating", "calming")
# NVC parts are decided on clauses alone: a whole reply adds up weak hints from several clauses
# ("what happened?" + "a plan") into a part no clause holds (leave-one-author-out: +0.005 mean F1).
# The whole reply still teaches them as the positive bag.
CLAUSE_ONLY = NVC_HEADS
# Thresholds: "violation" applies to the highest category probability, the others to their own head.
DECISIONS = ("violation",) + NVC_HEADS + ("escalating", "calming")
# Bumped whenever features, bags or fitting change, so a cached model of another recipe is not reused.
RECIPE = "clause-mil-ovr-v18"
# Regularisation and author weighting, compared by leave-one-author-out (C 8 vs 20: equal within
# noise; equal author weights vs none: +0.01 mean recall and precision).
C_HEADS = 8.0
# liblinear's stopping tolerance (sklearn's default 1e-4). 1e-3 moves no probability by more than
# 0.0012 on a fold's heads and takes a quarter off liblinear's time: with fifty graders per
# evaluation, the difference between CI fitting in its time and not (stop 17, docs/scoring.md).
# The dual solver was no faster at full size (stop 18).
TOLERANCE = 1e-3
WEIGH_AUTHORS = True
# A feature is learnt only when replies of at least this many authors use it: a word or an n-gram
# one author favours is that author's idiolect, and a weight on it is memory of who wrote the reply,
# not evidence about the next author. Leave-one-author-out, 2026-11-30 (docs/scoring.md): worst-fold
# en recall 0.776 -> 0.821, blind veiled pass en recall and precision up, mean precision -0.01.
MIN_AUTHORS = 3
# Violation threshold: the lowest whose out-of-fold precision still reaches this, per language.
# English at 0.90 since stop 21: on the eight hardest folds en recall rose 0.921 -> 0.944 (worst
# 0.774 -> 0.810) for 0.007 of en precision, and blind s04 kept its en precision above the gate
# (0.940 -> 0.907) for recall 0.870 -> 0.907; zh at 0.93 lost zh recall and gained nothing.
TARGET_PRECISION = {"zh": 0.92, "en": 0.90}
# Inner folds for the thresholds' out-of-fold probabilities. Two, not three: a fit then costs two
# training sets of half the authors plus the final one instead of three of two thirds, 38 % less
# time, and on ten screened folds and both blind passes the figures moved both ways by a reply or
# two, the means within 0.005 (stop 18, docs/scoring.md). Each author's half is fixed by its id
# (`_half`), so a leave-one-author-out fold refits only the half it left an author out of (stop 20).
INNER_FOLDS = 2
_lock = threading.Lock()


@dataclass(frozen=True)
class Grader:
    """The fitted models and their thresholds; plain Python, picklable, no sklearn objects."""

    heads: LinearHeads
    thresholds: Mapping[str, float]
    trained_on: Tuple[str, ...]
    key: str
    # Out-of-fold reply-level maxima per decision, with the labels: thresholds can be re-examined
    # without refitting, and the docs can show how they were chosen.
    out_of_fold: Mapping[str, Tuple[float, ...]] = None


def gold(record: LabelledReply, head: str) -> bool:
    if head == "violation":
        return bool(record.violations)
    if head in REPLY_CATEGORIES:
        return head in record.violations
    if head in NVC_HEADS:
        return head in record.nvc
    if head == "escalating":
        return record.polarity == -1
    return record.polarity == 1


def reading_of(record: LabelledReply) -> Reading:
    """Read a labelled reply the way scoring reads a trainee's: normalised, under its regime."""
    return _reading(record.text, record.lang, record.regime or DEFAULT_REGIME[record.lang], record.debtor_said)


@functools.lru_cache(maxsize=None)
def _reading(text: str, lang: str, regime: str, debtor_said) -> Reading:
    # Kept for the process: an evaluation fits one grader per fold over nearly the same replies, and
    # prefit() reads them all once before it forks, so no fold reads a reply again.
    return read(normalize(text).text, lang, rule_pack(regime), debtor_said)


def _negative_units_teach(record: LabelledReply, head: str) -> bool:
    """Whether a reply negative for `head` makes each of its units a negative instance (module docstring)."""
    if head == "request":
        return not record.violations
    if head == "calming":
        return record.polarity == 0
    return True


def _teaches_at_all(record: LabelledReply, reading: Reading, head: str) -> bool:
    if head == "calming" and record.polarity == -1:
        return False
    # After the debtor asked to stop or named a lawyer, "can you pay today?" is harassment because of
    # what came before, which a clause-level model cannot see; the packs' contextual rules (those
    # with a debtor_trigger) judge that exchange, so it does not teach the text-only head.
    if head == "harassment" and any(cue.name == "d:cease" for cue in reading.cues):
        return False
    return True


# ---------------------------------------------------------------- fitting (scikit-learn)


class _Space:
    """Every unit of a grader's replies counted once over every feature any of them has.

    A grader fits four times (three inner folds for its thresholds, then all its replies); each fit
    takes its rows and its vocabulary's columns from these counts and applies sklearn's TF-IDF to
    them, which gives the same matrix TfidfVectorizer would build from the same rows, without
    counting every unit's features again (a third of a grader's fitting time went on that).
    """

    def __init__(self, readings: Sequence[Reading], authors: Sequence[str]):
        import numpy as np  # deferred: fitting only
        from scipy.sparse import csr_matrix

        self.rows = [(r, u) for r, reading in enumerate(readings) for u in range(len(reading.units))]
        self.first_row: List[int] = []
        index: Dict[str, int] = {}
        columns, values, pointers = [], [], [0]
        for r, reading in enumerate(readings):
            self.first_row.append(len(pointers) - 1)
            for counts in reading.features:
                for feature, count in counts.items():
                    columns.append(index.setdefault(feature, len(index)))
                    values.append(count)
                pointers.append(len(columns))
        # Columns in sorted feature order, as sklearn numbers a sorted fixed vocabulary.
        self.features = sorted(index)
        renumber = np.empty(len(index), dtype=np.int64)
        for position, feature in enumerate(self.features):
            renumber[index[feature]] = position
        self.counts = csr_matrix(
            (np.asarray(values, dtype=np.int64), renumber[np.asarray(columns, dtype=np.int64)], np.asarray(pointers)),
            shape=(len(self.rows), len(self.features)),
        )
        self.counts.sort_indices()
        # Which authors use each feature: one row per author, a column per feature.
        self.authors = sorted(set(authors))
        self.author_of_reply = list(authors)
        author_of_row = np.asarray([self.authors.index(authors[r]) for r, _ in self.rows], dtype=np.int64)
        membership = csr_matrix(
            (np.ones(len(self.rows)), (author_of_row, np.arange(len(self.rows)))), shape=(len(self.authors), len(self.rows))
        )
        self.used_by = ((membership @ self.counts) > 0).toarray()

    def vocabulary(self, authors: Set[str]) -> List[int]:
        """Columns used by at least MIN_AUTHORS of these authors (by every one when fewer), or by h0."""
        import numpy as np  # deferred: fitting only

        chosen = [i for i, author in enumerate(self.authors) if author in authors]
        needed = min(MIN_AUTHORS, len(chosen))
        keep = self.used_by[chosen].sum(axis=0) >= needed
        if ENGINEER_PASS in authors:
            keep |= self.used_by[self.authors.index(ENGINEER_PASS)]
        return [int(i) for i in np.flatnonzero(keep)]


@dataclass
class _Vectoriser:
    """A fitted TF-IDF over some of a space's columns: what the final fit hands to scoring.linear."""

    columns: List[int]
    vocabulary_: Dict[str, int]
    transformer: object  # sklearn TfidfTransformer

    @property
    def idf_(self):
        return self.transformer.idf_

    def transform(self, space: _Space, row_indices: Sequence[int]):
        return self.transformer.transform(space.counts[row_indices][:, self.columns])


def _vectorise(space: _Space, row_indices: Sequence[int]):
    # Deferred: sklearn is heavy and only needed to fit; scoring replays the fitted numbers (scoring.linear).
    from sklearn.feature_extraction.text import TfidfTransformer

    columns = space.vocabulary({space.author_of_reply[space.rows[i][0]] for i in row_indices})
    counts = space.counts[row_indices][:, columns]
    counts.sort_indices()
    transformer = TfidfTransformer(sublinear_tf=True)
    matrix = transformer.fit_transform(counts)
    vocabulary = {space.features[column]: position for position, column in enumerate(columns)}
    return _Vectoriser(columns, vocabulary, transformer), matrix


def _shared_vocabulary(readings: Sequence[Reading], authors: Sequence[str]) -> List[str]:
    """Features used by at least MIN_AUTHORS authors (by every author when fewer wrote the replies).

    The engineer's hard negatives (h0) are the exception: they are written to teach the shipped
    grader a phrase it misread ("carry on ignoring us and your car might not look the same"), so
    their words are learnt whoever else uses them. h0 trains the shipped grader only; no evaluation
    grader sees it, so this cannot lift a figure.
    """
    space = _Space(readings, authors)
    return [space.features[column] for column in space.vocabulary(set(authors))]


def _fit_binary(matrix, labels, weights):
    from sklearn.linear_model import LogisticRegression  # deferred: heavy, needed to fit only

    model = LogisticRegression(
        C=C_HEADS, solver="liblinear", tol=TOLERANCE, class_weight="balanced", max_iter=2000, random_state=0
    )
    model.fit(matrix, labels, sample_weight=weights)
    return model


def _author_weights(records: Sequence[LabelledReply]) -> List[float]:
    """Each author weighs the same in total, so the largest pass does not set everyone's style."""
    if not WEIGH_AUTHORS:
        return [1.0] * len(records)
    sizes: Dict[str, int] = {}
    for record in records:
        sizes[record.author] = sizes.get(record.author, 0) + 1
    per_author = len(records) / len(sizes)
    return [per_author / sizes[record.author] for record in records]


def _fit_heads(space: _Space, records: Sequence[LabelledReply], readings: Sequence[Reading], chosen: Sequence[int]):
    """A vectoriser and one sklearn model per head, fitted on the replies `chosen` (indices into records)."""
    import numpy as np  # deferred with sklearn: only fitting needs it

    row_indices = [space.first_row[r] + u for r in chosen for u in range(len(readings[r].units))]
    vectoriser, matrix = _vectorise(space, row_indices)
    rows = [space.rows[i] for i in row_indices]
    weight_of = dict(zip(chosen, _author_weights([records[r] for r in chosen])))
    first_row: Dict[int, int] = {}
    for index, (r, _) in enumerate(rows):
        first_row.setdefault(r, index)
    models = {}
    for head in HEADS:
        base_rows, base_labels = [], []
        positive_bags = []
        for index, (r, u) in enumerate(rows):
            record = records[r]
            if not _teaches_at_all(record, readings[r], head):
                continue
            whole = u == len(readings[r].units) - 1
            if gold(record, head):
                if whole:
                    base_rows.append(index)
                    base_labels.append(1)
                    if u > 0:
                        positive_bags.append(r)
            elif whole or _negative_units_teach(record, head):
                base_rows.append(index)
                base_labels.append(0)
        weights = [weight_of[rows[i][0]] for i in base_rows]
        model = _fit_binary(matrix[base_rows], base_labels, weights)
        if positive_bags:
            # One multiple-instance step: each positive multi-clause bag adds its most positive clause.
            bags = [list(range(first_row[r], first_row[r] + len(readings[r].units) - 1)) for r in positive_bags]
            scores = model.decision_function(matrix[[row for bag in bags for row in bag]])
            extra, start = [], 0
            for bag in bags:
                extra.append(bag[int(np.argmax(scores[start : start + len(bag)]))])
                start += len(bag)
            weights += [weight_of[rows[i][0]] for i in extra]
            model = _fit_binary(matrix[base_rows + extra], base_labels + [1] * len(extra), weights)
        models[head] = model
    return vectoriser, models


def _reply_maxima(readings, rows, matrix, models) -> Dict[str, List[float]]:
    """Per head (and "violation", the highest category), each reply's highest unit probability."""
    maxima = {head: [0.0] * len(readings) for head in HEADS + ("violation",)}
    for head, model in models.items():
        probabilities = model.predict_proba(matrix)[:, 1]
        for (r, u), probability in zip(rows, probabilities):
            if head in CLAUSE_ONLY and u >= len(readings[r].clauses):
                continue
            if probability > maxima[head][r]:
                maxima[head][r] = float(probability)
    for r in range(len(readings)):
        maxima["violation"][r] = max(maxima[c][r] for c in REPLY_CATEGORIES)
    return maxima


def choose_thresholds(records: Sequence[LabelledReply], maxima: Mapping[str, Sequence[float]]) -> Dict[str, float]:
    """Per decision and language ("request:zh"), from out-of-fold reply maxima.

    Violation: the lowest threshold whose precision reaches TARGET_PRECISION (recall is what the
    rules cannot give). NVC parts: the best F1. Escalating and calming: the pair that gets polarity
    right most often, counting an escalating violation as -1 the way scoring does.
    """
    thresholds: Dict[str, float] = {}
    for lang in sorted({record.lang for record in records}):
        index = [i for i, record in enumerate(records) if record.lang == lang]
        subset = [records[i] for i in index]
        for head in ("violation",) + NVC_HEADS:
            scores = [maxima[head][i] for i in index]
            labels = [gold(record, head) for record in subset]
            if head == "violation":
                thresholds[f"{head}:{lang}"] = _precision_threshold(scores, labels, TARGET_PRECISION[lang])
            else:
                thresholds[f"{head}:{lang}"] = _f1_threshold(scores, labels)
        thresholds[f"escalating:{lang}"], thresholds[f"calming:{lang}"] = _polarity_thresholds(
            subset, {head: [maxima[head][i] for i in index] for head in maxima}, thresholds[f"violation:{lang}"]
        )
    return thresholds


def _polarity_thresholds(records, maxima, violation_threshold) -> Tuple[float, float]:
    escalating_categories = _escalating_categories()
    violent = []
    for i, record in enumerate(records):
        top = max(REPLY_CATEGORIES, key=lambda c: maxima[c][i])
        violent.append(maxima["violation"][i] >= violation_threshold and top in escalating_categories)
    # 46 x 46 pairs over every reply: counted with numpy, the first best pair kept as the loop would.
    import numpy as np  # deferred with sklearn: only fitting needs it

    violent = np.array(violent, dtype=bool)
    calming, escalating = np.array(maxima["calming"]), np.array(maxima["escalating"])
    labels = np.array([record.polarity for record in records])
    grid = [step / 50 for step in range(3, 49)]
    best, best_hits = (0.5, 0.5), -1
    for up in grid:
        calm = np.where(calming >= up, 1, 0)
        for down in grid:
            hits = int(np.count_nonzero(np.where(violent | (escalating >= down), -1, calm) == labels))
            if hits > best_hits:
                best, best_hits = (down, up), hits
    return best


def _escalating_categories() -> frozenset:
    """The categories whose finding makes a reply -1 when scored (scoring.tone), so thresholds match."""
    escalating = {rule.category for regime in ("cn", "us") for rule in rule_pack(regime).rules if rule.escalates}
    return frozenset(escalating - TONE_FREE_CATEGORIES)


def _f1_threshold(scores: Sequence[float], labels: Sequence[bool]) -> float:
    best, best_f1 = 0.5, -1.0
    for threshold in _candidates(scores):
        tp = sum(1 for s, y in zip(scores, labels) if s >= threshold and y)
        fp = sum(1 for s, y in zip(scores, labels) if s >= threshold and not y)
        fn = sum(1 for s, y in zip(scores, labels) if s < threshold and y)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def _precision_threshold(scores, labels, target: float) -> float:
    """The lowest threshold at which out-of-fold precision reaches the target."""
    for threshold in _candidates(scores):
        picked = [y for s, y in zip(scores, labels) if s >= threshold]
        if not picked or sum(picked) / len(picked) >= target:
            return threshold
    return _f1_threshold(scores, labels)


def _candidates(scores: Sequence[float]) -> List[float]:
    return [step / 100 for step in range(5, 96)]


def _half(author: str) -> int:
    """The inner fold an author's replies always fall in, whichever other authors a grader has.

    Fixed per author (a checksum of the id, not a position among the authors present), so the
    leave-one-author-out graders split their authors the same way: every fold without an author of
    one half trains its thresholds' other model on the whole other half, the same model for every
    such fold, fitted once (`share_out_of_fold`). A position among the authors present moved half the
    authors across whenever one was left out, and each fold fitted both halves again.
    """
    return zlib.crc32(author.encode("utf-8")) % INNER_FOLDS


def _groups(records: Sequence[LabelledReply]) -> List[List[int]]:
    """Inner folds for thresholds: whole authors per fold; one author alone is split by position.

    The first way of folding that leaves no fold empty wins: each author's fixed half; then, when
    every author falls in one half (a grader of two or three authors), the authors alternated.
    """
    authors = sorted({record.author for record in records})
    if len(authors) >= 2:
        keyings = [lambda i: _half(records[i].author), lambda i: authors.index(records[i].author) % INNER_FOLDS]
    else:
        keyings = [lambda i: i % INNER_FOLDS]
    for fold_of in keyings:
        folds: List[List[int]] = [[] for _ in range(INNER_FOLDS)]
        for index in range(len(records)):
            folds[fold_of(index)].append(index)
        if all(folds):
            break
    return [fold for fold in folds if fold]


def _reply_ids(records: Sequence[LabelledReply]) -> List[Tuple[str, int]]:
    """(author, position in the author's pass): the same reply in every grader's list of replies."""
    seen: Dict[str, int] = {}
    ids = []
    for record in records:
        ids.append((record.author, seen.get(record.author, 0)))
        seen[record.author] = ids[-1][1] + 1
    return ids


# Out-of-fold maxima already computed, keyed by the data_key of the replies their model was fitted
# on: {key: {(author, position): {head: maximum}}}. Filled in the parent before the folds fork.
_shared_out_of_fold: Dict[str, Dict[Tuple[str, int], Dict[str, float]]] = {}


def share_out_of_fold(grader: Grader, records: Sequence[LabelledReply]) -> None:
    """Offer a fitted grader's out-of-fold maxima to graders fitted later in this process.

    Its inner model of each half was fitted on the other half's replies alone; a leave-one-author-out
    grader whose held-out author is in this half trains on exactly those replies again, so the
    model, and its maxima on this half's remaining replies, are the same numbers. Reusing them saves
    each fold about a quarter of its fitting time and changes no figure (tests/scoring/test_models.py).
    """
    if not grader.out_of_fold:
        return
    ids = _reply_ids(records)
    for held_out in _groups(records):
        held = set(held_out)
        trained_on = data_key([record for index, record in enumerate(records) if index not in held])
        _shared_out_of_fold[trained_on] = {
            ids[index]: {head: values[index] for head, values in grader.out_of_fold.items()} for index in held_out
        }


def fit_grader(records: Sequence[LabelledReply], key: str = "") -> Grader:
    """Fit the heads and their thresholds on these replies (deterministic: fixed solvers, no sampling).

    BLAS runs on one thread here. liblinear's vector sums go through OpenBLAS, which started a thread
    per core for each and left it spinning: half of a fit's CPU time was system time, and two fits
    side by side (`prefit`) fought over the cores for nothing. On one thread a fit takes the same
    time alone, and the weights no longer depend on how many cores the machine has.
    """
    # Deferred with sklearn, which brings threadpoolctl. sklearn first: a limit reaches only the BLAS
    # libraries already loaded, and liblinear's comes with scipy's linear algebra, not with numpy.
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _fit_grader(records, key)


def _fit_grader(records: Sequence[LabelledReply], key: str) -> Grader:
    readings = [reading_of(record) for record in records]
    space = _Space(readings, [record.author for record in records])
    # Out-of-fold reply-level maxima for the thresholds, folds grouped by author.
    oof = {head: [0.0] * len(records) for head in HEADS + ("violation",)}
    ids = _reply_ids(records)
    for held_out in _groups(records):
        held = set(held_out)
        train = [i for i in range(len(records)) if i not in held]
        shared = _shared_out_of_fold and _shared_out_of_fold.get(data_key([records[i] for i in train]))
        if shared and all(ids[i] in shared for i in held_out):
            for index in held_out:
                for head in oof:
                    oof[head][index] = shared[ids[index]][head]
            continue
        vectoriser, models = _fit_heads(space, records, readings, train)
        sub = [readings[i] for i in held_out]
        rows = [(r, u) for r, reading in enumerate(sub) for u in range(len(reading.units))]
        matrix = vectoriser.transform(space, [space.first_row[i] + u for i in held_out for u in range(len(readings[i].units))])
        maxima = _reply_maxima(sub, rows, matrix, models)
        for head in oof:
            for position, index in enumerate(held_out):
                oof[head][index] = maxima[head][position]
    thresholds = choose_thresholds(records, oof)
    vectoriser, models = _fit_heads(space, records, readings, range(len(records)))
    heads = heads_from_sklearn(
        HEADS, vectoriser.vocabulary_, vectoriser.idf_, [models[h].coef_[0] for h in HEADS], [models[h].intercept_[0] for h in HEADS]
    )
    return Grader(heads, thresholds, tuple(sorted({r.author for r in records})), key, {h: tuple(v) for h, v in oof.items()})


# ---------------------------------------------------------------- the cache and the live grader


def cache_dir() -> Path:
    """Where fitted graders are kept between processes: the repository's var/ (ignored by git)."""
    return paths.VAR_DIR / "cache" / "scoring"


# What a rule file says to people, never read as a feature: a team that rewrites a citation, an
# explanation or a better phrasing keeps its fitted graders.
_WORDING_KEYS = frozenset({"citation", "explanation", "better", "title", "label"})


def _feature_content(node):
    if isinstance(node, dict):
        return {key: _feature_content(value) for key, value in node.items() if key not in _WORDING_KEYS}
    if isinstance(node, list):
        return [_feature_content(value) for value in node]
    return node


def _rule_file_key(path: Path) -> bytes:
    """The part of a rule file a fit depends on (patterns, cue words, categories, limits), canonically."""
    stat = path.stat()
    return _rule_file_content_key(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _rule_file_content_key(path: str, mtime_ns: int, size: int) -> bytes:
    # Keyed by the file's stamp as well as its name: a fit asks for its data's key several times.
    raw = Path(path).read_bytes()
    try:
        content = yaml.safe_load(raw)
    except yaml.YAMLError:  # the loaders report it with file and line; the key just follows the bytes
        return raw
    return json.dumps(_feature_content(content), sort_keys=True, ensure_ascii=False, default=str).encode()


def data_key(records: Sequence[LabelledReply]) -> str:
    """A hash of everything a fit depends on: the recipe, the replies and what the cue files feed the features."""
    digest = hashlib.sha256(RECIPE.encode())
    for record in records:
        digest.update(json.dumps(record.__dict__, sort_keys=True, ensure_ascii=False).encode())
    for path in sorted(paths.rules_dir().glob("*.yml")):
        digest.update(path.name.encode())
        digest.update(_rule_file_key(path))
    return digest.hexdigest()[:20]


def grader_for(records: Sequence[LabelledReply]) -> Grader:
    """The grader fitted on exactly these replies: from the disk cache when it holds one, else fitted and stored."""
    key = data_key(records)
    path = cache_dir() / f"grader-{key}.pickle"
    if path.exists():
        try:
            with path.open("rb") as handle:
                grader = pickle.load(handle)
            if isinstance(grader, Grader) and grader.key == key:
                path.touch()  # recently used: kept by _prune
                return grader
        except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ImportError) as exc:  # e.g. a module renamed since
            log.warning("refitting: cached grader %s unreadable (%s)", path, exc)
    grader = fit_grader(records, key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(grader, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
        _prune(path.parent)
    except OSError as exc:  # a read-only checkout still grades; it just fits again next process
        log.warning("could not cache the grader in %s (%s)", path.parent, exc)
    return grader


def _fit_and_cache(names: Tuple[str, ...]) -> str:
    return grader_for(load_passes(names)).key


def prefit(name_sets: Sequence[Sequence[str]], processes: int = 2) -> None:
    """Fit and cache the graders of several pass sets that are not cached yet, `processes` at a time.

    The evaluation needs one grader per fold; on the 2-core box two fits side by side halve the wait.
    """
    missing = []
    for names in name_sets:
        key = data_key(load_passes(names))
        if not (cache_dir() / f"grader-{key}.pickle").exists() and tuple(names) not in missing:
            missing.append(tuple(names))
    for record in load_passes(sorted({name for names in missing for name in names})):
        reading_of(record)  # read once here; the forked fits inherit the readings
    # The set the others leave one pass out of goes first (with whatever is not one of them beside
    # it); its folds fork after it and reuse its inner models' maxima (share_out_of_fold).
    def folds_of(names) -> List[Tuple[str, ...]]:
        return [tuple(other) for other in missing if len(other) == len(names) - 1 and set(other) < set(names)]

    whole = max((tuple(names) for names in name_sets), key=lambda names: len(folds_of(names)), default=())
    rest = folds_of(whole) if whole else []
    _fit_all([names for names in missing if names not in rest], processes)
    if rest:
        records = load_passes(whole)
        share_out_of_fold(grader_for(records), records)
    _fit_all(rest, processes)


def _fit_all(name_sets: Sequence[Tuple[str, ...]], processes: int) -> None:
    if len(name_sets) <= 1 or processes <= 1:
        for names in name_sets:
            _fit_and_cache(names)
        return
    # Only the evaluation fits in parallel; scoring itself never forks.
    with multiprocessing.get_context("fork").Pool(min(processes, len(name_sets))) as pool:
        pool.map(_fit_and_cache, name_sets, chunksize=1)


# Graders kept beyond one data version's set (every fold, the blind grader, the shipped one).
CACHE_SPARE = 4


def cache_keep() -> int:
    """One data version's graders and a few spare. A fixed number fell behind when the passes grew
    (24 kept, 26 needed): the evaluation's parallel fits were evicted before they were read and
    every fold was fitted a second time, one at a time, doubling `make test`'s grader step."""
    return len(pass_names()) + 2 + CACHE_SPARE


def _prune(folder: Path) -> None:
    """Drop the least recently used graders beyond `cache_keep()` (each is tens of MB)."""
    cached = sorted(folder.glob("grader-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in cached[cache_keep():]:
        stale.unlink(missing_ok=True)


# The shipped grader learns from every pass, the blind ones included, now that the method is fixed:
# the figures in docs/scoring.md come from graders that never saw the pass they measure (folds
# without it, the blind passes from a grader fitted on the open passes only), never from this one.
SHIP_BLIND_PASSES = True


def live_pass_names() -> List[str]:
    names = pass_names()
    names = names if SHIP_BLIND_PASSES else [name for name in names if name not in BLIND]
    return names + [ENGINEER_PASS]


@functools.lru_cache(maxsize=1)
def live_grader() -> Grader:
    """The shipped grader, once per process (cached on disk by its data's hash): every pass plus h0."""
    with _lock:
        return grader_for(load_passes(live_pass_names()))


def main() -> None:
    """`python -m scoring.training`: fit (or load) the shipped grader; say where it is cached and how long it took."""
    records = load_passes(live_pass_names())
    path = cache_dir() / f"grader-{data_key(records)}.pickle"
    was_cached = path.exists()
    started = time.perf_counter()
    grader = live_grader()
    elapsed = time.perf_counter() - started
    how = "loaded from" if was_cached else "fitted and cached in"
    print(f"shipped grader ({', '.join(grader.trained_on)}) {how} {paths.display_path(path)} in {elapsed:.1f} s")


if __name__ == "__main__":
    # Run the importable module, not this __main__ copy of it: a grader pickled from here would name
    # __main__.Grader, which no other process could load.
    importlib.import_module("scoring.training").main()
