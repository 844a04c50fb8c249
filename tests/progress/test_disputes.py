"""Disputes on real SQLite with real grading: a trainee disputes a finding, a trainer rules, and an
overturn recomputes the turn, the session and certification from the stored findings."""
from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import threading

import httpx
import pytest

from dispute_fixtures import RULE, SCENARIO, VISIT, open_store, play
from dojo.rulings import Rescorer, session_context
from progress import dashboard, reports
from progress.errors import AccessDenied, DisputeConflict, InvalidInput, UnknownDispute
from progress.store import Store
from progress_fixtures import Clock
from progress.store_disputes import labelled_item
from scoring.rulings import rescore_session, review_thresholds
from simulator.catalog import load_scenarios


START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)  # the progress tests' clock fixture


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios()


@pytest.fixture(scope="module")
def played(tmp_path_factory, scenarios):
    """One graded session, played once for the module; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("played")
    store = open_store(folder, Clock(START), overall=99)
    play(store, store.clock, scenarios)
    store.close()
    return folder


@pytest.fixture
def world(tmp_path, clock, played):
    shutil.copy(played / "dojo.db", tmp_path / "dojo.db")
    clock.advance(minutes=2)  # where the played session left its clock
    store = open_store(tmp_path, clock, overall=99)
    yield store
    store.close()


def test_the_disputable_findings_name_what_the_report_shows(world):
    found = {(f["turn_no"], f["finding"]) for f in world.disputable_findings("s1")}
    assert (3, RULE) in found
    assert (3, "deescalation") in found and (1, "nvc.feeling") in found
    assert (0, "commitment") in found
    visit = next(f for f in world.disputable_findings("s1") if f["finding"] == RULE)
    assert visit["citation"] and visit["source"] == "rule" and visit["evidence"] == "会上门"


def test_an_overturn_recomputes_turn_session_and_counts(world):
    before = world.session("s1")
    dispute = world.file_dispute("s1", 3, RULE, "我说的是上门核实，不是威胁", by="li")
    assert dispute["status"] == "open" and dispute["debtor_said"] == "debtor line 2"
    assert world.disputes(status="open")[0]["trainee_marked"] == VISIT.replace("会上门", "【会上门】")
    ruled = world.rule_dispute(dispute["id"], "overturn", "coach", "核实上门是合规表述", Rescorer())
    assert ruled["status"] == "overturned" and ruled["ruled_by"] == "coach" and ruled["ruled_at"]
    after = world.session("s1")
    turn = world.session_turns("s1")[2]
    assert turn["findings"]["violations"] == [] and turn["findings"]["overturned"] == [RULE]
    assert '"cn.cbirc.68.false_legal"' in turn["findings_graded"]  # the grader's own verdict stays on file
    assert turn["overall"] > 55 and turn["findings"]["compliance"] == 100
    assert before["overall"] == 55 and after["overall"] > before["overall"]
    assert after["violation_count"] == before["violation_count"] - 1
    assert RULE not in [v["rule"] for v in after["report"]["violations"]]
    assert after["report"]["overturned"] == [f"3:{RULE}"]
    assert [v["overturned_by"] for v in world.session_violations("s1") if v["rule"] == RULE] == [dispute["id"]]
    assert (3, RULE) not in {(f["turn_no"], f["finding"]) for f in world.disputable_findings("s1")}
    actions = [row["action"] for row in world.audit_log("s1")]
    assert actions[-2:] == ["dispute", "dispute_overturned"]
    assert world.audit_log("s1")[-1]["detail"]["note"] == "核实上门是合规表述"


def test_an_upheld_finding_changes_nothing(world):
    before = (world.session("s1"), world.session_turns("s1"), world.session_violations("s1"))
    dispute = world.file_dispute("s1", 3, RULE, "不是威胁", by="li")
    ruled = world.rule_dispute(dispute["id"], "uphold", "boss", "上门是禁止的表述", Rescorer())
    assert ruled["status"] == "upheld" and ruled["certification_change"] is None
    assert (world.session("s1"), world.session_turns("s1"), world.session_violations("s1")) == before
    assert world.audit_log("s1")[-1]["action"] == "dispute_upheld"


def overall_after_overturn(tmp_path, clock, scenarios) -> int:
    """What the session scores once the visit is overturned, computed by the graders alone."""
    probe = open_store(tmp_path / "probe", clock, overall=99)
    session = play(probe, clock, scenarios)
    _, report = rescore_session(probe.session_turns("s1"), session_context(session, scenarios[SCENARIO]), {3: {RULE}})
    probe.close()
    assert report["scores"]["overall"] > session["overall"]
    return report["scores"]["overall"]


@pytest.mark.parametrize("margin,certified", [(0, True), (1, False)])
def test_an_overturn_lifts_certification_exactly_at_the_policy_bar(tmp_path, clock, scenarios, margin, certified):
    bar = overall_after_overturn(tmp_path, clock, scenarios) + margin
    store = open_store(tmp_path, clock, overall=bar)
    play(store, clock, scenarios)
    assert store.current_level("li") == 0
    dispute = store.file_dispute("s1", 3, RULE, "核实不是威胁", by="li")
    ruled = store.rule_dispute(dispute["id"], "overturn", "coach", "合规", Rescorer(scenarios))
    assert store.session("s1")["overall"] == bar - margin
    assert (store.current_level("li") == 1) is certified
    if certified:
        assert ruled["certification_change"]["to_level"] == 1
        [grant] = store.certifications("li")
        assert f"dispute {dispute['id']}" in grant["reason"] and "s1" in grant["reason"]
    else:
        assert ruled["certification_change"] is None and store.certifications("li") == []
    store.close()


def test_an_upheld_dispute_does_not_certify(tmp_path, clock, scenarios):
    store = open_store(tmp_path, clock, overall=overall_after_overturn(tmp_path, clock, scenarios))
    play(store, clock, scenarios)
    dispute = store.file_dispute("s1", 3, RULE, "核实不是威胁", by="li")
    store.rule_dispute(dispute["id"], "uphold", "coach", "维持", Rescorer(scenarios))
    assert store.current_level("li") == 0 and store.certifications("li") == []
    store.close()


def test_session_checks_and_nvc_parts_are_overturned_too(world):
    nvc = world.file_dispute("s1", 2, "nvc.need", "我说了“我们一起想办法”", by="li")
    world.rule_dispute(nvc["id"], "overturn", "coach", "算需要", Rescorer())
    assert world.session_turns("s1")[1]["findings"]["nvc"]["need"] is True
    commitment = world.file_dispute("s1", 0, "commitment", "他答应了周五还2000", by="li")
    assert commitment["trainee_text"] is None and commitment["debtor_said"] is None
    world.rule_dispute(commitment["id"], "overturn", "boss", "录音里有承诺", Rescorer())
    report = world.session("s1")["report"]
    assert report["commitment_secured"] is True
    assert sorted(report["overturned"]) == ["0:commitment", "2:nvc.need"]


@pytest.mark.parametrize("reason,message", [
    ("", "reason is required"), ("   ", "reason is required"), ("长" * 10_000, "at most 500"),
])
def test_an_empty_or_overlong_reason_is_refused(world, reason, message):
    with pytest.raises(InvalidInput, match=message):
        world.file_dispute("s1", 3, RULE, reason, by="li")
    assert world.disputes() == []


def test_exactly_500_characters_is_accepted(world):
    assert world.file_dispute("s1", 3, RULE, "长" * 500, by="li")["reason"] == "长" * 500


def test_only_the_sessions_trainee_may_dispute(world):
    with pytest.raises(AccessDenied):
        world.file_dispute("s1", 3, RULE, "not mine", by="wang")
    assert world.disputes() == []


def test_a_finding_that_is_not_there_is_named_in_the_error(world):
    with pytest.raises(InvalidInput, match=r"no finding 'cn.cbirc.68.violence'.*cn.cbirc.68.false_legal"):
        world.file_dispute("s1", 3, "cn.cbirc.68.violence", "why", by="li")


def test_a_second_open_dispute_on_the_same_finding_is_refused(world):
    first = world.file_dispute("s1", 3, RULE, "first", by="li")
    with pytest.raises(DisputeConflict, match=f"open dispute {first['id']}"):
        world.file_dispute("s1", 3, RULE, "second", by="li")
    assert len(world.disputes()) == 1


def test_nobody_rules_on_their_own_session_and_trainees_never_rule(world, clock, scenarios):
    world.ensure_user("li", role="trainer")  # a trainee later promoted still may not judge their own call
    dispute = world.file_dispute("s1", 3, RULE, "mine", by="li")
    with pytest.raises(AccessDenied):
        world.rule_dispute(dispute["id"], "overturn", "li", "self-serving", Rescorer())
    with pytest.raises(AccessDenied):
        world.rule_dispute(dispute["id"], "overturn", "wang", "a peer", Rescorer())
    assert world.dispute(dispute["id"])["status"] == "open"


def test_ruling_twice_is_a_clear_error_that_changes_nothing(world):
    dispute = world.file_dispute("s1", 3, RULE, "why", by="li")
    world.rule_dispute(dispute["id"], "uphold", "coach", "stands", Rescorer())
    before = (world.dispute(dispute["id"]), world.session("s1"), len(world.audit_log()))
    with pytest.raises(DisputeConflict, match="already ruled: upheld by coach"):
        world.rule_dispute(dispute["id"], "overturn", "boss", "changed my mind", Rescorer())
    assert (world.dispute(dispute["id"]), world.session("s1"), len(world.audit_log())) == before
    with pytest.raises(UnknownDispute):
        world.rule_dispute(999, "uphold", "coach", "x", Rescorer())


def test_a_ruled_finding_may_be_disputed_again(world):
    dispute = world.file_dispute("s1", 3, RULE, "why", by="li")
    world.rule_dispute(dispute["id"], "uphold", "coach", "stands", Rescorer())
    assert world.file_dispute("s1", 3, RULE, "new evidence", by="li")["status"] == "open"


def test_two_trainers_ruling_at_once_leave_exactly_one_ruling(tmp_path, clock, scenarios, world):
    dispute = world.file_dispute("s1", 3, RULE, "why", by="li")
    path = world.where
    barrier = threading.Barrier(2)
    outcomes = []

    def rule(by, verdict):
        store = Store.open(path, clock=clock, policy=world.policy, busy_timeout=10.0)
        try:
            barrier.wait()
            outcomes.append(store.rule_dispute(dispute["id"], verdict, by, f"{by} says {verdict}", Rescorer(scenarios)))
        except DisputeConflict as exc:
            outcomes.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=rule, args=args) for args in (("coach", "overturn"), ("boss", "uphold"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(o).__name__ for o in outcomes) == ["DisputeConflict", "dict"]
    winner = next(o for o in outcomes if isinstance(o, dict))
    assert world.dispute(dispute["id"])["ruled_by"] == winner["ruled_by"]
    rulings = [row for row in world.audit_log("s1") if row["action"].startswith("dispute_")]
    assert len(rulings) == 1
    overturned = [v for v in world.session_violations("s1") if v["overturned_by"]]
    assert len(overturned) == (1 if winner["status"] == "overturned" else 0)


def test_rulings_export_as_labelled_items(world):
    kept = world.file_dispute("s1", 3, RULE, "why", by="li")
    world.rule_dispute(kept["id"], "overturn", "coach", "ok", Rescorer())
    [ruling] = world.rulings_since("2026-01-01")
    item = labelled_item(ruling, world.turn_findings_now("s1", 3))
    assert item["text"] == VISIT and item["lang"] == "zh" and item["regime"] == "cn"
    assert item["violations"] == [] and item["grader_error"] is True and item["scope"] == "turn"
    assert item["dispute"]["finding"] == RULE and item["dispute"]["source"] == "rule"
    assert world.rulings_since("2099-01-01") == []


def test_finding_figures_flag_a_rule_past_its_threshold(world):
    dispute = world.file_dispute("s1", 3, RULE, "why", by="li")
    world.rule_dispute(dispute["id"], "overturn", "coach", "ok", Rescorer())
    figures = {row["finding"]: row for row in world.finding_figures()}
    assert figures[RULE]["findings"] == 1 and figures[RULE]["rulings"] == 1 and figures[RULE]["overturn_rate"] == 1.0
    assert figures[RULE]["review"] is None  # no threshold synced yet
    world.sync_review_thresholds([{"finding": RULE, "max_overturn_rate": 0.2, "min_rulings": 10}])
    assert {r["finding"]: r for r in world.finding_figures()}[RULE]["review"] == 0  # 1 ruling is too few
    world.sync_review_thresholds([{"finding": RULE, "max_overturn_rate": 0.2, "min_rulings": 1}])
    assert {r["finding"]: r for r in world.finding_figures()}[RULE]["review"] == 1
    world.sync_review_thresholds([{"finding": RULE, "max_overturn_rate": 1.0, "min_rulings": 1}])
    assert {r["finding"]: r for r in world.finding_figures()}[RULE]["review"] == 0  # "passes": more than the rate
    team = reports.team_report(world)
    assert RULE in [row["finding"] for row in team["rules"]]
    assert [r["status"] for r in reports.trainee_report(world, "li")["disputes"]] == ["overturned"]


def test_the_shipped_packs_flag_past_20_percent_over_10_rulings():
    limits = {row["finding"]: row for row in review_thresholds()}
    assert (limits[RULE]["max_overturn_rate"], limits[RULE]["min_rulings"]) == (0.2, 10)
    assert {"nvc.feeling", "deescalation", "commitment", "arc", "cn.cbirc.68.disclosure"} <= set(limits)


def test_the_dashboard_shows_the_queue_and_the_rules(world):
    dispute = world.file_dispute("s1", 3, RULE, "<b>why</b>", by="li")
    world.sync_review_thresholds(review_thresholds())
    app = dashboard.build_app(world.where)

    async def fetch(path, **params):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dashboard.test") as client:
            return (await client.get(path, params={"_shape": "objects", **params})).json()["rows"]

    [row] = asyncio.run(fetch("/dojo/dispute_queue.json", status="open", trainee=""))
    assert row["id"] == dispute["id"] and row["trainee_marked"] == VISIT.replace("会上门", "【会上门】")
    assert row["citation"] and row["source"] == "rule" and row["debtor_said"] == "debtor line 2"
    rules = asyncio.run(fetch("/dojo/finding_figures.json"))
    assert rules == world.finding_figures()
    chart = dashboard.dashboards_config()["team"]["charts"]["rules"]
    cells = asyncio.run(fetch("/dojo.json", sql=chart["query"]))
    assert RULE in [cell["finding"] for cell in cells]



def test_a_trainees_disputes_are_exported_and_their_words_deleted_with_the_transcripts(world):
    dispute = world.file_dispute("s1", 3, RULE, "我的理由", by="li")
    world.rule_dispute(dispute["id"], "overturn", "coach", "引用了学员的话", Rescorer())
    assert world.export_trainee("li")["disputes"][0]["reason"] == "我的理由"
    assert world.delete_transcripts("li", by="boss")["disputes_cleared"] == 1
    kept = world.dispute(dispute["id"])
    assert (kept["trainee_text"], kept["debtor_said"], kept["evidence"], kept["reason"], kept["note"]) == \
        (None, None, None, "", None)
    assert (kept["status"], kept["finding"], kept["ruled_by"]) == ("overturned", RULE, "coach")


def test_a_dispute_on_a_deleted_transcript_cannot_be_overturned(world):
    dispute = world.file_dispute("s1", 3, RULE, "why", by="li")
    world.delete_transcripts("li", by="boss")
    before = world.session("s1")
    with pytest.raises(InvalidInput, match="transcript was deleted"):
        world.rule_dispute(dispute["id"], "overturn", "coach", "ok", Rescorer())
    assert world.session("s1") == before and world.dispute(dispute["id"])["status"] == "open"
    assert world.rule_dispute(dispute["id"], "uphold", "coach", "ok", Rescorer())["status"] == "upheld"
