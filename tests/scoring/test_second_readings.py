"""Second readings: a pass labelled again by someone who saw only the guide and the texts.

They answer a question the leave-one-author-out table cannot: when the grader disagrees with an
author, is the label in doubt or is the grader? If a second reader agrees with the author far more
often than the grader does, the gates are reachable and the grader is what falls short. The figures
are printed by `make test` and must match docs/scoring.md, "A second reading".
"""
from pathlib import Path
from typing import Dict, List

import pytest

from foundation.paths import REPO_ROOT
from scoring.dataset import LabelledReply, eval_dir, load_file, load_pass

NVC_PARTS = ("observation", "feeling", "need", "request")


def second_readings() -> List[Path]:
    return sorted((eval_dir() / "second_readings").glob("*.r2.jsonl"))


def pass_of(path: Path) -> str:
    return path.name.split(".", 1)[0]


def agreement_row(author: List[LabelledReply], second: List[LabelledReply]) -> str:
    """The second reader measured against the author, in the terms of the evaluation table."""
    pairs = list(zip(author, second))
    recall: Dict[str, float] = {}
    precision: Dict[str, float] = {}
    for lang in ("zh", "en"):
        mine = [(a, s) for a, s in pairs if a.lang == lang]
        found = sum(1 for a, s in mine if a.violations and s.violations)
        recall[lang] = found / max(1, sum(1 for a, _ in mine if a.violations))
        precision[lang] = found / max(1, sum(1 for _, s in mine if s.violations))
    cells = [recall["zh"], recall["en"], precision["zh"], precision["en"]]
    both = [(a, s) for a, s in pairs if a.violations and s.violations]
    cells.append(sum(1 for a, s in both if s.violations[0] in a.violations) / max(1, len(both)))
    for part in NVC_PARTS:
        hits = sum(1 for a, s in pairs if part in a.nvc and part in s.nvc)
        claimed = sum(1 for _, s in pairs if part in s.nvc) + sum(1 for a, _ in pairs if part in a.nvc)
        cells.append(2 * hits / claimed if claimed else 1.0)
    cells.append(sum(1 for a, s in pairs if a.polarity == s.polarity) / len(pairs))
    return f"| {author[0].author}, second reader | {len(pairs)} | " + " | ".join(f"{value:.3f}" for value in cells) + " |"


@pytest.mark.parametrize("path", second_readings(), ids=pass_of)
def test_a_second_reading_covers_its_pass_item_for_item(path):
    author = load_pass(pass_of(path))
    second = load_file(path, pass_of(path))  # validates every line like a pass
    assert [(r.id, r.text, r.lang) for r in second] == [(r.id, r.text, r.lang) for r in author]


def test_second_readings_agree_as_documented(capsys):
    paths = second_readings()
    assert paths, "no second reading under data/eval/scoring/second_readings"
    docs = (REPO_ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    rows = [agreement_row(load_pass(pass_of(path)), load_file(path, pass_of(path))) for path in paths]
    with capsys.disabled():
        print("\n\nsecond readings (a second labeller against the author):\n" + "\n".join(rows) + "\n")
    for row in rows:
        assert row in docs, row
