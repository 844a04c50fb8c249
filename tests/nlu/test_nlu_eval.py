"""scripts/nlu_eval.py's arithmetic and exit codes, checked without a trained model."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_training_data import nlu_eval  # noqa: E402  (loads the script once, by path)

Example, Entity, Prediction = nlu_eval.Example, nlu_eval.Entity, nlu_eval.Prediction


def prediction(gold, got, lang="en", gold_entities=(), found_entities=(), ranked=None):
    example = Example("text", gold, lang, tuple(gold_entities), "t.yml", 1)
    return Prediction(example, got, 0.9, tuple(found_entities), ranked)


@pytest.mark.parametrize("gold, predicted, expected", [
    (["a", "a", "b", "b"], ["a", "a", "b", "b"], {"a": 1.0, "b": 1.0}),
    (["a", "a", "b", "b"], ["a", "b", "b", "b"], {"a": 2 / 3, "b": 0.8}),
    (["a", "a", "b", "b"], ["nlu_fallback", "a", "b", "b"], {"a": 2 / 3, "b": 1.0}),
    (["a", "b"], ["b", "a"], {"a": 0.0, "b": 0.0}),
])
def test_per_intent_f1(gold, predicted, expected):
    scores = {s.intent: s.f1 for s in nlu_eval.score_intents(gold, predicted)}
    assert scores == pytest.approx(expected)


def test_report_splits_macro_f1_by_language_and_lists_errors():
    predictions = [prediction("greet", "greet", "en"), prediction("greet", "greet", "zh"),
                   prediction("insult", "argue", "zh"), prediction("insult", "insult", "en")]
    report = nlu_eval.build_report(predictions)
    assert report.macro_f1_by_lang == pytest.approx({"en": 1.0, "zh": (1.0 + 0.0) / 2})
    assert report.accuracy == pytest.approx(0.75)
    assert [p.example.lang for p in report.errors] == ["zh"]


@pytest.mark.parametrize("found, expected", [
    ([Entity(0, 3, "amount", "500")], 1.0),
    ([Entity(0, 2, "amount", "50")], 0.0),
    ([Entity(0, 3, "date", "500")], 0.0),
    ([], 0.0),
])
def test_entity_f1_needs_exact_span_and_type(found, expected):
    report = nlu_eval.build_report([prediction("propose_payment", "propose_payment",
                                               gold_entities=[Entity(0, 3, "amount", "500")],
                                               found_entities=found)])
    assert report.entity_f1 == pytest.approx(expected)


def test_overall_macro_f1_is_the_first_figure_printed():
    """CI reads the first 'macro-F1 <number>' in the output, so it must be the overall one."""
    import re

    report = nlu_eval.build_report([prediction("greet", "greet", "en"), prediction("greet", "insult", "zh"),
                                    prediction("insult", "insult", "zh")])
    text = nlu_eval.render(report, 0.9, show_errors=True)
    first = re.search(r"macro[- ]F1[^0-9]*([01]\.\d+)", text, re.I)
    assert float(first.group(1)) == pytest.approx(report.macro_f1, abs=1e-3)
    assert "FAIL" in text.splitlines()[0]
    assert "greet -> insult" in text


def test_missing_model_is_a_usage_error(tmp_path, capsys):
    assert nlu_eval.main(["--model", str(tmp_path / "none.tar.gz")]) == 2
    assert "no trained model" in capsys.readouterr().err


def test_fallbacks_count_as_misses_but_their_ranked_intent_is_reported():
    report = nlu_eval.build_report([prediction("greet", "nlu_fallback", ranked="greet"),
                                    prediction("insult", "insult"),
                                    prediction("argue", "nlu_fallback", ranked="insult")])
    assert report.macro_f1 == pytest.approx((0.0 + 1.0 + 0.0) / 3)
    assert report.macro_f1_without_fallback == pytest.approx((1.0 + 2 / 3 + 0.0) / 3)
    assert "fallbacks: 2" in nlu_eval.render(report, 0.9, show_errors=False)
