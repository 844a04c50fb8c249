"""The labelled replies (data/eval/scoring/): authoring passes, loading and validation.

Every pass is one author's work, kept in its own file: pass ``a0`` is the original author's
``tune.jsonl`` + ``test.jsonl`` (the author who also wrote the rule patterns), and ``passes/sNN.jsonl``
are independent authors who saw only the labelling guide and one register brief. Passes in ``BLIND``
are never read item by item while the graders are tuned: only their aggregate figures are looked at.
This module only loads and validates; it grades nothing (scoring.evaluation does).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from foundation import paths
from scoring.categories import REPLY_CATEGORIES
from scoring.cues import NVC_COMPONENTS
from scoring.errors import RulePackError
from scoring.text import LANGS

ORIGINAL_PASS = "a0"
# Hard negatives written by the graders' engineer from regressions (openings with official-sounding
# bank names, advice against borrowing, promises not to contact anyone). Not an independent author,
# so never a fold and never measured: it trains only the shipped grader (scoring.training).
ENGINEER_PASS = "h0"
ENGINEER_FILE = "hard_negatives.jsonl"
# Independent passes kept blind while tuning (issue 11): aggregates only, never items or errors.
BLIND = ("s04", "s07")


def eval_dir() -> Path:
    """Where the labelled replies live, under `foundation.paths.eval_dir()` asked when called (`DOJO_DATA_DIR`)."""
    return paths.eval_dir() / "scoring"


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
    author: str = ORIGINAL_PASS


def load_split(name: str, directory: Optional[Path] = None) -> List[LabelledReply]:
    """Load the original author's tune or test split; every line is validated and errors name file and line."""
    return load_file(Path(directory or eval_dir()) / f"{name}.jsonl", ORIGINAL_PASS)


def pass_names(directory: Optional[Path] = None) -> List[str]:
    """Every authoring pass present: a0 first, then passes/sNN.jsonl in order (h0 is no authoring pass)."""
    folder = Path(directory or eval_dir()) / "passes"
    return [ORIGINAL_PASS] + sorted(path.stem for path in folder.glob("*.jsonl"))


def load_pass(name: str, directory: Optional[Path] = None) -> List[LabelledReply]:
    """One author's replies (a0 = tune + test)."""
    directory = Path(directory or eval_dir())
    if name == ORIGINAL_PASS:
        return load_split("tune", directory) + load_split("test", directory)
    if name == ENGINEER_PASS:
        return load_file(directory / ENGINEER_FILE, ENGINEER_PASS)
    return load_file(directory / "passes" / f"{name}.jsonl", name)


def load_passes(names: Sequence[str], directory: Optional[Path] = None) -> List[LabelledReply]:
    return [record for name in names for record in load_pass(name, directory)]


def load_file(path: Path, author: str) -> List[LabelledReply]:
    """Load one JSON Lines file, failing on the first bad line with file and line in the message."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise RulePackError(f"{path}:{line_no}: invalid JSON ({exc.msg})") from exc
            records.append(parse_record(raw, path, line_no, author))
    return records


def parse_record(raw: object, path, line_no: int, author: str = ORIGINAL_PASS) -> LabelledReply:
    """One validated labelled reply, or RulePackError naming file, line and field."""
    def fail(field: str, message: str) -> RulePackError:
        return RulePackError(f"{path}:{line_no}: {field}: {message}")

    if not isinstance(raw, dict):
        raise fail("line", "expected a JSON object")
    if not isinstance(raw.get("text"), str) or not raw["text"].strip():
        raise fail("text", "expected non-empty text")
    if raw.get("lang") not in LANGS:
        raise fail("lang", f"expected one of {list(LANGS)}")
    for key in ("violations", "nvc"):
        if not isinstance(raw.get(key, []), list):
            raise fail(key, "expected a list")
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
        author=author,
    )
