"""The labelled passes, and the figures that cannot flatter: leave-one-author-out folds and the blind passes.

`make test` prints the table (the graders are fitted once per data version and cached in
var/cache/scoring; `make scoring-model` fits them ahead).
"""
from collections import Counter

import pytest

from scoring.categories import REPLY_CATEGORIES
from scoring.dataset import BLIND, load_pass, load_split, pass_names
from scoring.evaluation import GATES, blind_figures, evaluation_lines, leave_one_author_out, mean, worst
from scoring.training import live_grader, live_pass_names


def test_original_pass_composition():
    tune, test = load_split("tune"), load_split("test")
    everything = tune + test
    assert len(everything) >= 400
    for split in (tune, test):
        langs = Counter(record.lang for record in split)
        assert abs(langs["zh"] - langs["en"]) <= len(split) * 0.05
        assert {c for r in split for c in r.violations} == set(REPLY_CATEGORIES)
        assert {r.polarity for r in split} == {-1, 0, 1}
        assert sum(1 for r in split if not r.violations) >= len(split) // 4  # clean replies incl. hard negatives
        assert any(0 < len(r.nvc) < 4 for r in split)  # partial NVC
    assert any(len(r.nvc) == 4 for r in everything)
    assert not {r.text for r in tune} & {r.text for r in test}, "test replies must not appear in tune"


@pytest.mark.parametrize("name", pass_names())
def test_every_pass_loads_and_is_one_author(name):
    records = load_pass(name)  # validates every line; errors name file, line and field
    assert records
    assert {record.author for record in records} == {name}
    if name != "a0":
        assert len({record.id for record in records}) == len(records)


def test_blind_passes_never_train_the_graders_being_tuned():
    assert not set(BLIND) & set(live_pass_names())
    assert not set(BLIND) & set(live_grader().trained_on)


@pytest.fixture(scope="module")
def folds():
    return leave_one_author_out()


@pytest.fixture(scope="module")
def blind():
    return blind_figures()


def test_leave_one_author_out_table(folds, blind, capsys):
    with capsys.disabled():
        print("\n\n" + "\n".join(evaluation_lines(folds, blind)) + "\n")
    assert len(folds) >= 2


def _misses(row):
    return row.below(GATES)


def test_gates_hold_on_the_worst_fold(folds):
    rows = [fold.figures for fold in folds]
    assert _misses(worst(rows)) == []


def test_gates_hold_on_the_mean(folds):
    rows = [fold.figures for fold in folds]
    assert _misses(mean(rows)) == []


def test_gates_hold_on_the_blind_passes(blind):
    for figures in blind:
        assert _misses(figures) == []
