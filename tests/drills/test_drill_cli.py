"""`dojo drill` end to end on a real store file: --script, --json, what is recorded, and bad input."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dojo.cli import app
from progress.store import Store

GOOD = {"zh": "我理解您现在很困难，我们一起想办法。您看这周五前先还五百元可以吗？",
        "en": "I understand this is hard, and I want to help. Could you pay $50 by Friday?"}
BAD = {"zh": "你这个骗子，再不还就让你坐牢。", "en": "You deadbeat, pay up or you go to jail."}


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "dojo.db"
    monkeypatch.setenv("DOJO_DB", str(path))
    return path


def run(args):
    return CliRunner().invoke(app, ["drill", *args])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_scripted_set_prints_one_json_object_per_graded_item_and_is_recorded(db, tmp_path, lang):
    script = tmp_path / "rewrites.txt"
    script.write_text("\n".join([GOOD[lang], BAD[lang], GOOD[lang], GOOD[lang], GOOD[lang]]) + "\n", encoding="utf-8")
    result = run(["--trainee", "mei", "--lang", lang, "--script", str(script), "--json"])
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 5 and lines[1]["passed"] is False and lines[1]["violations"]
    assert all(line["lang"] == lang and line["better"] and line["collector"] for line in lines)
    with Store.open(db) as store:
        (drill_set,) = store.drill_sets("mei")
        assert drill_set["status"] == "completed" and drill_set["items"] == 5
        assert drill_set["passed"] == sum(line["passed"] for line in lines)
        stored = store.drill_set(drill_set["drill_set"])
        assert [a["rewrite"] for a in stored["attempts"]][1] == BAD[lang]


def test_a_script_that_runs_out_leaves_an_abandoned_set_with_what_was_answered(db, tmp_path):
    script = tmp_path / "short.txt"
    script.write_text(GOOD["en"] + "\n", encoding="utf-8")
    result = run(["--trainee", "mei", "--lang", "en", "--script", str(script), "--topic", "harassment"])
    assert result.exit_code == 0, result.stderr
    assert "Next: a full scenario" in result.stdout
    with Store.open(db) as store:
        (drill_set,) = store.drill_sets("mei")
        assert drill_set["status"] == "abandoned" and drill_set["focus"] == ["harassment"]
        assert sum(a["rewrite"] is not None for a in store.drill_set(drill_set["drill_set"])["attempts"]) == 1


@pytest.mark.parametrize("args, message", [
    (["--lang", "fr"], "--lang must be zh or en"),
    (["--topic", "calling_hours"], "no drills on 'calling_hours'"),
])
def test_bad_options_get_one_clear_line(db, tmp_path, args, message):
    script = tmp_path / "s.txt"
    script.write_text("x\n", encoding="utf-8")
    result = run(["--trainee", "mei", "--script", str(script), *args])
    assert result.exit_code != 0
    assert message in (result.stderr + result.stdout + str(result.exception))
