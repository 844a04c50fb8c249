"""The progress store: the one place in CollectorDojo that writes SQL.

The action server calls `start_session`, `record_turn` and `finish_session` on every conversation;
the bot and the CLI read through the same object. Each write is one IMMEDIATE transaction, so a
turn is either fully recorded (row + its violations + the session's counters) or not at all, and it
is durable before `record_turn` returns: the debtor's reply goes out only after that.
"""
from __future__ import annotations

import datetime as dt
import json
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from sqlite_utils import Database

from progress import vocab
from progress.connection import configure, connect, migrate, translated_errors
from progress.errors import InvalidInput, UnknownSession, UnknownUser
from progress.store_assignments import AssignmentsMixin
from progress.store_certifications import CertificationsMixin
from progress.store_disputes import DisputesMixin
from progress.store_drills import DrillsMixin
from progress.store_pending import PendingMixin
from progress.store_privacy import PrivacyMixin
from progress.store_xapi import XapiMixin

Clock = Callable[[], dt.datetime]
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
# A session with no turn for this long is taken to be over (a crash, a closed chat): abandoned.
ABANDONED_AFTER_MINUTES = 30


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _json(value) -> Optional[str]:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _unjson(text):
    return None if text is None else json.loads(text)


def _decoded_turn(row: dict) -> dict:
    """A turn row with its JSON columns (debtor state, findings) parsed."""
    row["state"] = _unjson(row["state"])
    row["findings"] = _unjson(row["findings"])
    return row


def _choice(value: str, allowed: tuple, what: str) -> str:
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} is not one of {', '.join(allowed)} / 无效的{what}")
    return value


def _number(value) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class Store(AssignmentsMixin, CertificationsMixin, DisputesMixin, DrillsMixin, PendingMixin, PrivacyMixin, XapiMixin):
    """One SQLite file of users, scenarios, sessions, turns, violations, assignments, certifications,
    disputes on findings, and trainee lines held while the simulator was down."""

    def __init__(self, db: Database, *, clock: Optional[Clock] = None, policy=None, migrate_schema: bool = True):
        self.db = db
        self.where = db.conn.execute("PRAGMA database_list").fetchone()[2] or ":memory:"
        self.clock = clock or utc_now
        self._policy = policy
        self._lock = threading.RLock()
        if migrate_schema:
            with translated_errors(self.where):
                configure(db)
            migrate(db, self.where)

    @classmethod
    def open(cls, path: Union[str, Path], *, busy_timeout: float = 10.0, clock: Optional[Clock] = None,
             policy=None) -> "Store":
        """Open or create the store at `path`, upgrading an older schema in place."""
        db = connect(path, busy_timeout)
        try:
            return cls(db, clock=clock, policy=policy)
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------

    def now(self) -> str:
        return self.clock().astimezone(dt.timezone.utc).strftime(TIME_FORMAT)

    def today(self) -> dt.date:
        return self.clock().astimezone(dt.timezone.utc).date()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One IMMEDIATE transaction (or a savepoint inside an outer one): all of it or none of it."""
        with self._lock, translated_errors(self.where):
            if self.db.conn.in_transaction:
                with self.db.atomic():
                    yield self.db
                return
            self.db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                self.db.conn.execute("COMMIT")
            except BaseException:
                if self.db.conn.in_transaction:
                    self.db.conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params=None) -> list:
        """Read-only helper for the package's report modules; returns a list of dicts."""
        with translated_errors(self.where):
            return list(self.db.query(sql, params or []))

    def audit(self, actor: Optional[str], action: str, subject: Optional[str], detail=None) -> None:
        with self.transaction() as db:
            db["audit_log"].insert(
                {"at": self.now(), "actor": actor, "action": action, "subject": subject, "detail": _json(detail)}
            )

    def audit_log(self, subject: Optional[str] = None) -> list:
        where, params = ("where subject = ?", [subject]) if subject else ("", [])
        rows = self.query(f"select * from audit_log {where} order by id", params)
        for row in rows:
            row["detail"] = _unjson(row["detail"])
        return rows

    # -- users ------------------------------------------------------------------------------

    def get_user(self, user_id: str) -> Optional[dict]:
        rows = self.query("select * from users where id = ?", [user_id])
        return rows[0] if rows else None

    def user_by_telegram(self, telegram_id: int) -> Optional[dict]:
        rows = self.query("select * from users where telegram_id = ?", [telegram_id])
        return rows[0] if rows else None

    def users(self, role: Optional[str] = None) -> list:
        if role is None:
            return self.query("select * from users order by id")
        return self.query("select * from users where role = ? order by id", [role])

    def require_user(self, user_id: str, error=UnknownUser) -> dict:
        user = self.get_user(user_id)
        if user is None:
            raise error(user_id)
        return user

    def ensure_user(self, user_id: str, name: Optional[str] = None, role: str = "trainee",
                    telegram_id: Optional[int] = None, lang: Optional[str] = None) -> dict:
        """Create the user or fill in what is new; a role is only ever raised here, never lowered."""
        _choice(role, vocab.ROLES, "role")
        if lang is not None:
            _choice(lang, vocab.LANGUAGES, "language")
        with self.transaction() as db:
            self._ensure_user_in(db, user_id, name, role, telegram_id, lang)
        return self.get_user(user_id)

    def _ensure_user_in(self, db: Database, user_id: str, name=None, role="trainee", telegram_id=None, lang=None):
        if telegram_id is not None:
            holder = db.execute("select id from users where telegram_id = ?", [telegram_id]).fetchone()
            if holder is not None and holder[0] != user_id:
                raise InvalidInput(
                    f"telegram id {telegram_id} already belongs to user {holder[0]!r} / 该 Telegram 账号已绑定其他用户"
                )
        existing = db.execute("select role from users where id = ?", [user_id]).fetchone()
        now = self.now()
        if existing is None:
            db["users"].insert({"id": user_id, "name": name, "role": role, "telegram_id": telegram_id,
                                "lang": lang, "created_at": now, "updated_at": now})
            return
        changes = {k: v for k, v in {"name": name, "telegram_id": telegram_id, "lang": lang}.items() if v is not None}
        if vocab.ROLE_RANK[role] > vocab.ROLE_RANK[existing[0]]:
            changes["role"] = role
        if changes:
            changes["updated_at"] = now
            db["users"].update(user_id, changes)

    def set_role(self, user_id: str, role: str, by: Optional[str]) -> dict:
        """Set a role exactly (promotion or demotion) and record who did it."""
        _choice(role, vocab.ROLES, "role")
        user = self.require_user(user_id)
        with self.transaction() as db:
            db["users"].update(user_id, {"role": role, "updated_at": self.now()})
            db["audit_log"].insert({"at": self.now(), "actor": by, "action": "set_role", "subject": user_id,
                                    "detail": _json({"from": user["role"], "to": role})})
        return self.get_user(user_id)

    # -- scenarios --------------------------------------------------------------------------

    def sync_scenarios(self, scenarios: Iterable[dict]) -> int:
        """Upsert the catalogue; scenarios no longer in it stay (old sessions point at them) but go inactive."""
        now = self.now()
        rows = []
        for scenario in scenarios:
            languages = scenario.get("languages") or []
            rows.append({
                "id": scenario["id"], "persona": scenario.get("persona"), "regime": scenario.get("regime"),
                "languages": _json(list(languages)), "title_zh": scenario.get("title_zh"),
                "title_en": scenario.get("title_en"), "difficulty": _text(scenario.get("difficulty")),
                "bucket": scenario.get("bucket"), "synced_at": now, "active": 1,
            })
        with self.transaction() as db:
            if rows:
                db["scenarios"].upsert_all(rows, pk="id")
            db.execute(
                f"update scenarios set active = 0 where id not in ({', '.join('?' for _ in rows) or 'null'})",
                [row["id"] for row in rows],
            )
        return len(rows)

    def scenario(self, scenario_id: str) -> Optional[dict]:
        rows = self.query("select * from scenarios where id = ?", [scenario_id])
        if not rows:
            return None
        rows[0]["languages"] = _unjson(rows[0]["languages"]) or []
        return rows[0]

    def scenarios(self, active_only: bool = True) -> list:
        rows = self.query(f"select * from scenarios {'where active = 1' if active_only else ''} order by id")
        for row in rows:
            row["languages"] = _unjson(row["languages"]) or []
        return rows

    # -- sessions and turns -----------------------------------------------------------------

    def start_session(self, session_id: str, trainee_id: str, scenario_id: str, lang: str, mode: str,
                      channel: str) -> None:
        """Idempotent. A scenario the store has not seen yet gets a bare row (filled by the next sync)
        rather than failing the trainee's conversation."""
        _choice(lang, vocab.LANGUAGES, "language")
        _choice(mode, vocab.MODES, "mode")
        with self.transaction() as db:
            if db.execute("select 1 from sessions where id = ?", [session_id]).fetchone():
                return
            self._ensure_user_in(db, trainee_id)
            if not db.execute("select 1 from scenarios where id = ?", [scenario_id]).fetchone():
                db["scenarios"].insert({"id": scenario_id, "synced_at": None, "active": 1, "languages": "[]"})
            db["sessions"].insert({
                "id": session_id, "trainee_id": trainee_id, "scenario_id": scenario_id, "lang": lang,
                "mode": mode, "channel": channel, "status": "active", "started_at": self.now(),
                "turn_count": 0, "violation_count": 0, "critical_count": 0,
            })

    def record_turn(self, session_id: str, turn_no: int, trainee_text: str, intent: Optional[str],
                    confidence: Optional[float], debtor_reply: str, state: dict, findings: Optional[dict],
                    outcome: Optional[str], message_key: Optional[str] = None) -> None:
        """Commit one turn and its violations before the reply is sent; a retried turn is a no-op.

        `message_key` is the client's id for the trainee's message; `turn_for_message` finds the turn
        again when the same message arrives twice.
        """
        if outcome is not None:
            _choice(outcome, vocab.OUTCOMES, "outcome")
        findings = findings or {}
        violations = [v for v in findings.get("violations") or [] if isinstance(v, dict)]
        with self.transaction() as db:
            session = db.execute("select trainee_id, status from sessions where id = ?", [session_id]).fetchone()
            if session is None:
                raise UnknownSession(session_id)
            trainee_id, status = session
            now = self.now()
            inserted = db.execute(
                "insert or ignore into turns (session_id, turn_no, at, trainee_text, intent, confidence, "
                "debtor_reply, state, findings, overall, outcome, message_key) "
                "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [session_id, turn_no, now, trainee_text, intent, confidence, debtor_reply, _json(state),
                 _json(findings), _number(findings.get("overall")), outcome, message_key or None],
            ).rowcount
            if not inserted:
                return
            if violations:
                db["violations"].insert_all(
                    _violation_row(v, session_id, trainee_id, turn_no, now) for v in violations
                )
            critical = sum(1 for v in violations if v.get("severity") == "critical")
            db.execute(
                "update sessions set last_turn_at = ?, turn_count = turn_count + 1, "
                "violation_count = violation_count + ?, critical_count = critical_count + ?, "
                "outcome = coalesce(?, outcome), status = case when status = 'abandoned' then 'active' else status end "
                "where id = ?",
                [now, len(violations), critical, outcome, session_id],
            )
            self._count_turn_parts(db, session_id, findings)

    def finish_session(self, session_id: str, outcome: Optional[str], report: dict) -> dict:
        """Close the session with its report card; for an exam, re-evaluate certification.

        Returns {"session_id", "status", "assignments_completed", "certification_change"}; finishing an
        already finished session changes nothing and reports no certification change.
        """
        if outcome is not None:
            _choice(outcome, vocab.OUTCOMES, "outcome")
        report = report or {}
        scores = report.get("scores") or {}
        with self.transaction() as db:
            row = db.execute("select trainee_id, scenario_id, mode, status from sessions where id = ?",
                             [session_id]).fetchone()
            if row is None:
                raise UnknownSession(session_id)
            trainee_id, scenario_id, mode, status = row
            if status == "completed":
                return {"session_id": session_id, "status": status, "assignments_completed": [],
                        "certification_change": None}
            now = self.now()
            self._insert_session_level_violations(db, session_id, trainee_id, report.get("violations") or [], now)
            counts = db.execute(
                "select count(*), coalesce(sum(severity = 'critical'), 0) from violations where session_id = ? "
                "and overturned_by is null",
                [session_id],
            ).fetchone()
            passed = report.get("passed")
            db.execute(
                "update sessions set status = 'completed', ended_at = ?, outcome = coalesce(?, outcome), "
                "overall = ?, compliance = ?, nvc = ?, deescalation = ?, passed = ?, violation_count = ?, "
                "critical_count = ?, report = ? where id = ?",
                [now, outcome, _number(scores.get("overall", report.get("overall"))),
                 _number(scores.get("compliance")), _number(scores.get("nvc")), _number(scores.get("deescalation")),
                 None if passed is None else int(bool(passed)), counts[0], counts[1], _json(report), session_id],
            )
            completed = self._complete_assignments(db, trainee_id, scenario_id, mode, session_id, now)
        result = {"session_id": session_id, "status": "completed", "assignments_completed": completed,
                  "certification_change": None}
        if mode == "exam":
            result.update(self._certification_after_exam(trainee_id, session_id))
        return result

    def _insert_session_level_violations(self, db: Database, session_id, trainee_id, violations, now) -> None:
        """Add the report's findings that no turn already recorded (session-level checks, mostly).

        A report repeats every turn's findings with their turn number; one is the same finding when
        rule and turn match, or rule and evidence do (in case a client numbers turns differently)."""
        recorded = list(db.execute(
            "select coalesce(rule, category), turn_no, coalesce(evidence, '') from violations where session_id = ?",
            [session_id]))
        by_turn = {(rule, turn_no) for rule, turn_no, _ in recorded}
        by_evidence = {(rule, evidence) for rule, _, evidence in recorded if evidence}
        rows = []
        for violation in violations:
            if not isinstance(violation, dict) or not violation.get("category"):
                continue
            key = violation.get("rule") or violation["category"]
            turn_no = violation.get("turn")
            if (key, turn_no) in by_turn or (key, violation.get("evidence") or "") in by_evidence:
                continue
            rows.append(_violation_row(violation, session_id, trainee_id, turn_no, now))
        if rows:
            db["violations"].insert_all(rows)

    def session(self, session_id: str) -> Optional[dict]:
        """The session row with its report parsed and `trainers` (who assigned work to this trainee)."""
        rows = self.query("select * from sessions where id = ?", [session_id])
        if not rows:
            return None
        session = rows[0]
        session["report"] = _unjson(session["report"])
        session["trainers"] = self.trainers_of(session["trainee_id"])
        return session

    def require_session(self, session_id: str) -> dict:
        session = self.session(session_id)
        if session is None:
            raise UnknownSession(session_id)
        return session

    def session_turns(self, session_id: str) -> list:
        rows = self.query("select * from turns where session_id = ? order by turn_no", [session_id])
        return [_decoded_turn(row) for row in rows]

    def turn_for_message(self, session_id: str, message_key: Optional[str]) -> Optional[dict]:
        """The turn already played for this message of the session, or None (also for no key)."""
        if not message_key:
            return None
        rows = self.query("select * from turns where session_id = ? and message_key = ?", [session_id, message_key])
        return _decoded_turn(rows[0]) if rows else None

    def session_violations(self, session_id: str) -> list:
        return self.query("select * from violations where session_id = ? order by coalesce(turn_no, 1e9), id",
                          [session_id])

    def active_session_for(self, trainee_id: str) -> Optional[dict]:
        rows = self.query("select id from sessions where trainee_id = ? and status = 'active' "
                          "order by started_at desc, rowid desc limit 1", [trainee_id])
        return self.session(rows[0]["id"]) if rows else None

    def sessions_for(self, trainee_id: str, limit: int = 20) -> list:
        rows = self.query("select * from sessions where trainee_id = ? order by started_at desc, rowid desc limit ?",
                          [trainee_id, limit])
        for row in rows:
            row["report"] = _unjson(row["report"])
        return rows

    def mark_abandoned(self, older_than_minutes: float = ABANDONED_AFTER_MINUTES) -> int:
        """Sessions left active with no turn for that long (a crash, a closed chat) become abandoned;
        their committed turns stay. A line the trainee typed during a simulator outage (still held)
        counts as activity too: the trainee was there, the simulator was not."""
        cutoff = (self.clock() - dt.timedelta(minutes=older_than_minutes)).astimezone(dt.timezone.utc)
        cutoff_text = cutoff.strftime(TIME_FORMAT)
        with self.transaction() as db:
            return db.execute(
                "update sessions set status = 'abandoned' where status = 'active' "
                "and coalesce(last_turn_at, started_at) <= ? "
                "and not exists (select 1 from pending_messages p where p.session_id = sessions.id "
                "and p.queued_at > ?)",
                [cutoff_text, cutoff_text],
            ).rowcount

    def trainers_of(self, trainee_id: str) -> list:
        return [r["trainer_id"] for r in self.query(
            "select distinct trainer_id from assignments where trainee_id = ? order by trainer_id", [trainee_id])]


def _text(value) -> Optional[str]:
    return None if value is None else str(value)


def _violation_row(violation: dict, session_id: str, trainee_id: str, turn_no, now: str) -> dict:
    return {
        "session_id": session_id, "trainee_id": trainee_id, "turn_no": turn_no, "at": now,
        "category": violation.get("category") or "unknown", "rule": violation.get("rule"),
        "severity": violation.get("severity"), "evidence": violation.get("evidence"),
        "citation": violation.get("citation"), "source": violation.get("source"),
    }
