"""xAPI statements for sessions, drill sets and certification changes, sent to a real LRS (Ralph on
127.0.0.1, started by the test): schema-valid, posted and read back, the store killed mid-run and
restarted with nothing lost or doubled."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from dojo.cli import app
from drill_world import SCENARIOS, findings, play, violation
from foundation.settings import Settings
from progress.store import Store
from lrs_client import LrsClient, LrsConflict, LrsUnavailable, send_pending, sync_xapi
from lrs_process import PASSWORD, USER

HOME = "https://bank.example"


def history(store, clock, sessions: int = 4):
    """Exams passed and failed, practice, an abandoned call, a drill set, a grant and a revocation."""
    store.ensure_user("li", name="李雷")
    store.ensure_user("boss", role="lead")
    for n in range(sessions):
        play(store, clock, f"s{n:03d}", "li", mode="exam" if n % 2 else "coach", overall=90 if n % 4 == 1 else 60,
             turns=[findings([violation("harassment")] if n % 3 == 0 else [])], days_later=1)
    store.start_session("gone", "li", "evasive-s1", "en", "coach", "telegram")
    store.record_turn("gone", 1, "hello", "greet", 0.9, "who?", {"anger": 0.2}, findings(), None)
    clock.advance(hours=2)
    store.mark_abandoned(30)
    store.start_drill_set("d1", "li", "zh", "cli", "auto", [{"item_id": "har-01", "topic": "harassment"}])
    store.record_drill_attempt("d1", 1, "我们约一个时间再聊好吗？", True, True, 80, {})
    store.finish_drill_set("d1")
    store.certify("li", 1, by="boss", reason="every persona passed")
    clock.advance(days=1)
    store.revoke("li", by="boss", reason="audit found a problem")


def settings() -> Settings:
    return Settings.from_env({"DOJO_XAPI_HOME_PAGE": HOME})


def test_statements_carry_the_verbs_scores_and_criteria_and_validate_against_the_xapi_schema(store, clock, lrs):
    history(store, clock)
    statements = store.xapi_statements("2026-01-01", HOME)
    verbs = {s["verb"]["display"]["en-US"] for s in statements}
    assert verbs == {"attempted", "passed", "failed", "completed"}
    assert lrs.validate(statements) == []
    for statement in statements:
        assert statement["actor"] == {"objectType": "Agent", "account": {"homePage": HOME, "name": "li"}}
    session = next(s for s in statements if s["object"]["id"].endswith("/scenarios/hostile-s1")
                   and s["verb"]["display"]["en-US"] == "passed")
    assert session["result"]["score"]["scaled"] == 0.9 and session["result"]["success"] is True
    assert session["result"]["duration"].startswith("PT")
    criteria = session["result"]["extensions"][f"{HOME}/xapi/extensions/criteria"]
    assert set(criteria) == {"compliance", "nvc", "deescalation", "violations"}
    named = store.xapi_statements("2026-01-01", HOME, names=True)
    assert named[0]["actor"]["name"] == "李雷"
    assert store.xapi_statements("2026-01-01", HOME) == statements, "building again gives the same statements"


def test_statements_are_posted_read_back_and_never_sent_twice(store, clock, lrs):
    history(store, clock)
    result = sync_xapi(store, settings().with_(lrs_url=lrs.url, lrs_user=USER, lrs_password=PASSWORD), "2026-01-01")
    assert result.error is None and result.pending == 0
    with LrsClient(lrs.url, USER, PASSWORD) as client:
        stored = client.statements()
        expected = store.xapi_statements("2026-01-01", HOME)
        assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in expected)
        assert client.get_statement(expected[0]["id"])["verb"] == expected[0]["verb"]
        again = sync_xapi(store, settings(), "2026-01-01", client=client)
        assert again.sent == 0 and len(client.statements()) == len(expected)


def test_the_store_killed_mid_run_and_restarted_loses_and_doubles_nothing(store, clock, lrs):
    history(store, clock, sessions=36)
    statements = store.xapi_statements("2026-01-01", HOME)
    assert store.queue_xapi(statements) == len(statements) >= 40
    client = LrsClient(lrs.url, USER, PASSWORD, timeout=3)
    posted = []
    real_post = client.post_statements

    def post_then_crash(batch):
        if len(posted) == 2:
            # The third batch reaches the store, then it dies before our side hears back.
            real_post(batch)
            lrs.kill()
            raise LrsUnavailable("connection reset while waiting for the answer")
        posted.append(real_post(batch))
        return posted[-1]

    client.post_statements = post_then_crash
    result = send_pending(store, client, batch_size=10, sleep=lambda _: None)
    assert result.error and result.sent == 20
    assert store.xapi_outbox_counts()["pending"] == len(statements) - 20
    client.post_statements = real_post

    lrs.start()  # same data folder: what it stored before the crash is still there
    result = send_pending(store, client, batch_size=10)
    assert result.error is None and result.sent == len(statements) - 20 and result.pending == 0
    stored = client.statements()
    ids = [s["id"] for s in stored]
    assert len(ids) == len(set(ids)) == len(statements), "nothing lost, nothing doubled"
    client.close()


def test_a_store_that_stays_down_keeps_everything_queued_with_the_error(store, clock, lrs):
    history(store, clock)
    lrs.kill()
    result = sync_xapi(store, settings().with_(lrs_url=lrs.url), "2026-01-01", sleep=lambda _: None)
    assert result.sent == 0 and result.pending == len(store.xapi_statements("2026-01-01", HOME))
    row = store.xapi_outbox_row(store.xapi_pending(1)[0]["id"])
    assert row["attempts"] == 1 and "unreachable" in row["last_error"]


def test_dojo_export_xapi_writes_json_lines_and_sends(tmp_path, monkeypatch, lrs, clock):
    db = tmp_path / "cli.db"
    with Store.open(db, clock=clock) as store:
        store.sync_scenarios(SCENARIOS)
        history(store, clock)
    monkeypatch.setenv("DOJO_DB", str(db))
    monkeypatch.setenv("DOJO_XAPI_HOME_PAGE", HOME)
    out = tmp_path / "xapi.jsonl"
    result = CliRunner().invoke(app, ["export", "xapi", "--since", "2026-01-01", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines and all(line["actor"]["account"]["homePage"] == HOME for line in lines)
    monkeypatch.setenv("DOJO_LRS_URL", lrs.url)
    monkeypatch.setenv("DOJO_LRS_USER", USER)
    monkeypatch.setenv("DOJO_LRS_PASSWORD", PASSWORD)
    result = CliRunner().invoke(app, ["export", "xapi", "--since", "2026-01-01", "--send"])
    assert result.exit_code == 0, result.output
    with LrsClient(lrs.url, USER, PASSWORD) as client:
        assert len(client.statements()) == len(lines)


@pytest.mark.parametrize("since", ["yesterday", "2026-13-01"])
def test_a_bad_since_date_is_one_clear_line(since, tmp_path, monkeypatch):
    monkeypatch.setenv("DOJO_DB", str(tmp_path / "x.db"))
    result = CliRunner().invoke(app, ["export", "xapi", "--since", since])
    assert result.exit_code != 0 and "YYYY-MM-DD" in (result.output + str(result.exception))


def test_a_statement_the_store_already_holds_in_another_form_is_settled_not_retried_forever(store, clock, lrs):
    """409 (same id, other content, e.g. a record recomputed after it was sent): the batch is retried
    one by one, the conflicting statement is read back and counted as delivered, the rest go through."""
    history(store, clock)
    statements = store.xapi_statements("2026-01-01", HOME)
    older = json.loads(json.dumps(statements[0]))
    older["result"]["score"]["scaled"] = 0.01
    with LrsClient(lrs.url, USER, PASSWORD) as client:
        client.post_statements([older])
        with pytest.raises(LrsConflict):
            client.post_statements(statements[:3])
        store.queue_xapi(statements)
        result = send_pending(store, client, sleep=lambda _: None)
        assert result.error is None and result.rejected == 0 and result.pending == 0
        assert client.get_statement(older["id"])["result"]["score"]["scaled"] == 0.01
        assert len(client.statements()) == len(statements)
