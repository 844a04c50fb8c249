"""`dojo score`: a readable verdict for one text, JSON Lines in order with per-line errors."""
import json

import pytest
from typer.testing import CliRunner

from dojo.cli import app

runner = CliRunner()


def test_readable_verdict():
    result = runner.invoke(app, ["score", "--lang", "en", "If you don't pay, the police will arrest you."])
    assert result.exit_code == 0, result.output
    assert "1692e(4)" in result.output and "Verdict" in result.output


def test_readable_verdict_zh_with_regime():
    result = runner.invoke(app, ["score", "--lang", "zh", "--regime", "us", "你就是个老赖。"])
    assert result.exit_code == 0 and "1692d(2)" in result.output


def test_json_lines_answer_every_line_in_order():
    lines = [
        json.dumps({"text": "您也不想让单位领导知道吧？", "lang": "zh"}, ensure_ascii=False),
        "{not json",
        json.dumps({"text": ""}),
        json.dumps({"text": "x" * 100_000, "lang": "en"}),
        json.dumps({"text": "hi", "lang": "fr"}),
        json.dumps({"text": "hi", "lang": "en", "regime": "eu"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "Could you pay $50 by Friday?", "regime": "cn"}),
        json.dumps({"text": "Sure, but when can you pay?", "lang": "en", "debtor_said": "Stop calling me."}),
    ]
    result = runner.invoke(app, ["score", "--json"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.output.splitlines()]
    assert len(answers) == len(lines)
    assert answers[0]["violations"][0]["category"] == "third_party_disclosure"
    for index in (1, 2, 3, 4, 5, 6):
        assert set(answers[index]) == {"error"} and answers[index]["error"]
    assert answers[7]["regime"] == "cn" and answers[7]["lang"] == "en" and answers[7]["violations"] == []
    assert answers[8]["violations"][0]["category"] == "harassment"


@pytest.mark.parametrize("args", [["score"], ["score", "--json", "extra text"]])
def test_usage_errors(args):
    result = runner.invoke(app, args, input="")
    assert result.exit_code != 0


def test_empty_text_is_a_clear_error():
    result = runner.invoke(app, ["score", "--lang", "en", "   "])
    assert result.exit_code != 0
