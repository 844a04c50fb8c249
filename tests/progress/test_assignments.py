"""Trainers assign scenarios with due dates; a finished session of that scenario and mode completes them."""
from __future__ import annotations

import datetime as dt

import pytest

from progress.errors import AccessDenied, InvalidInput, UnknownScenario, UnknownTrainee, UnknownUser
from progress_fixtures import play


@pytest.fixture
def people(store):
    store.ensure_user("coach", "Coach Zhang", role="trainer")
    store.ensure_user("li", "Li Lei")
    return store


def test_assign_then_finish_completes_the_earliest_matching_assignment(people, clock):
    store = people
    later = store.assign("coach", "li", "hostile_cn", "exam", store.today() + dt.timedelta(days=7))
    sooner = store.assign("coach", "li", "hostile_cn", "exam", store.today() + dt.timedelta(days=2))
    coach_only = store.assign("coach", "li", "hostile_cn", "coach", store.today() + dt.timedelta(days=2))
    result = play(store, clock, "s1", "li", "hostile_cn", mode="exam")
    assert result["assignments_completed"] == [sooner["id"]]
    states = {a["id"]: (a["state"], a["session_id"]) for a in store.assignments(trainee_id="li")}
    assert states == {sooner["id"]: ("completed", "s1"), later["id"]: ("assigned", None),
                      coach_only["id"]: ("assigned", None)}


def test_overdue_is_derived_from_the_due_date(people, clock):
    store = people
    store.assign("coach", "li", "evasive_us", "coach", store.today())
    assert [a["state"] for a in store.assignments(status="overdue")] == []
    clock.advance(days=1)
    overdue = store.assignments(status="overdue")
    assert [a["scenario_id"] for a in overdue] == ["evasive_us"] and overdue[0]["state"] == "overdue"
    assert store.assignments(trainer_id="coach", status="assigned")[0]["state"] == "overdue"


@pytest.mark.parametrize("trainer,trainee,scenario,mode,days,error", [
    ("coach", "nobody", "hostile_cn", "coach", 1, UnknownTrainee),
    ("ghost", "li", "hostile_cn", "coach", 1, UnknownUser),
    ("li", "li", "hostile_cn", "coach", 1, AccessDenied),
    ("coach", "li", "no_such_case", "coach", 1, UnknownScenario),
    ("coach", "li", "hostile_cn", "coach", -1, InvalidInput),
    ("coach", "li", "hostile_cn", "drill", 1, InvalidInput),
])
def test_bad_assignments_are_refused_and_nothing_is_written(people, trainer, trainee, scenario, mode, days, error):
    store = people
    with pytest.raises(error):
        store.assign(trainer, trainee, scenario, mode, store.today() + dt.timedelta(days=days))
    assert store.assignments() == []


def test_an_inactive_scenario_cannot_be_assigned(people):
    store = people
    store.sync_scenarios([{"id": "hostile_cn", "persona": "hostile", "languages": ["zh"]}])
    with pytest.raises(UnknownScenario):
        store.assign("coach", "li", "evasive_us", "coach", store.today())


def test_cancel_assignment(people):
    store = people
    assignment = store.assign("coach", "li", "hostile_cn", "coach", store.today())
    assert store.cancel_assignment(assignment["id"], by="coach")["state"] == "cancelled"
