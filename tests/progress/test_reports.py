"""Reports agree with the rows they summarise; CSV and JSON carry the same numbers."""
from __future__ import annotations

import csv
import io
import json
from statistics import mean

import pytest

from dojo import report_render as render
from progress import reports
from progress.errors import UnknownScenario, UnknownSession, UnknownTrainee
from progress_fixtures import play, report, violation


@pytest.fixture
def team(store, clock):
    """Three trainees with a mix of completed, failed, abandoned sessions and violations."""
    store.ensure_user("coach", role="trainer")
    for trainee in ("li", "wu", "zhao"):
        store.ensure_user(trainee, trainee.title())
    plan = [
        ("li", "hostile_cn", "exam", 80, []), ("li", "evasive_cn", "coach", 60, [violation("harassment")]),
        ("li", "hostile_cn", "coach", 45, [violation("false_legal_threat", "critical")]),
        ("wu", "hostile_cn", "exam", 90, []), ("wu", "willing_but_broke_us", "exam", 70,
                                              [violation("abusive_language", "major")]),
    ]
    for number, (trainee, scenario, mode, overall, found) in enumerate(plan):
        play(store, clock, f"s{number}", trainee, scenario, mode=mode, turn_violations=found,
             final=report(overall=overall, passed=overall >= 75), outcome="payment_plan" if overall > 60 else "refused")
        clock.advance(hours=2)
    store.start_session("dropped", "li", "hostile_cn", "zh", "coach", "telegram")
    store.record_turn("dropped", 1, "hello", None, None, "who?", {}, None, None)
    clock.advance(hours=2)
    store.mark_abandoned(30)
    store.assign("coach", "zhao", "evasive_cn", "exam", store.today())
    clock.advance(days=2)
    return store


def _completed(store, trainee):
    return [s for s in store.sessions_for(trainee, limit=1000) if s["status"] == "completed"]


def test_trainee_report_matches_the_rows(team):
    result = reports.trainee_report(team, "li")
    rows = team.sessions_for("li", limit=1000)
    done = _completed(team, "li")
    summary = result.summary
    assert (summary["sessions"], summary["completed"], summary["abandoned"]) == (4, 3, 1)
    assert summary["avg_overall"] == round(mean(s["overall"] for s in done), 1)
    assert summary["violations"] == sum(s["violation_count"] for s in rows) == 2
    assert summary["critical"] == 1
    assert [r["session"] for r in result.table("sessions").rows] == [s["id"] for s in rows]
    assert {r["category"]: r["violations"] for r in result.table("violations").rows} == \
        {"harassment": 1, "false_legal_threat": 1}
    assert summary["level_held"] == 0 and summary["next_level"] == 1
    assert any("Evasive" in line for line in summary["what_is_left_en"])


def test_team_report_matches_the_rows(team):
    result = reports.team_report(team)
    by_trainee = {row["trainee"]: row for row in result.table("trainees").rows}
    assert set(by_trainee) == {"li", "wu", "zhao"}
    for trainee, row in by_trainee.items():
        done = _completed(team, trainee)
        assert row["completed"] == len(done)
        assert row["avg_overall"] == (round(mean(s["overall"] for s in done), 1) if done else None)
        assert row["exams_passed"] == sum(1 for s in done if s["mode"] == "exam" and s["passed"])
    assert result.summary["sessions"] == 6 and result.summary["overdue_assignments"] == 1
    funnel = {row["stage"]: row["trainees"] for row in result.table("funnel").rows}
    assert funnel == {"registered": 3, "practised": 2, "sat an exam": 2, "passed an exam": 2, "level 1": 0,
                      "level 2": 0}
    assert [row["trainee"] for row in result.table("overdue").rows] == ["zhao"]
    assert result.table("overdue").rows[0]["days_overdue"] == 2


def test_scenario_report_matches_the_rows(team):
    result = reports.scenario_report(team, "hostile_cn")
    sessions = [row for row in team.query("select * from sessions where scenario_id = 'hostile_cn'")]
    done = [s for s in sessions if s["status"] == "completed"]
    assert result.summary["sessions"] == len(sessions) == 4
    assert result.summary["completed"] == len(done) == 3
    assert result.summary["pass_rate"] == round(100 * sum(s["passed"] for s in done) / len(done), 1)
    outcomes = {row["outcome"]: row["sessions"] for row in result.table("outcomes").rows}
    assert outcomes == {"payment_plan": 2, "refused": 1}
    assert {row["trainee"] for row in result.table("trainees").rows} == {"li", "wu"}


@pytest.mark.parametrize("make,error", [
    (lambda s: reports.trainee_report(s, "nobody"), UnknownTrainee),
    (lambda s: reports.scenario_report(s, "nowhere"), UnknownScenario),
    (lambda s: reports.transcript(s, "never"), UnknownSession),
])
def test_unknown_ids(store, make, error):
    with pytest.raises(error):
        make(store)


def test_csv_and_json_carry_the_same_numbers(team):
    result = reports.team_report(team)
    parsed = list(csv.DictReader(io.StringIO(render.as_csv(result))))
    assert [row["trainee"] for row in parsed] == ["li", "wu", "zhao"]
    assert parsed[0]["completed"] == str(result.table("trainees").rows[0]["completed"])
    funnel_csv = list(csv.DictReader(io.StringIO(render.as_csv(result, "funnel"))))
    assert funnel_csv[0]["stage"] == "registered"
    data = json.loads(render.as_json(result))
    assert data["summary"]["sessions"] == 6 and len(data["tables"]["trainees"]["rows"]) == 3


def test_an_empty_store_reports_zeros_with_headers(store):
    result = reports.team_report(store)
    assert result.summary["sessions"] == 0
    header = render.as_csv(result).splitlines()
    assert header[0].startswith("trainee,name,sessions") and len(header) == 1


def test_rich_rendering_shows_titles_in_both_languages(team):
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(render.as_rich(reports.trainee_report(team, "li")))
    text = console.export_text()
    assert "Trainee li / 学员 li" in text and "Violations by category / 违规分类" in text


def test_transcript_puts_findings_beside_their_turn(team):
    data = reports.transcript(team, "s2")
    assert [t["turn_no"] for t in data["turns"]] == [1, 2]
    assert [v["category"] for v in data["turns"][0]["violations"]] == ["false_legal_threat"]
    assert data["turns"][1]["violations"] == []
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(render.transcript_rich(data))
    assert "critical false or improper legal threat / 虚假或不当的法律威胁 (cn.false_legal_threat)" in console.export_text()


def test_a_report_reads_as_a_mapping_of_its_tables(team):
    result = reports.team_report(team)
    assert [row["trainee"] for row in result["trainees"]] == ["li", "wu", "zhao"]
    assert result.get("summary")["sessions"] == 6 and result.get("nothing") is None
    assert set(result) == {"kind", "subject", "title_en", "title_zh", "summary", "trainees", "funnel",
                           "violations", "overdue", "rules", "proficiency", "expiring"}
