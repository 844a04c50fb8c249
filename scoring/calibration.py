"""Agreement between the graders and a person's labels: what `dojo calibrate` and the evaluation print.

A QA team labels its own sample (the `dojo score` JSON Lines format plus `violations`, `nvc` and
`polarity`) and sees, per criterion, accuracy, recall, precision and Cohen's kappa, the category
confusion matrix, per-category recall and every disagreement with the grader's evidence. Bad lines
are reported one by one and the rest are still measured. Pure: no file is written here.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from scoring.categories import REPLY_CATEGORIES
from scoring.dataset import LabelledReply, parse_record
from scoring.errors import ScoringError
from scoring.reply import score_reply
from scoring.results import ReplyScore
from scoring.text import detect_lang

NVC_PARTS = ("observation", "feeling", "need", "request")
CRITERIA = ("violation",) + NVC_PARTS + ("polarity",)
NONE = "none"


@dataclass(frozen=True)
class Agreement:
    """One criterion: accuracy, recall and precision of the positive class, Cohen's kappa.

    The counts behind the ratios are kept too: the evaluation's sampling spread needs successes out
    of trials, which the ratios alone give back only up to rounding.
    """

    criterion: str
    n: int
    accuracy: float
    recall: float
    precision: float
    kappa: float
    agreed: int = 0
    tp: int = 0
    fn: int = 0
    fp: int = 0

    @property
    def f1(self) -> float:
        total = self.recall + self.precision
        return 2 * self.recall * self.precision / total if total else 0.0


def cohen_kappa(pairs: Sequence[Tuple[object, object]]) -> float:
    """Agreement beyond chance between (label, prediction) pairs; 1.0 when both are constant and equal."""
    if not pairs:
        return 1.0
    n = len(pairs)
    observed = sum(1 for gold, got in pairs if gold == got) / n
    golds = Counter(gold for gold, _ in pairs)
    gots = Counter(got for _, got in pairs)
    expected = sum(golds[label] * gots.get(label, 0) for label in golds) / (n * n)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1.0 - expected)


def agreement(criterion: str, pairs: Sequence[Tuple[object, object]], positive: object = True) -> Agreement:
    """For a binary criterion `positive` is True; for polarity, -1 (does the grader hear escalation)."""
    n = len(pairs)
    tp = sum(1 for gold, got in pairs if gold == positive and got == positive)
    fn = sum(1 for gold, got in pairs if gold == positive and got != positive)
    fp = sum(1 for gold, got in pairs if gold != positive and got == positive)
    agreed = sum(1 for gold, got in pairs if gold == got)
    return Agreement(
        criterion,
        n,
        accuracy=agreed / n if n else 1.0,
        recall=tp / (tp + fn) if tp + fn else 1.0,
        precision=tp / (tp + fp) if tp + fp else 1.0,
        kappa=cohen_kappa(pairs),
        agreed=agreed,
        tp=tp,
        fn=fn,
        fp=fp,
    )


@dataclass(frozen=True)
class Disagreement:
    id: str
    lang: str
    text: str
    criterion: str
    labelled: str
    graded: str
    evidence: str


@dataclass(frozen=True)
class CalibrationReport:
    n: int
    criteria: Tuple[Agreement, ...]
    by_lang: Dict[str, Agreement]  # violation detection per language
    category_accuracy: float  # among labelled-and-detected violations, the grader's first category is a labelled one
    category_total: int
    confusion: Dict[str, Dict[str, int]]  # labelled category (or none) -> grader's first category (or none) -> count
    category_recall: Dict[str, Tuple[int, int]]  # category -> (named by the grader, labelled)
    disagreements: Tuple[Disagreement, ...]
    bad_lines: Tuple[Tuple[int, str], ...]

    def criterion(self, name: str) -> Agreement:
        return next(item for item in self.criteria if item.criterion == name)


def parse_lines(lines: Iterable[str], source: str = "<input>") -> Tuple[List[Tuple[int, LabelledReply]], List[Tuple[int, str]]]:
    """Labelled replies with their line numbers, and (line, error) for every line that cannot be used.

    `lang` may be left out (it is detected from the text); `id` defaults to the line number.
    """
    records, bad = [], []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((line_no, f"invalid JSON: {exc.msg} (column {exc.colno})"))
            continue
        if isinstance(raw, dict) and "lang" not in raw and isinstance(raw.get("text"), str) and raw["text"].strip():
            raw = dict(raw, lang=detect_lang(raw["text"]))
        try:  # parse_record validates every field, lists included, naming the field
            records.append((line_no, parse_record(raw, source, line_no, "qa")))
        except ScoringError as exc:
            bad.append((line_no, str(exc).split(": ", 1)[-1]))
    return records, bad


def compare(items: Sequence[Tuple[LabelledReply, ReplyScore]], bad_lines: Sequence[Tuple[int, str]] = ()) -> CalibrationReport:
    """Measure the grader's scores against the labels."""
    pairs: Dict[str, List[Tuple[object, object]]] = {criterion: [] for criterion in CRITERIA}
    by_lang: Dict[str, List[Tuple[bool, bool]]] = {}
    confusion: Dict[str, Dict[str, int]] = {}
    recall_counts = {category: [0, 0] for category in REPLY_CATEGORIES}
    category_hits = category_total = 0
    disagreements: List[Disagreement] = []
    for record, score in items:
        predicted = [v.category for v in score.violations]
        gold = set(record.violations)
        pairs["violation"].append((bool(gold), bool(predicted)))
        by_lang.setdefault(record.lang, []).append((bool(gold), bool(predicted)))
        for category in gold:
            recall_counts[category][1] += 1
            if category in predicted:
                recall_counts[category][0] += 1
        if gold and predicted:
            category_total += 1
            category_hits += predicted[0] in gold
        row = (predicted[0] if predicted and predicted[0] in gold else sorted(gold)[0]) if gold else NONE
        column = predicted[0] if predicted else NONE
        confusion.setdefault(row, {}).setdefault(column, 0)
        confusion[row][column] += 1
        evidence = "; ".join(f"{v.category} [{v.source}] “{v.evidence}”" for v in score.violations)
        if bool(gold) != bool(predicted) or (gold and predicted and predicted[0] not in gold):
            disagreements.append(
                Disagreement(record.id, record.lang, record.text, "violation", ", ".join(sorted(gold)) or NONE,
                             ", ".join(predicted) or NONE, evidence)
            )
        for part in NVC_PARTS:
            want, got = part in record.nvc, getattr(score.nvc, part)
            pairs[part].append((want, got))
            if want != got:
                disagreements.append(Disagreement(record.id, record.lang, record.text, part, str(want).lower(), str(got).lower(), ""))
        tone = score.deescalation
        pairs["polarity"].append((record.polarity, tone.polarity))
        if record.polarity != tone.polarity:
            cues = ", ".join(tone.escalators or tone.markers)
            disagreements.append(
                Disagreement(record.id, record.lang, record.text, "polarity", f"{record.polarity:+d}", f"{tone.polarity:+d}", cues)
            )
    criteria = tuple(
        agreement(criterion, pairs[criterion], positive=-1 if criterion == "polarity" else True) for criterion in CRITERIA
    )
    return CalibrationReport(
        n=len(items),
        criteria=criteria,
        by_lang={lang: agreement("violation", lang_pairs) for lang, lang_pairs in sorted(by_lang.items())},
        category_accuracy=category_hits / category_total if category_total else 1.0,
        category_total=category_total,
        confusion=confusion,
        category_recall={c: (hit, total) for c, (hit, total) in recall_counts.items() if total},
        disagreements=tuple(disagreements),
        bad_lines=tuple(bad_lines),
    )


def score_records(records: Sequence[LabelledReply], grader=None) -> List[Tuple[LabelledReply, ReplyScore]]:
    """Grade each labelled reply as the action server would (its debtor line and regime included)."""
    return [(record, score_reply(record.text, record.lang, record.regime, record.debtor_said, grader=grader)) for record in records]


def confusion_lines(report: CalibrationReport) -> List[str]:
    """The category confusion matrix as a Markdown table: labelled rows, graded columns."""
    labels = [c for c in REPLY_CATEGORIES if c in report.confusion or any(c in row for row in report.confusion.values())]
    labels.append(NONE)
    short = {c: c.replace("_", " ") for c in labels}
    lines = ["| labelled \\ graded | " + " | ".join(short[c] for c in labels) + " | recall |", "|---" * (len(labels) + 2) + "|"]
    for row in labels:
        counts = report.confusion.get(row, {})
        if not counts:
            continue
        named = report.category_recall.get(row)
        recall = f"{named[0] / named[1]:.2f} ({named[0]}/{named[1]})" if named else ""
        lines.append(f"| {short[row]} | " + " | ".join(str(counts.get(c, "")) for c in labels) + f" | {recall} |")
    return lines


def summary_lines(report: CalibrationReport, title: Optional[str] = None) -> List[str]:
    """Per-criterion agreement as a Markdown table."""
    lines = [f"**{title}** ({report.n} replies)" if title else f"{report.n} replies", "",
             "| criterion | accuracy | recall | precision | kappa |", "|---|---|---|---|---|"]
    for item in report.criteria:
        name = "polarity (recall/precision of -1)" if item.criterion == "polarity" else item.criterion
        lines.append(f"| {name} | {item.accuracy:.3f} | {item.recall:.3f} | {item.precision:.3f} | {item.kappa:.3f} |")
    for lang, item in report.by_lang.items():
        lines.append(f"| violation ({lang}) | {item.accuracy:.3f} | {item.recall:.3f} | {item.precision:.3f} | {item.kappa:.3f} |")
    lines.append(f"| category (first finding is a labelled one) | {report.category_accuracy:.3f} |  |  |  |")
    return lines
