"""`dojo calibrate` and its measuring logic (scoring.calibration): agreement, kappa, confusion, bad lines."""
import csv
import json

import pytest
from typer.testing import CliRunner

from dojo.cli import app
from scoring.calibration import agreement, cohen_kappa, compare, parse_lines, score_records

runner = CliRunner()

SAMPLE = [
    {"id": "q1", "lang": "zh", "text": "你再不还钱，警察马上就会上门抓你。", "violations": ["false_legal_threat"], "nvc": [], "polarity": -1},
    {"id": "q2", "text": "Our records show a balance of $1,240. Could you pay $100 by Friday?", "violations": [],
     "nvc": ["observation", "request"], "polarity": 0},
    {"id": "q3", "lang": "en", "text": "It would be a shame if your boss found out about this.", "violations": [],
     "nvc": [], "polarity": 0},  # labelled clean on purpose: a disagreement to report
]


@pytest.mark.parametrize(
    "pairs, expected",
    [
        ([(True, True), (False, False)], 1.0),
        ([(True, False), (False, True)], -1.0),
        ([(True, True), (True, True)], 1.0),
        ([(1, 1), (0, 0), (-1, 0), (0, 0)], 5 / 9),  # po 3/4, pe 7/16
    ],
)
def test_cohen_kappa(pairs, expected):
    assert cohen_kappa(pairs) == pytest.approx(expected)


def test_agreement_counts_the_positive_class():
    item = agreement("violation", [(True, True), (True, False), (False, True), (False, False)])
    assert (item.accuracy, item.recall, item.precision) == (0.5, 0.5, 0.5)


def test_bad_lines_are_reported_and_the_rest_measured():
    lines = [json.dumps(SAMPLE[0], ensure_ascii=False), "{oops", json.dumps({"text": "hi", "lang": "en", "polarity": 5}),
             json.dumps({"text": "hi", "violations": "threat_of_violence", "polarity": 0}), json.dumps(SAMPLE[1])]
    records, bad = parse_lines(lines)
    assert [number for number, _ in records] == [1, 5]
    assert [number for number, _ in bad] == [2, 3, 4]
    assert "polarity" in bad[1][1] and "violations" in bad[2][1]
    assert records[1][1].lang == "en"  # detected when left out


def test_compare_finds_the_disagreement_with_its_evidence():
    records, _ = parse_lines([json.dumps(item, ensure_ascii=False) for item in SAMPLE])
    report = compare(score_records([record for _, record in records]))
    assert report.n == 3
    assert report.criterion("violation").n == 3
    flagged = [d for d in report.disagreements if d.id == "q3" and d.criterion == "violation"]
    assert flagged and "third_party_disclosure" in flagged[0].graded and "boss" in flagged[0].evidence
    assert report.confusion["false_legal_threat"].get("false_legal_threat") == 1


def test_calibrate_command_writes_csv_and_html(tmp_path):
    sample = tmp_path / "qa.jsonl"
    sample.write_text("\n".join(json.dumps(item, ensure_ascii=False) for item in SAMPLE) + "\n{broken\n", encoding="utf-8")
    out_csv, out_html = tmp_path / "d.csv", tmp_path / "r.html"
    result = runner.invoke(app, ["calibrate", str(sample), "--csv", str(out_csv), "--html", str(out_html)])
    assert result.exit_code == 0, result.output
    assert "kappa" in result.output and "line 4: skipped" in result.output
    rows = list(csv.reader(out_csv.open(encoding="utf-8")))
    assert rows[0][:3] == ["id", "lang", "criterion"] and any(row[0] == "q3" for row in rows)
    assert "<table>" in out_html.read_text(encoding="utf-8")


def test_calibrate_command_names_an_unreadable_file(tmp_path):
    result = runner.invoke(app, ["calibrate", str(tmp_path / "missing.jsonl")])
    assert result.exit_code != 0
