"""An older database upgrades in place with its rows; a newer, locked or foreign file is refused cleanly."""
from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from progress.connection import applied_migration_names
from progress.errors import NotAStore, SchemaTooNew, StoreLocked
from progress.schema import known_migration_names, migrations
from progress.store import Store


def _version_one_database(path):
    """A file as the first release wrote it: only m001 applied, with a session in progress."""
    db = Database(path)
    migrations.apply(db, stop_before="m002_privacy_and_audit")
    db["users"].insert({"id": "li", "name": "Li", "role": "trainee", "created_at": "2026-01-05 10:00:00"})
    db["scenarios"].insert({"id": "hostile_cn", "persona": "hostile", "languages": '["zh"]', "active": 1})
    db["sessions"].insert({"id": "s1", "trainee_id": "li", "scenario_id": "hostile_cn", "lang": "zh",
                           "mode": "exam", "status": "active", "started_at": "2026-01-05 10:00:00",
                           "turn_count": 1})
    db["turns"].insert({"session_id": "s1", "turn_no": 1, "at": "2026-01-05 10:00:30",
                        "trainee_text": "您好，我是某银行的工作人员", "state": "{}"})
    db.close()


def test_an_old_database_upgrades_in_place_and_keeps_its_rows(tmp_path, clock, policy):
    path = tmp_path / "old.db"
    _version_one_database(path)
    assert applied_migration_names(Database(path)) == ["m001_core"]
    with Store.open(path, clock=clock, policy=policy) as store:
        assert applied_migration_names(store.db) == known_migration_names()
        assert store.get_user("li")["name"] == "Li"
        assert [t["trainee_text"] for t in store.session_turns("s1")] == ["您好，我是某银行的工作人员"]
        assert "transcript_deleted_at" in store.db["sessions"].columns_dict
        assert store.db["audit_log"].exists()
        store.record_turn("s1", 2, "请问您方便说话吗", None, None, "嗯", {}, None, None)
        assert store.session("s1")["turn_count"] == 2


def test_a_release_three_database_gains_held_lines_and_reminders_in_place(tmp_path, clock, policy):
    """Written before m004/m005: an open assignment and an active session keep working after the upgrade."""
    path = tmp_path / "v3.db"
    _version_one_database(path)
    db = Database(path)
    migrations.apply(db, stop_before="m004_pending_messages")
    db["users"].insert({"id": "coach", "name": "Zhang", "role": "trainer", "created_at": "2026-01-05 09:00:00"})
    db["assignments"].insert({"trainer_id": "coach", "trainee_id": "li", "scenario_id": "hostile_cn",
                              "mode": "exam", "due": "2026-03-03", "status": "assigned"})
    db.close()
    assert applied_migration_names(Database(path))[-1] == "m003_report_indexes"
    with Store.open(path, clock=clock, policy=policy) as store:
        assert applied_migration_names(store.db) == known_migration_names()
        [assignment] = store.assignments(trainee_id="li")
        assert assignment["reminded_at"] is None and assignment["state"] == "assigned"
        assert store.mark_reminded(assignment["id"]) is True
        held = store.queue_pending("s1", 7, "还在吗？")
        assert [m["id"] for m in store.pending_messages("s1")] == [held]
        assert store.session("s1")["turn_count"] == 1


def test_opening_twice_applies_nothing_new(db_path, clock, policy):
    Store.open(db_path, clock=clock, policy=policy).close()
    with Store.open(db_path, clock=clock, policy=policy) as store:
        assert applied_migration_names(store.db) == known_migration_names()


def test_a_database_from_a_newer_release_is_refused_untouched(db_path, clock, policy):
    Store.open(db_path, clock=clock, policy=policy).close()
    db = Database(db_path)
    db["_sqlite_migrations"].insert({"migration_set": "dojo", "name": "m999_future", "applied_at": "2030"})
    db.close()
    before = db_path.read_bytes()
    with pytest.raises(SchemaTooNew, match="m999_future"):
        Store.open(db_path, clock=clock, policy=policy)
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path, clock, policy):
    path = tmp_path / "notes.db"
    path.write_text("not a database at all, just some notes " * 50)
    with pytest.raises(NotAStore):
        Store.open(path, clock=clock, policy=policy)


def test_a_locked_database_is_reported_not_hung(tmp_path, clock, policy):
    """Another process holds an exclusive lock on a fresh file: opening gives StoreLocked promptly."""
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin exclusive")
    try:
        with pytest.raises(StoreLocked):
            Store.open(path, clock=clock, policy=policy, busy_timeout=0.2)
    finally:
        holder.execute("rollback")
        holder.close()


def test_a_write_while_another_process_writes_is_reported_and_rolled_back(db_path, clock, policy):
    store = Store.open(db_path, clock=clock, policy=policy, busy_timeout=0.2)
    store.start_session("s1", "li", "hostile_cn", "zh", "coach", "cli")
    holder = sqlite3.connect(str(db_path), isolation_level=None)
    holder.execute("begin immediate")
    try:
        with pytest.raises(StoreLocked):
            store.record_turn("s1", 1, "hi", None, None, "what", {}, None, None)
    finally:
        holder.execute("rollback")
        holder.close()
    assert not store.db.conn.in_transaction
    store.record_turn("s1", 1, "hi", None, None, "what", {}, None, None)
    assert store.session("s1")["turn_count"] == 1
    store.close()


def test_a_failing_migration_leaves_the_file_as_it_was(tmp_path, clock, policy, monkeypatch):
    path = tmp_path / "old.db"
    _version_one_database(path)

    def broken(db):
        db["sessions"].add_column("transcript_deleted_at", str)
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(migrations._migrations[1], "fn", broken)
    with pytest.raises(RuntimeError):
        Store.open(path, clock=clock, policy=policy)
    db = Database(path)
    assert applied_migration_names(db) == ["m001_core"]
    assert "transcript_deleted_at" not in db["sessions"].columns_dict
    assert db["turns"].count == 1
