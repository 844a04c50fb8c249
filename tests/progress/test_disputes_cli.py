"""`dojo dispute` and `dojo disputes` end to end on a real file: the queue in every format, a ruling
and its recomputed session, export as JSON Lines, and every bad input a clear error, exit 2."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from dispute_fixtures import RULE, VISIT, open_store, play
from dojo.cli import app
from progress_fixtures import Clock
from foundation.paths import REPO_ROOT
from simulator.catalog import load_scenarios


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """One graded session, played once for the module; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("played")
    store = open_store(folder, Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)), overall=99)
    play(store, store.clock, load_scenarios())
    store.close()
    return folder / "dojo.db"


@pytest.fixture
def cli(tmp_path, played, monkeypatch):
    shutil.copy(played, tmp_path / "dojo.db")
    monkeypatch.setenv("DOJO_DB", str(tmp_path / "dojo.db"))
    runner = CliRunner()

    def run(*args):
        return runner.invoke(app, list(args), catch_exceptions=False)
    return run


def test_dispute_queue_rule_and_export(cli):
    filed = cli("dispute", "s1", "3", RULE, "--why", "上门核实不是威胁", "--trainee", "li", "--json")
    assert filed.exit_code == 0, filed.stderr
    dispute_id = json.loads(filed.stdout)["id"]
    [row] = json.loads(cli("disputes", "--status", "open", "--json").stdout)
    assert row["id"] == dispute_id and row["trainee_marked"] == VISIT.replace("会上门", "【会上门】")
    assert row["debtor_said"] == "debtor line 2" and row["citation"] and row["source"] == "rule"
    [csv_row] = list(csv.DictReader(io.StringIO(cli("disputes", "--csv").stdout)))
    assert csv_row["finding"] == RULE and csv_row["reason"] == "上门核实不是威胁"
    table = cli("disputes")
    assert table.exit_code == 0 and "Disputes / 申诉" in table.stdout and "会上门" in table.stdout
    ruled = cli("disputes", "rule", str(dispute_id), "overturn", "--by", "coach", "--note", "核实是合规说法")
    assert ruled.exit_code == 0 and "overturned by coach" in ruled.stdout and "now: overall" in ruled.stdout
    assert json.loads(cli("disputes", "--status", "open", "--json").stdout) == []
    [item] = [json.loads(line) for line in cli("disputes", "export", "--since", "2026-01-01").stdout.splitlines()]
    assert item["text"] == VISIT and item["grader_error"] is True and item["dispute"]["note"] == "核实是合规说法"
    assert cli("disputes", "export", "--since", "2099-01-01").stdout == ""
    transcript = json.loads(cli("trainer", "transcript", "s1", "--json").stdout)
    assert transcript["turns"][2]["disputes"][0]["status"] == "overturned"
    report = json.loads(cli("report", "trainee", "li", "--json").stdout)
    [ruling] = report["tables"]["disputes"]["rows"]
    assert ruling["status"] == "overturned" and ruling["note"] == "核实是合规说法"


@pytest.mark.parametrize("args,message", [
    (("dispute", "s1", "3", RULE, "--why", "", "--trainee", "li"), "reason is required"),
    (("dispute", "s1", "3", RULE, "--why", "x" * 10_000, "--trainee", "li"), "at most 500"),
    (("dispute", "s1", "3", RULE, "--why", "not mine", "--trainee", "wang"), "not allowed"),
    (("dispute", "nope", "3", RULE, "--why", "x", "--trainee", "li"), "unknown session"),
    (("dispute", "s1", "9", RULE, "--why", "x", "--trainee", "li"), "no finding"),
    (("disputes", "--status", "closed"), "not one of open, upheld, overturned"),
    (("disputes", "rule", "1", "maybe", "--by", "coach", "--note", "x"), "not one of uphold, overturn"),
    (("disputes", "rule", "42", "uphold", "--by", "coach", "--note", "x"), "unknown dispute"),
    (("disputes", "export", "--since", "last week"), "not a date"),
])
def test_bad_input_is_one_clear_line(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2 and message in result.stderr


def test_a_second_ruling_is_refused_and_changes_nothing(cli):
    cli("dispute", "s1", "3", RULE, "--why", "x", "--trainee", "li")
    assert cli("disputes", "rule", "1", "uphold", "--by", "coach", "--note", "stands").exit_code == 0
    before = cli("disputes", "--json").stdout
    again = cli("disputes", "rule", "1", "overturn", "--by", "boss", "--note", "no")
    assert again.exit_code == 2 and "already ruled" in again.stderr
    assert cli("disputes", "--json").stdout == before


def test_validate_flags_a_rule_past_its_packs_threshold(cli, tmp_path, monkeypatch):
    cli("dispute", "s1", "3", RULE, "--why", "x", "--trainee", "li")
    cli("disputes", "rule", "1", "overturn", "--by", "coach", "--note", "grader wrong")
    quiet = cli("validate", "--skip-rasa")
    assert quiet.exit_code == 0 and "ok  disputes: no rule past its overturn threshold (1 rulings" in quiet.stdout
    assert "flagged for review past 20% overturned over at least 10 rulings" in quiet.stdout
    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data)
    pack = data / "rules" / "cn.yml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("min_rulings: 10", "min_rulings: 1"), encoding="utf-8")
    monkeypatch.setenv("DOJO_DATA_DIR", str(data))
    flagged = cli("validate", "--skip-rasa")
    assert flagged.exit_code == 0
    assert f"review  {RULE}: 1 of 1 rulings overturned (100% > 20%)" in flagged.stdout
