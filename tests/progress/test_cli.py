"""`dojo report|trainer|certify|trainee` end to end on a real file: output formats, and every bad
input (unknown ids, past due date, locked or newer database, broken policy) a clear error, exit 2,
nothing written."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3

import pytest
from typer.testing import CliRunner

from dojo.cli import app
from progress.store import Store
from progress_fixtures import SCENARIOS, play, report, violation


@pytest.fixture
def cli(db_path, store, clock, monkeypatch):
    """Run `dojo …` in-process against the test's file, the test's scenarios standing in for the catalogue."""
    monkeypatch.setenv("DOJO_DB", str(db_path))
    monkeypatch.setattr("dojo.store_cli.sync_catalog", lambda opened: opened.sync_scenarios(SCENARIOS))
    store.ensure_user("boss", "Boss", role="lead")
    store.ensure_user("coach", "Coach", role="trainer")
    store.ensure_user("li", "李雷")
    play(store, clock, "s1", "li", "hostile_cn", mode="exam", turn_violations=[violation("harassment")],
         final=report(overall=66))
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)
    return run


def test_report_formats(cli):
    table = cli("report", "team")
    assert table.exit_code == 0 and "Team overview / 团队概览" in table.stdout
    rows = list(csv.DictReader(io.StringIO(cli("report", "team", "--csv").stdout)))
    assert [(r["trainee"], r["completed"]) for r in rows] == [("li", "1")]
    funnel = list(csv.DictReader(io.StringIO(cli("report", "team", "--csv", "--table", "funnel").stdout)))
    assert funnel[0]["stage"] == "registered"
    trainee = json.loads(cli("report", "trainee", "li", "--json").stdout)
    assert trainee["summary"]["avg_overall"] == 66.0
    scenario = json.loads(cli("report", "scenario", "hostile_cn", "--json").stdout)
    assert scenario["summary"]["sessions"] == 1


def test_report_writes_charts(cli, tmp_path):
    result = cli("report", "team", "--chart", str(tmp_path / "funnel.png"),
                 "--violations-chart", str(tmp_path / "violations.png"))
    assert result.exit_code == 0
    for name in ("funnel.png", "violations.png"):
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
    assert cli("report", "trainee", "li", "--chart", str(tmp_path / "li.png")).exit_code == 0
    assert (tmp_path / "li.png").stat().st_size > 1000


@pytest.mark.parametrize("args,message", [
    (("report", "trainee", "nobody"), "unknown trainee 'nobody'"),
    (("report", "scenario", "nowhere"), "unknown scenario 'nowhere'"),
    (("trainer", "transcript", "never"), "unknown session 'never'"),
    (("report", "team", "--csv", "--json"), "choose one"),
    (("certify", "status", "nobody"), "unknown trainee"),
    (("certify", "confirm", "li", "--level", "1", "--by", "coach", "--reason", "ok"), "not allowed to certify"),
    (("trainee", "export", "li", "--by", "coach"), "not allowed to export"),
    (("trainee", "delete", "li", "--by", "li", "--yes"), "not allowed to delete"),
    (("trainee", "role", "li", "lead", "--by", "coach"), "not allowed to promote"),
])
def test_bad_input_is_one_clear_line_and_exit_2(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_assign_all_or_nothing(cli, store):
    tomorrow = (dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)).isoformat()  # the CLI runs on real time
    ok = cli("trainer", "assign", "li", "--scenario", "evasive_cn", "--due", tomorrow, "--mode", "exam",
             "--by", "coach", "--json")
    assert ok.exit_code == 0, ok.stderr
    assert json.loads(ok.stdout)[0]["state"] == "assigned"
    for args, message in [
        (("li", "ghost", "--scenario", "evasive_cn", "--due", tomorrow), "unknown trainee 'ghost'"),
        (("li", "--scenario", "evasive_cn", "--due", "2001-01-01"), "in the past"),
        (("li", "--scenario", "evasive_cn", "--due", "next week"), "is not a date"),
        (("li", "--scenario", "nowhere", "--due", tomorrow), "unknown scenario"),
    ]:
        result = cli("trainer", "assign", *args, "--by", "coach")
        assert result.exit_code == 2 and message in result.stderr, args
    assert len(store.assignments()) == 1
    listed = json.loads(cli("trainer", "assignments", "--trainee", "li", "--json").stdout)
    assert [a["scenario_id"] for a in listed] == ["evasive_cn"]
    assert "evasive_cn" in cli("trainer", "assignments").stdout
    assert cli("trainer", "assignments", "--status", "overdue", "--csv").stdout.count("\n") == 1


def test_transcript(cli):
    text = cli("trainer", "transcript", "s1").stdout
    assert "trainee line 1" in text and "harassment" in text and "debtor line 2" in text
    data = json.loads(cli("trainer", "transcript", "s1", "--json").stdout)
    assert [v["category"] for v in data["turns"][0]["violations"]] == ["harassment"]


def test_certify_cycle(cli, store):
    assert "还需" in cli("certify", "status", "li", "--lang", "zh").stdout
    assert cli("certify", "confirm", "li", "--level", "1", "--by", "boss", "--reason", "manual").exit_code == 0
    assert store.current_level("li") == 1
    assert cli("certify", "revoke", "li", "--by", "boss", "--reason", "complaint").exit_code == 0
    history = json.loads(cli("certify", "history", "li", "--json").stdout)
    assert history[0]["revoke_reason"] == "complaint"


def test_export_then_delete(cli, store, tmp_path):
    out = tmp_path / "li.json"
    assert cli("trainee", "export", "li", "--by", "boss", "--out", str(out)).exit_code == 0
    assert json.loads(out.read_text())["sessions"][0]["turns"][0]["trainee_text"] == "trainee line 1"
    refused = cli("trainee", "delete", "li", "--by", "boss", input="n\n")
    assert refused.exit_code != 0 and len(store.session_turns("s1")) == 2
    kept = tmp_path / "before-delete.json"
    done = cli("trainee", "delete", "li", "--by", "boss", "--yes", "--export-to", str(kept))
    assert done.exit_code == 0 and kept.is_file()
    assert store.session_turns("s1") == [] and store.session("s1")["overall"] == 66.0


def test_users(cli, store):
    assert cli("trainee", "add", "wu", "--name", "Wu", "--telegram-id", "99").exit_code == 0
    assert cli("trainee", "role", "wu", "trainer", "--by", "boss").exit_code == 0
    assert store.get_user("wu")["role"] == "trainer"
    users = json.loads(cli("trainee", "list", "--json").stdout)
    assert {"boss", "coach", "li", "wu"} == {u["id"] for u in users}
    assert cli("trainee", "add", "zhao", "--role", "admin").exit_code == 2


def test_a_locked_database(cli, db_path, monkeypatch):
    opener = Store.open.__func__
    monkeypatch.setattr(Store, "open", classmethod(
        lambda cls, path, **kwargs: opener(cls, path, **{**kwargs, "busy_timeout": 0.2})))
    holder = sqlite3.connect(str(db_path), isolation_level=None)
    holder.execute("begin immediate")
    try:
        result = cli("trainer", "assign", "li", "--scenario", "evasive_cn", "--due", "2099-01-01", "--by", "coach")
    finally:
        holder.execute("rollback")
        holder.close()
    assert result.exit_code == 2 and "locked" in result.stderr


def test_a_newer_database(cli, db_path):
    db = sqlite3.connect(str(db_path))
    db.execute("insert into _sqlite_migrations (migration_set, name, applied_at) values ('dojo', 'm999_x', 'later')")
    db.commit()
    db.close()
    result = cli("report", "team")
    assert result.exit_code == 2 and "newer CollectorDojo" in result.stderr


def test_a_malformed_policy(cli, tmp_path, monkeypatch):
    broken = tmp_path / "certification.yml"
    broken.write_text("levels:\n  - level: 1\n    window_days: 30\n"
                      "    min_scores: {overall: high}\n", encoding="utf-8")
    monkeypatch.setattr("foundation.paths.certification_policy", lambda: broken)
    result = cli("certify", "status", "li")
    assert result.exit_code == 2
    assert f"{broken}:4: levels[0].min_scores.overall" in result.stderr


def test_reports_show_a_silent_session_as_abandoned(cli, store):
    store.start_session("gone", "li", "hostile_cn", "zh", "coach", "telegram")  # fixture clock: long ago
    store.record_turn("gone", 1, "您好", None, None, "谁？", {}, None, None)
    trainee = json.loads(cli("report", "trainee", "li", "--json").stdout)
    assert trainee["summary"]["abandoned"] == 1 and trainee["summary"]["active"] == 0
    assert store.session("gone")["status"] == "abandoned" and len(store.session_turns("gone")) == 1
