"""First, best, latest and lift; proficiency with a 30-day half-life shown from three sessions."""
from __future__ import annotations

import pytest

from drill_world import play
from progress import reports


def test_first_best_latest_and_lift_per_scenario(store, clock):
    for n, score in enumerate((55, 81, 74)):
        play(store, clock, f"h{n}", "li", "hostile-s1", overall=score, days_later=1)
    play(store, clock, "e1", "li", "hostile-s1", mode="exam", overall=78, days_later=1)
    play(store, clock, "w1", "li", "evasive-s1", overall=60, days_later=1)
    rows = {row["scenario"]: row for row in store.scenario_lift("li")}
    assert rows["hostile-s1"] == {"trainee": "li", "scenario": "hostile-s1", "attempts": 4, "first": 55, "best": 81,
                                  "latest": 78, "lift": 26, "exams": 1, "best_exam": 78, "exams_passed": 1}
    assert rows["evasive-s1"]["lift"] == 0 and rows["evasive-s1"]["best_exam"] is None


def test_proficiency_is_hidden_until_three_sessions_then_time_weighted(store, clock):
    play(store, clock, "a", "wu", overall=40)
    play(store, clock, "b", "wu", overall=80, days_later=30)
    assert store.proficiency("wu")[0]["overall"] is None
    play(store, clock, "c", "wu", overall=80, days_later=30)
    # weights now: a 60 days old (1/4), b 30 days old (1/2), c today (1)
    row = store.proficiency("wu")[0]
    assert row["sessions"] == 3
    assert row["overall"] == pytest.approx(round((0.25 * 40 + 0.5 * 80 + 80) / 1.75, 1), abs=0.05)


def test_the_trainee_report_shows_lift_proficiency_weak_points_and_drills(store, clock):
    play(store, clock, "a", "qian", overall=60)
    report = reports.trainee_report(store, "qian")
    assert {"lift", "proficiency", "weak_points", "drills"} <= set(report.table_names)
    assert report["lift"][0]["first"] == 60
