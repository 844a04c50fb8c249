"""The store's schema as an ordered list of migrations (sqlite-utils' own `Migrations`).

A database records which migrations it has had in `_sqlite_migrations`, so an older file upgrades
in place on open and keeps its rows. A file that lists a migration this code does not know was
written by a newer CollectorDojo and is refused rather than guessed at.
Migrations are append-only: never edit one that has shipped, add the next.
"""
from __future__ import annotations

from sqlite_utils import Database, Migrations

MIGRATION_SET = "dojo"
migrations = Migrations(MIGRATION_SET)


@migrations(name="m001_core")
def m001_core(db: Database) -> None:
    """Users, scenarios, sessions, turns, violations, assignments, certifications."""
    db["users"].create(
        {"id": str, "name": str, "role": str, "telegram_id": int, "lang": str,
         "created_at": str, "updated_at": str},
        pk="id", not_null={"role", "created_at"},
    )
    db["users"].create_index(["telegram_id"], unique=True)
    db["scenarios"].create(
        {"id": str, "persona": str, "regime": str, "languages": str, "title_zh": str,
         "title_en": str, "difficulty": str, "bucket": str, "synced_at": str, "active": int},
        pk="id",
    )
    db["sessions"].create(
        {"id": str, "trainee_id": str, "scenario_id": str, "lang": str, "mode": str,
         "channel": str, "status": str, "started_at": str, "last_turn_at": str, "ended_at": str,
         "outcome": str, "turn_count": int, "overall": float, "compliance": float, "nvc": float,
         "deescalation": float, "passed": int, "violation_count": int, "critical_count": int,
         "report": str},
        pk="id",
        not_null={"trainee_id", "scenario_id", "lang", "mode", "status", "started_at"},
        defaults={"turn_count": 0, "violation_count": 0, "critical_count": 0},
        foreign_keys=[("trainee_id", "users", "id"), ("scenario_id", "scenarios", "id")],
    )
    db["turns"].create(
        {"session_id": str, "turn_no": int, "at": str, "trainee_text": str, "intent": str,
         "confidence": float, "debtor_reply": str, "state": str, "findings": str,
         "overall": float, "outcome": str},
        pk=("session_id", "turn_no"), not_null={"at"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["violations"].create(
        {"id": int, "session_id": str, "trainee_id": str, "turn_no": int, "at": str,
         "category": str, "rule": str, "severity": str, "evidence": str, "citation": str,
         "source": str},
        pk="id", not_null={"session_id", "trainee_id", "category", "at"},
        foreign_keys=[("session_id", "sessions", "id"), ("trainee_id", "users", "id")],
    )
    db["assignments"].create(
        {"id": int, "trainer_id": str, "trainee_id": str, "scenario_id": str, "mode": str,
         "due": str, "status": str, "created_at": str, "completed_at": str, "session_id": str},
        pk="id", not_null={"trainer_id", "trainee_id", "scenario_id", "mode", "due", "status"},
        foreign_keys=[("trainer_id", "users", "id"), ("trainee_id", "users", "id"),
                      ("scenario_id", "scenarios", "id"), ("session_id", "sessions", "id")],
    )
    db["certifications"].create(
        {"id": int, "trainee_id": str, "level": int, "granted_by": str, "reason": str,
         "evidence": str, "granted_at": str, "confirmed_by": str, "confirmed_at": str,
         "revoked_by": str, "revoked_at": str, "revoke_reason": str},
        pk="id", not_null={"trainee_id", "level", "granted_by", "granted_at"},
        foreign_keys=[("trainee_id", "users", "id")],
    )


@migrations(name="m002_privacy_and_audit")
def m002_privacy_and_audit(db: Database) -> None:
    """Transcript deletion on request (issue 5) and an audit trail of who changed what."""
    db["sessions"].add_column("transcript_deleted_at", str)
    db["audit_log"].create(
        {"id": int, "at": str, "actor": str, "action": str, "subject": str, "detail": str},
        pk="id", not_null={"at", "action"},
    )


@migrations(name="m003_report_indexes")
def m003_report_indexes(db: Database) -> None:
    """Indexes for the report, certification and dashboard queries (see bench/bench_reports.py)."""
    db["sessions"].create_index(["trainee_id", "started_at"])
    db["sessions"].create_index(["scenario_id", "mode", "status"])
    db["sessions"].create_index(["status", "last_turn_at"])
    db["sessions"].create_index(["mode", "status", "ended_at"])
    db["violations"].create_index(["session_id"])
    db["violations"].create_index(["trainee_id", "category"])
    db["violations"].create_index(["at", "category"])
    db["assignments"].create_index(["trainee_id", "status"])
    db["assignments"].create_index(["trainer_id", "status"])
    db["assignments"].create_index(["status", "due"])
    db["certifications"].create_index(["trainee_id", "level"])


@migrations(name="m004_pending_messages")
def m004_pending_messages(db: Database) -> None:
    """Trainee lines typed while the simulator was down, so they survive a restart of the bot."""
    db["pending_messages"].create(
        {"id": int, "session_id": str, "chat_id": int, "text": str, "queued_at": str},
        pk="id", not_null={"session_id", "chat_id", "text", "queued_at"},
        foreign_keys=[("session_id", "sessions", "id")],
    )
    db["pending_messages"].create_index(["session_id", "id"])


@migrations(name="m005_assignment_reminders")
def m005_assignment_reminders(db: Database) -> None:
    """When a trainee was reminded of an assignment, so a restarted bot does not remind them again."""
    db["assignments"].add_column("reminded_at", str)


@migrations(name="m006_message_keys")
def m006_message_keys(db: Database) -> None:
    """A client's key per trainee message, so a line sent twice (a timeout then a replay, or Telegram
    delivering an update again after a restart) is one turn, never two."""
    db["turns"].add_column("message_key", str)
    db["turns"].create_index(["session_id", "message_key"], unique=True)
    db["pending_messages"].add_column("message_key", str)



@migrations(name="m007_disputes")
def m007_disputes(db: Database) -> None:
    """Disputes a trainee raises on one finding and a trainer's ruling on each (issue 14).

    A dispute keeps a copy of what was disputed (rule, citation, evidence, source, the two lines),
    so the queue and the export still read true after the finding is overturned. An overturned
    violation row is kept and marked, never deleted; a rescored turn keeps the grader's own findings
    in `findings_graded`, so what the grader said and what now counts are both on file.
    """
    db["disputes"].create(
        {"id": int, "session_id": str, "turn_no": int, "finding": str, "trainee_id": str, "reason": str,
         "status": str, "created_at": str, "kind": str, "rule": str, "category": str, "severity": str,
         "citation": str, "source": str, "evidence": str, "span": str, "trainee_text": str,
         "debtor_said": str, "lang": str, "regime": str, "ruled_by": str, "ruled_at": str, "note": str,
         "notified_at": str},
        pk="id", not_null={"session_id", "turn_no", "finding", "trainee_id", "reason", "status", "created_at"},
        foreign_keys=[("session_id", "sessions", "id"), ("trainee_id", "users", "id")],
    )
    # One open dispute per finding; a ruled one blocks nothing (a partial index).
    db.execute("create unique index disputes_one_open on disputes (session_id, turn_no, finding) "
               "where status = 'open'")
    db["disputes"].create_index(["status", "created_at"])
    db["disputes"].create_index(["rule", "status"])
    db["disputes"].create_index(["trainee_id", "status"])
    # Synced from the rule packs' `dispute_review` (as scenarios are from the catalogue), so reports
    # and the dashboard flag a rule for review without reading YAML themselves.
    db["finding_review"].create({"finding": str, "max_overturn_rate": float, "min_rulings": int, "synced_at": str},
                                pk="finding")
    db["violations"].add_column("overturned_by", int)
    db["turns"].add_column("findings_graded", str)


@migrations(name="m008_drills")
def m008_drills(db: Database) -> None:
    """Drill sets and their graded rewrites (issue 15), and assignments that are drill sets.

    Independent of m007 (disputes): it touches only its own tables and the assignments table, so
    the two apply in either order. An assignment is a scenario or a drill set: `drill` holds the
    topic (or `auto`) and `scenario_id` becomes optional for it.
    """
    db["drill_sets"].create(
        {"id": str, "trainee_id": str, "lang": str, "channel": str, "source": str, "focus": str,
         "assignment_id": int, "started_at": str, "ended_at": str, "status": str, "items": int,
         "passed": int, "avg_overall": float},
        pk="id", not_null={"trainee_id", "lang", "source", "started_at", "status"},
        defaults={"items": 0, "passed": 0},
        foreign_keys=[("trainee_id", "users", "id")],
    )
    db["drill_sets"].create_index(["trainee_id", "started_at"])
    db["drill_attempts"].create(
        {"drill_set_id": str, "position": int, "item_id": str, "topic": str, "at": str, "rewrite": str,
         "passed": int, "flaw_fixed": int, "overall": float, "findings": str},
        pk=("drill_set_id", "position"), not_null={"item_id", "topic", "at"},
        foreign_keys=[("drill_set_id", "drill_sets", "id")],
    )
    db["drill_attempts"].create_index(["item_id"])
    db["assignments"].add_column("drill", str)
    db["assignments"].transform(not_null={"scenario_id": False})
    # Per session, how many turns had each NVC part and how many escalated: the weak-point and
    # heatmap queries read these counters instead of parsing every turn's findings JSON.
    for column in SESSION_TURN_COUNTERS:
        db["sessions"].add_column(column, int, not_null_default=0)
    db.execute(
        "update sessions set "
        + ", ".join(f"{column} = (select coalesce(sum({test}), 0) from turns t where t.session_id = sessions.id)"
                    for column, test in SESSION_TURN_COUNTERS.items())
    )


@migrations(name="m009_xapi_outbox")
def m009_xapi_outbox(db: Database) -> None:
    """xAPI statements waiting for (or already sent to) the bank's learning record store (issue 15).

    One row per statement id: queueing the same record again is a no-op, and `sent_at` is set only
    once the store has acknowledged it, so a store that is down loses nothing and gets nothing twice.
    """
    db["xapi_outbox"].create(
        {"id": str, "kind": str, "subject": str, "trainee_id": str, "queued_at": str, "statement": str,
         "sent_at": str, "attempts": int, "last_attempt_at": str, "last_error": str},
        pk="id", not_null={"kind", "queued_at", "statement"}, defaults={"attempts": 0},
    )
    db["xapi_outbox"].create_index(["sent_at", "queued_at"])


@migrations(name="m010_certification_expiry")
def m010_certification_expiry(db: Database) -> None:
    """When a grant lapses (policy `valid_days`), and when its holder was told it is about to (issue 15).
    Grants made before this migration carry no date and do not lapse until renewed or re-granted."""
    db["certifications"].add_column("expires_at", str)
    db["certifications"].add_column("expiry_reminded_at", str)
    db["certifications"].create_index(["expires_at"])


# sessions column → the turn's findings that count toward it (SQL over turns.findings).
SESSION_TURN_COUNTERS = {
    "turns_with_observation": "coalesce(json_extract(t.findings, '$.nvc.observation'), 0) = 1",
    "turns_with_feeling": "coalesce(json_extract(t.findings, '$.nvc.feeling'), 0) = 1",
    "turns_with_need": "coalesce(json_extract(t.findings, '$.nvc.need'), 0) = 1",
    "turns_with_request": "coalesce(json_extract(t.findings, '$.nvc.request'), 0) = 1",
    "escalating_turns": "coalesce(json_extract(t.findings, '$.deescalation.polarity'), 0) < 0",
}


def known_migration_names() -> list:
    """Every migration this code knows, oldest first (all are pending on an empty database)."""
    return [m.name for m in migrations.pending(Database(memory=True))]
