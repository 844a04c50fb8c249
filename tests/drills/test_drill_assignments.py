"""Trainers assign drill sets like scenarios: due dates, reminders' data, completion by a matching set."""
from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from dojo.cli import app
from drills import load_bank, start_drill_set
from progress.errors import InvalidInput
from progress.store import Store


def finish_all(store, run, rewrite="I understand. Could you pay $50 by Friday?"):
    for position in range(1, len(run.items) + 1):
        run.answer(position, rewrite)
    return store.finish_drill_set(run.drill_set_id)


def test_a_drill_assignment_is_completed_by_a_set_on_its_topic(store, clock, bank):
    store.ensure_user("coach", role="trainer")
    store.ensure_user("li")
    due = store.today() + dt.timedelta(days=3)
    assignment = store.assign_drill("coach", "li", "harassment", due)
    assert assignment["drill"] == "harassment" and assignment["scenario_id"] is None and assignment["state"] == "assigned"
    other = start_drill_set(store, bank, "li", "en", "cli", focus="abusive_language")
    assert finish_all(store, other)["assignments_completed"] == []
    run = start_drill_set(store, bank, "li", "en", "cli", focus="harassment")
    assert finish_all(store, run)["assignments_completed"] == [assignment["id"]]
    assert store.assignment(assignment["id"])["state"] == "completed"


def test_a_past_due_date_or_a_trainee_assigner_is_refused(store, clock):
    store.ensure_user("li")
    store.ensure_user("coach", role="trainer")
    with pytest.raises(InvalidInput):
        store.assign_drill("coach", "li", "auto", store.today() - dt.timedelta(days=1))
    with pytest.raises(Exception, match="assign drills"):
        store.assign_drill("li", "li", "auto", store.today())


def test_cli_assigns_drills_and_checks_the_topic(tmp_path, monkeypatch):
    db = tmp_path / "dojo.db"
    monkeypatch.setenv("DOJO_DB", str(db))
    with Store.open(db) as store:
        store.ensure_user("coach", role="trainer")
        store.ensure_user("li")
        store.ensure_user("wu")
    due = (dt.date.today() + dt.timedelta(days=7)).isoformat()
    result = CliRunner().invoke(app, ["trainer", "assign", "li", "wu", "--drill", "auto", "--due", due,
                                      "--trainer", "coach", "--json"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["trainer", "assign", "li", "--drill", "calling_hours", "--due", due,
                                      "--trainer", "coach"])
    assert result.exit_code == 2 and "no drills on 'calling_hours'" in result.output
    result = CliRunner().invoke(app, ["trainer", "assign", "li", "--due", due, "--trainer", "coach"])
    assert result.exit_code == 2 and "either --scenario" in result.output
    with Store.open(db) as store:
        assert [a["drill"] for a in store.assignments()] == ["auto", "auto"]
