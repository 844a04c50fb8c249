"""Second readings: a pass labelled again by someone who saw only the guide and the texts.

They answer a question the leave-one-author-out table cannot: when the grader disagrees with an
author, is the label in doubt or is the grader? If a second reader agrees with the author far more
often than the grader does, the gates are reachable and the grader is what falls short. The figures
are printed by `make test` and must match docs/scoring.md, "A second reading".
"""
from pathlib import Path
from typing import List

import pytest

from foundation.paths import REPO_ROOT
from scoring.calibration import NVC_PARTS, agreement
from scoring.dataset import LabelledReply, eval_dir, load_file, load_pass
from scoring.evaluation import LANGS, Figures, table_lines


def second_readings() -> List[Path]:
    return sorted((eval_dir() / "second_readings").glob("*.r2.jsonl"))


def pass_of(path: Path) -> str:
    return path.name.split(".", 1)[0]


def agreement_row(author: List[LabelledReply], second: List[LabelledReply]) -> str:
    """The second reader measured against the author, as the evaluation table measures the grader."""
    pairs = list(zip(author, second))
    by_lang = {lang: agreement("violation", [(bool(a.violations), bool(s.violations)) for a, s in pairs if a.lang == lang])
               for lang in LANGS}
    both = [(a, s) for a, s in pairs if a.violations and s.violations]
    figures = Figures(
        name=f"{author[0].author}, second reader",
        n=len(pairs),
        recall={lang: item.recall for lang, item in by_lang.items()},
        precision={lang: item.precision for lang, item in by_lang.items()},
        category=sum(1 for a, s in both if s.violations[0] in a.violations) / len(both) if both else 1.0,
        nvc_f1={part: agreement(part, [(part in a.nvc, part in s.nvc) for a, s in pairs]).f1 for part in NVC_PARTS},
        polarity=agreement("polarity", [(a.polarity, s.polarity) for a, s in pairs], positive=-1).accuracy,
    )
    return table_lines([figures])[-1]


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
