"""The labelled set: composition checks on all of it, and the figures on the never-tuned test split."""
from collections import Counter

from scoring.categories import REPLY_CATEGORIES
from scoring.classifier import trained_model
from scoring.dataset import load_split, measure


def test_dataset_composition():
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


def test_figures_on_untouched_test_split():
    figures = measure(load_split("test"))
    print("\n" + "\n".join(figures.lines()))
    assert figures.detection_recall >= 0.95
    assert figures.detection_precision >= 0.90
    assert figures.category_accuracy >= 0.85
    for component, f1 in figures.nvc_f1.items():
        assert f1 >= 0.85, component
    assert figures.polarity_accuracy >= 0.80


def test_model_is_deterministic_and_trained_from_tune_only():
    model = trained_model()
    assert model is trained_model()  # cached per process
    probability = model.violation_probability("It would be a shame if your boss found out.")
    assert 0.0 <= probability <= 1.0
    assert model.category("I'll break your legs.") in REPLY_CATEGORIES
