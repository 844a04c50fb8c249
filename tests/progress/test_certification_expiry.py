"""Certification that expires: the policy's `valid_days`, 14 days' notice in reports, renewal by an
exam on a scenario not played at that level, and the level lost when it lapses."""
from __future__ import annotations

import dataclasses

import pytest

from foundation.paths import certification_policy
from progress import reports
from progress.certification import load_policy
from progress.errors import PolicyError
from progress.store import Store
from progress_fixtures import PERSONAS, SCENARIOS, play, report

EXTRA = {"id": "hostile_extra", "persona": "hostile", "regime": "cn", "languages": ["zh", "en"],
         "title_zh": "新场景", "title_en": "new scenario", "difficulty": "2", "bucket": "M2"}


@pytest.fixture
def certified(store, clock):
    """Level 1 granted by the policy after one exam per persona (cn scenarios)."""
    store.sync_scenarios(SCENARIOS + [EXTRA])
    for persona in PERSONAS:
        play(store, clock, f"exam-{persona}", "li", f"{persona}_cn", final=report(overall=90, nvc=80, deescalation=80))
    assert store.current_level("li") == 1
    return store


def test_a_grant_lapses_after_the_policy_validity(certified, clock):
    (grant,) = certified.certifications("li")
    assert grant["expires_at"][:10] == "2027-03-02"  # granted 2026-03-02 + 365 days
    clock.advance(days=366)
    assert certified.current_level("li") == 0
    assert certified.certification_expiry("li")[0]["expired"] is True


def test_an_expiring_level_shows_in_reports_fourteen_days_ahead(certified, clock):
    assert certified.certification_expiry("li") == []
    clock.advance(days=352)
    (row,) = certified.certification_expiry("li")
    assert row["level"] == 1 and row["days_left"] == 13 and not row["expired"]
    summary = reports.trainee_report(certified, "li")["summary"]
    assert summary["level_expiring"] is True and summary["level_expires_at"].startswith("2027-03-02")
    assert [r["trainee_id"] for r in reports.team_report(certified)["expiring"]] == ["li"]


def test_renewal_needs_an_exam_on_a_scenario_not_played_at_that_level(certified, clock):
    clock.advance(days=355)
    same = play(certified, clock, "again", "li", "hostile_cn", final=report(overall=92, nvc=80, deescalation=80))
    assert "certification_renewal" not in same
    weak = play(certified, clock, "weak", "li", "hostile_extra", final=report(overall=60))
    assert "certification_renewal" not in weak
    renewed = play(certified, clock, "fresh", "li", "hostile_extra", final=report(overall=91, nvc=80, deescalation=80))
    assert renewed["certification_renewal"] == {"levels": [1], "session_id": "fresh"}
    assert certified.certification_expiry("li") == []
    clock.advance(days=30)
    assert certified.current_level("li") == 1, "the renewal counts from the renewing exam"
    assert "hostile_extra" in certified.scenarios_played_at_level("li", 1)


def test_a_lapsed_level_is_renewed_the_same_way(certified, clock):
    clock.advance(days=400)
    assert certified.current_level("li") == 0
    renewed = play(certified, clock, "back", "li", "hostile_extra", final=report(overall=91, nvc=80, deescalation=80))
    assert renewed["certification_renewal"]["levels"] == [1] and certified.current_level("li") == 1


def test_expiry_reminder_is_recorded_once(certified, clock):
    clock.advance(days=352)
    (row,) = certified.certification_expiry("li")
    assert certified.mark_expiry_reminded(row["id"]) is True
    assert certified.mark_expiry_reminded(row["id"]) is False


def test_a_policy_without_valid_days_never_expires(tmp_path, clock):
    policy = load_policy(certification_policy())
    forever = dataclasses.replace(policy, levels=tuple(dataclasses.replace(r, valid_days=None) for r in policy.levels))
    with Store.open(tmp_path / "d.db", clock=clock, policy=forever) as store:
        store.sync_scenarios(SCENARIOS)
        store.ensure_user("boss", role="lead")
        store.ensure_user("li")
        store.certify("li", 1, by="boss", reason="ok")
        clock.advance(days=4000)
        assert store.current_level("li") == 1 and store.certification_expiry("li") == []


def test_a_bad_valid_days_is_refused_with_its_line(tmp_path):
    path = tmp_path / "policy.yml"
    path.write_text("levels:\n  - level: 1\n    window_days: 30\n    min_scores: {overall: 70}\n    valid_days: 0\n",
                    encoding="utf-8")
    with pytest.raises(PolicyError, match="valid_days"):
        load_policy(path)
