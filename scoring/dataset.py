"""The labelled evaluation set (data/eval/scoring/): loading, validation and the figures tests assert on.

tune.jsonl is what rules and the statistical model were developed and trained on; test.jsonl is
never used for either, so the figures measured on it estimate how the graders generalise.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from scoring.categories import REPLY_CATEGORIES
from scoring.cues import NVC_COMPONENTS
from scoring.errors import RulePackError
from scoring.text import LANGS

EVAL_DIR = Path(__file__).resolve().parent.parent / "data" / "eval" / "scoring"


@dataclass(frozen=True)
class LabelledReply:
    id: str
    lang: str
    text: str
    violations: Tuple[str, ...]
    nvc: Tuple[str, ...]
    polarity: int
    debtor_said: Optional[str] = None
    regime: Optional[str] = None


def load_split(name: str, directory: Path = EVAL_DIR) -> List[LabelledReply]:
    """Load tune or test; every line is validated and errors name file and line."""
    path = Path(directory) / f"{name}.jsonl"
    records = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RulePackError(f"{path}:{line_no}: invalid JSON ({exc.msg})") from exc
            records.append(_record(raw, path, line_no))
    return records


def _record(raw: dict, path: Path, line_no: int) -> LabelledReply:
    def fail(field: str, message: str) -> RulePackError:
        return RulePackError(f"{path}:{line_no}: {field}: {message}")

    if raw.get("lang") not in LANGS:
        raise fail("lang", f"expected one of {list(LANGS)}")
    if not isinstance(raw.get("text"), str) or not raw["text"].strip():
        raise fail("text", "expected non-empty text")
    for category in raw.get("violations", []):
        if category not in REPLY_CATEGORIES:
            raise fail("violations", f"unknown category {category!r}")
    for component in raw.get("nvc", []):
        if component not in NVC_COMPONENTS:
            raise fail("nvc", f"unknown component {component!r}")
    if raw.get("polarity") not in (-1, 0, 1):
        raise fail("polarity", "expected -1, 0 or 1")
    return LabelledReply(
        id=str(raw.get("id", line_no)),
        lang=raw["lang"],
        text=raw["text"],
        violations=tuple(raw.get("violations", [])),
        nvc=tuple(raw.get("nvc", [])),
        polarity=raw["polarity"],
        debtor_said=raw.get("debtor_said"),
        regime=raw.get("regime"),
    )


@dataclass(frozen=True)
class Figures:
    n: int
    detection_recall: float
    detection_precision: float
    category_accuracy: float
    nvc_f1: Dict[str, float]
    polarity_accuracy: float
    errors: Tuple[str, ...]

    def lines(self) -> List[str]:
        out = [
            f"replies: {self.n}",
            f"violation detection recall:    {self.detection_recall:.3f}",
            f"violation detection precision: {self.detection_precision:.3f}",
            f"category accuracy (detected):  {self.category_accuracy:.3f}",
        ]
        out += [f"NVC {name:<11} F1: {value:.3f}" for name, value in self.nvc_f1.items()]
        out.append(f"de-escalation polarity accuracy: {self.polarity_accuracy:.3f}")
        return out


def measure(records: Sequence[LabelledReply]) -> Figures:
    """Score every record and compare with its labels."""
    from scoring.reply import score_reply

    tp = fp = fn = 0
    category_hits = category_total = 0
    nvc_counts = {name: [0, 0, 0] for name in NVC_COMPONENTS}  # tp, fp, fn
    polarity_hits = 0
    errors = []
    for record in records:
        score = score_reply(record.text, record.lang, record.regime, record.debtor_said)
        predicted = [v.category for v in score.violations]
        gold = set(record.violations)
        if gold and predicted:
            tp += 1
            category_total += 1
            if predicted[0] in gold or gold & set(predicted) == gold and predicted[0] in gold:
                category_hits += 1
            else:
                errors.append(f"{record.id} category {predicted} != {sorted(gold)}: {record.text}")
        elif predicted:
            fp += 1
            errors.append(f"{record.id} false positive {predicted} ({score.violations[0].evidence!r}): {record.text}")
        elif gold:
            fn += 1
            errors.append(f"{record.id} missed {sorted(gold)}: {record.text}")
        for name in NVC_COMPONENTS:
            got = getattr(score.nvc, name)
            want = name in record.nvc
            if got and want:
                nvc_counts[name][0] += 1
            elif got:
                nvc_counts[name][1] += 1
                errors.append(f"{record.id} nvc extra {name}: {record.text}")
            elif want:
                nvc_counts[name][2] += 1
                errors.append(f"{record.id} nvc missed {name}: {record.text}")
        if score.deescalation.polarity == record.polarity:
            polarity_hits += 1
        else:
            errors.append(f"{record.id} polarity {score.deescalation.polarity} != {record.polarity}: {record.text}")
    nvc_f1 = {}
    for name, (c_tp, c_fp, c_fn) in nvc_counts.items():
        nvc_f1[name] = (2 * c_tp / (2 * c_tp + c_fp + c_fn)) if c_tp + c_fp + c_fn else 1.0
    return Figures(
        n=len(records),
        detection_recall=tp / (tp + fn) if tp + fn else 1.0,
        detection_precision=tp / (tp + fp) if tp + fp else 1.0,
        category_accuracy=category_hits / category_total if category_total else 1.0,
        nvc_f1=nvc_f1,
        polarity_accuracy=polarity_hits / len(records) if records else 1.0,
        errors=tuple(errors),
    )
