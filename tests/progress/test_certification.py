"""Certification: granted exactly when the policy says (not one exam earlier), confirmed or revoked
by a lead with history kept, and a malformed policy named by file, line and field."""
from __future__ import annotations

import textwrap

import pytest

from progress.certification import load_policy
from progress.errors import AccessDenied, InvalidInput, PolicyError
from progress_fixtures import PERSONAS, play, report, violation


def _exam(store, clock, number, persona, *, lang="zh", **scores):
    regime = "cn" if lang == "zh" else "us"
    return play(store, clock, f"exam-{number}", "li", f"{persona}_{regime}", lang=lang, mode="exam",
                final=report(**scores))


def test_level_one_is_granted_by_the_last_missing_persona_and_not_before(store, clock):
    for number, persona in enumerate(PERSONAS[:-1]):
        assert _exam(store, clock, number, persona)["certification_change"] is None
        assert store.current_level("li") == 0
    left = store.certification_status("li")
    assert [(r.persona, r.have) for r in left.missing] == [("evasive", 0)]
    # What is left names the persona by its label, the way trainees know it.
    assert "Evasive" in left.what_is_left("en")[1] and "躲闪拖延型：还需 1 次" in left.what_is_left("zh")[1]

    change = _exam(store, clock, 9, "evasive")["certification_change"]
    assert (change["from_level"], change["to_level"], change["granted_levels"]) == (0, 1, [1])
    assert sorted(change["evidence"]) == sorted(f"exam-{n}" for n in (0, 1, 2, 9))
    assert store.current_level("li") == 1
    [grant] = store.certifications("li")
    assert (grant["granted_by"], grant["confirmed_at"], grant["revoked_at"]) == ("policy", None, None)


@pytest.mark.parametrize("scores,violations,why", [
    ({"overall": 74.9}, [], "overall just under 75"),
    ({"nvc": 59}, [], "NVC under 60"),
    ({"deescalation": 50}, [], "de-escalation under 60"),
    ({}, [violation("threat_of_violence", "critical")], "one critical violation"),
])
def test_a_near_miss_does_not_count(store, clock, scores, violations, why):
    for number, persona in enumerate(PERSONAS[:-1]):
        _exam(store, clock, number, persona)
    final = report(**{**{"overall": 90, "nvc": 80, "deescalation": 80}, **scores}, violations=violations)
    result = play(store, clock, "last", "li", "evasive_cn", mode="exam", final=final)
    assert result["certification_change"] is None, why
    assert store.certification_status("li").earned_level == 0


def test_coach_sessions_never_certify(store, clock):
    for number, persona in enumerate(PERSONAS):
        play(store, clock, f"c{number}", "li", f"{persona}_cn", mode="coach")
    assert store.current_level("li") == 0


def test_exams_older_than_the_window_do_not_count(store, clock):
    _exam(store, clock, 0, PERSONAS[0])
    clock.advance(days=31)
    for number, persona in enumerate(PERSONAS[1:], start=1):
        assert _exam(store, clock, number, persona)["certification_change"] is None
    assert _exam(store, clock, 5, PERSONAS[0])["certification_change"]["to_level"] == 1


def test_level_two_needs_every_persona_in_both_languages_at_the_higher_bar(store, clock):
    strong = {"overall": 90, "compliance": 95, "nvc": 80, "deescalation": 80}
    changes = []
    for number, persona in enumerate(PERSONAS):
        changes.append(_exam(store, clock, number, persona, lang="zh", **strong)["certification_change"])
    assert changes[-1]["to_level"] == 1 and not any(changes[:-1])
    for number, persona in enumerate(PERSONAS[:-1], start=10):
        assert _exam(store, clock, number, persona, lang="en", **strong)["certification_change"] is None
    change = _exam(store, clock, 20, PERSONAS[-1], lang="en", **strong)["certification_change"]
    assert (change["from_level"], change["to_level"]) == (1, 2)
    assert store.certification_status("li").what_is_left("en") == ["highest level reached"]


def test_jumping_two_levels_at_once_grants_both(store, clock, tmp_path):
    path = tmp_path / "two_levels.yml"
    path.write_text(GOOD_LEVEL + GOOD_LEVEL.replace("levels:\n", "").replace("level: 1", "level: 2")
                    .replace("overall: 75", "overall: 85"), encoding="utf-8")
    store._policy = load_policy(path)
    for number, persona in enumerate(PERSONAS[:-1]):
        assert _exam(store, clock, number, persona, overall=90)["certification_change"] is None
    change = _exam(store, clock, 9, PERSONAS[-1], overall=90)["certification_change"]
    assert (change["granted_levels"], change["to_level"]) == ([1, 2], 2)
    assert [row["level"] for row in store.certifications("li")] == [1, 2]


def test_lead_confirms_and_revokes_with_reasons_and_history_is_kept(store, clock):
    store.ensure_user("boss", role="lead")
    store.ensure_user("coach", role="trainer")
    for number, persona in enumerate(PERSONAS):
        _exam(store, clock, number, persona)
    with pytest.raises(AccessDenied):
        store.certify("li", 1, by="coach", reason="looks fine")
    with pytest.raises(InvalidInput):
        store.certify("li", 1, by="boss", reason=" ")
    confirmed = store.certify("li", 1, by="boss", reason="reviewed the four exams")
    assert (confirmed["confirmed_by"], confirmed["granted_by"]) == ("boss", "policy")
    clock.advance(hours=1)
    revoked = store.revoke("li", by="boss", reason="complaint from a debtor on a live call")
    assert [r["level"] for r in revoked] == [1] and store.current_level("li") == 0
    # The same old evidence does not re-grant; a fresh exam after the revocation is needed.
    clock.advance(minutes=5)
    assert _exam(store, clock, 30, PERSONAS[0])["certification_change"] is None
    history = store.certifications("li")
    assert len(history) == 1 and history[0]["revoke_reason"].startswith("complaint")
    assert [entry["action"] for entry in store.audit_log("li")] == ["certify", "revoke"]
    with pytest.raises(InvalidInput):
        store.revoke("li", by="boss", reason="again")


def test_a_lead_can_grant_outright(store):
    store.ensure_user("boss", role="lead")
    store.ensure_user("li")
    granted = store.certify("li", 2, by="boss", reason="certified at the previous employer")
    assert granted["granted_by"] == "boss" and store.current_level("li") == 2
    with pytest.raises(InvalidInput):
        store.certify("li", 7, by="boss", reason="no such level")


def test_a_broken_policy_does_not_lose_the_exam(db_path, clock, tmp_path, monkeypatch):
    from progress.store import Store

    broken = tmp_path / "certification.yml"
    broken.write_text("levels: nope\n")
    monkeypatch.setattr("foundation.paths.certification_policy", lambda: broken)
    with Store.open(db_path, clock=clock) as store:
        result = play(store, clock, "s1", "li", "hostile_cn", mode="exam")
        assert "levels" in result["certification_error"] and result["certification_change"] is None
        assert store.session("s1")["status"] == "completed"


GOOD_LEVEL = """\
levels:
  - level: 1
    window_days: 30
    min_scores: {overall: 75}
"""


@pytest.mark.parametrize("text,line,field", [
    ("", None, None),
    ("levels: [\n", 2, None),
    ("other: 1\n", 1, "levels"),
    ("levels: []\n", 1, "levels"),
    (GOOD_LEVEL.replace("overall: 75", "overall: 175"), 4, "levels[0].min_scores.overall"),
    (GOOD_LEVEL.replace("overall: 75", "kindness: 75"), 4, "levels[0].min_scores.kindness"),
    (GOOD_LEVEL.replace("window_days: 30", "window_days: soon"), 3, "levels[0].window_days"),
    # A level's name is a label: it lives in data/i18n/labels.yml, never in the policy.
    (GOOD_LEVEL + "    name: {zh: 一级, en: Level 1}\n", 5, "levels[0].name"),
    (GOOD_LEVEL.replace("level: 1", "level: 9"), 2, "levels[0].level"),
    (GOOD_LEVEL + "    personas: [hostile, grumpy]\n", 5, "levels[0].personas"),
    (GOOD_LEVEL + "    languages: [zh, fr]\n", 5, "levels[0].languages"),
    (GOOD_LEVEL + "    mode: drill\n", 5, "levels[0].mode"),
    (GOOD_LEVEL + "    colour: red\n", 5, "levels[0].colour"),
    (GOOD_LEVEL.replace("level: 1", "level: 2"), 2, "levels"),
    (GOOD_LEVEL.replace("    window_days: 30\n", ""), 2, "levels[0].window_days"),
])
def test_a_malformed_policy_names_file_line_and_field(tmp_path, text, line, field):
    path = tmp_path / "certification.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert (caught.value.line, caught.value.field) == (line, field)
    assert str(path) in str(caught.value)


def test_missing_policy_file(tmp_path):
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "absent.yml")


def test_the_shipped_policy_loads(policy):
    assert [rule.level for rule in policy.levels] == [1, 2]
    level_one = policy.level(1)
    assert dict(level_one.min_scores) == {"overall": 75, "nvc": 60, "deescalation": 60}
    assert level_one.max_critical_violations == 0 and level_one.window_days == 30
    assert policy.level(2).languages == ("zh", "en")
