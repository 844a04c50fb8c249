"""Certification records: granted by the policy after an exam or by a lead, confirmed or revoked by
a lead with a reason. Rows are never deleted, so the history of every level stays readable."""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import List, Optional

from foundation import paths
from progress.certification import EXPIRY_NOTICE_DAYS, evaluate, load_policy, qualifies
from progress.errors import AccessDenied, InvalidInput, PolicyError, UnknownTrainee

log = logging.getLogger(__name__)
POLICY_ACTOR = "policy"


class CertificationsMixin:
    @property
    def policy(self):
        """The policy passed to Store.open, else the data folder's certification.yml (loaded once, validated)."""
        if self._policy is None:
            self._policy = load_policy(paths.certification_policy())
        return self._policy

    def current_level(self, trainee_id: str) -> int:
        """The highest level granted, not revoked and not lapsed."""
        rows = self.query("select coalesce(max(level), 0) as level from certifications "
                          "where trainee_id = ? and revoked_at is null and (expires_at is null or expires_at > ?)",
                          [trainee_id, self.now()])
        return rows[0]["level"]

    def _expires_at(self, level: int, granted_at: str) -> Optional[str]:
        rule = self.policy.level(level)
        if rule is None or rule.valid_days is None:
            return None
        granted = dt.datetime.strptime(granted_at, "%Y-%m-%d %H:%M:%S")
        return (granted + dt.timedelta(days=rule.valid_days)).strftime("%Y-%m-%d %H:%M:%S")

    def certification_expiry(self, trainee_id: Optional[str] = None, within_days: int = EXPIRY_NOTICE_DAYS) -> List[dict]:
        """Per trainee and level, the latest unrevoked grant that lapses within `within_days` (or has
        lapsed): {trainee_id, level, granted_at, expires_at, days_left, expired, expiry_reminded_at, id}."""
        now = self.now()
        horizon = (self.clock().astimezone(dt.timezone.utc) + dt.timedelta(days=within_days)).strftime("%Y-%m-%d %H:%M:%S")
        rows = self.query(
            "select c.id, c.trainee_id, c.level, c.granted_at, c.expires_at, c.expiry_reminded_at from certifications c "
            "where c.revoked_at is null and c.expires_at is not null and (? = '' or c.trainee_id = ?) "
            "and c.expires_at = (select max(c2.expires_at) from certifications c2 where c2.trainee_id = c.trainee_id "
            "and c2.level = c.level and c2.revoked_at is null) and c.expires_at <= ? "
            "order by c.expires_at, c.trainee_id, c.level", [trainee_id or "", trainee_id or "", horizon])
        today = self.clock().astimezone(dt.timezone.utc)
        for row in rows:
            expires = dt.datetime.strptime(row["expires_at"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.timezone.utc)
            row["days_left"] = max(0, (expires - today).days)
            row["expired"] = row["expires_at"] <= now
        return rows

    def level_expires_at(self, trainee_id: str, level: int) -> Optional[str]:
        """When the trainee's hold on `level` lapses (the latest unrevoked grant), or None (never, or not held)."""
        if not level:
            return None
        rows = self.query("select expires_at from certifications where trainee_id = ? and level = ? "
                          "and revoked_at is null order by (expires_at is null) desc, expires_at desc limit 1",
                          [trainee_id, level])
        return rows[0]["expires_at"] if rows else None

    def mark_expiry_reminded(self, certification_id: int) -> bool:
        """True the first time the holder is told the grant is about to lapse, False after."""
        with self.transaction() as db:
            return db.execute("update certifications set expiry_reminded_at = ? where id = ? and expiry_reminded_at is null",
                              [self.now(), certification_id]).rowcount > 0

    def scenarios_played_at_level(self, trainee_id: str, level: int) -> List[str]:
        """Scenarios of the exams that earned or renewed the trainee's grants of `level`: a renewal must be another."""
        evidence = set()
        for row in self.query("select evidence from certifications where trainee_id = ? and level = ?", [trainee_id, level]):
            evidence.update(json.loads(row["evidence"]) if row["evidence"] else [])
        if not evidence:
            return []
        marks = ", ".join("?" for _ in evidence)
        return [r["scenario_id"] for r in self.query(
            f"select distinct scenario_id from sessions where id in ({marks}) order by scenario_id", sorted(evidence))]

    def _renewal_after_exam(self, trainee_id: str, session_id: str) -> Optional[dict]:
        """An exam renews each level whose latest grant lapses within the notice period (or has lapsed),
        when it meets that level's bars on a scenario not played at that level before."""
        session = self.query("select s.*, sc.persona from sessions s left join scenarios sc on sc.id = s.scenario_id "
                             "where s.id = ?", [session_id])[0]
        renewed = []
        for row in self.certification_expiry(trainee_id):
            rule = self.policy.level(row["level"])
            if rule is None or rule.valid_days is None or session["mode"] != rule.mode or not qualifies(rule, session):
                continue
            if session["scenario_id"] in self.scenarios_played_at_level(trainee_id, row["level"]):
                continue
            now = self.now()
            with self.transaction() as db:
                db["certifications"].insert({
                    "trainee_id": trainee_id, "level": row["level"], "granted_by": POLICY_ACTOR,
                    "reason": f"renewed by exam {session_id} on a scenario new at this level",
                    "evidence": json.dumps([session_id]), "granted_at": now,
                    "expires_at": self._expires_at(row["level"], now),
                })
            renewed.append(row["level"])
        return {"levels": renewed, "session_id": session_id} if renewed else None

    def certifications(self, trainee_id: str) -> list:
        """Every grant, confirmation and revocation for the trainee, oldest first."""
        rows = self.query("select * from certifications where trainee_id = ? order by granted_at, id", [trainee_id])
        for row in rows:
            row["evidence"] = json.loads(row["evidence"]) if row["evidence"] else []
        return rows

    def certification_status(self, trainee_id: str, policy=None):
        if self.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        return evaluate(self, trainee_id, policy or self.policy)

    def _certification_after_exam(self, trainee_id: str, session_id: str, reason: Optional[str] = None) -> dict:
        """Grant every level the evidence newly supports; a broken policy is reported, not fatal,
        because the session itself is already safely stored. `reason` says why, when it is not
        the exam itself (an overturned dispute)."""
        try:
            status = self.certification_status(trainee_id)
        except PolicyError as exc:
            log.error("certification not evaluated after %s: %s", session_id, exc)
            return {"certification_change": None, "certification_error": str(exc)}
        renewal = self._renewal_after_exam(trainee_id, session_id)
        if renewal is not None:
            status = self.certification_status(trainee_id)
        renewed = {"certification_renewal": renewal} if renewal is not None else {}
        if status.earned_level <= status.held_level:
            return {"certification_change": None, **renewed}
        granted = []
        with self.transaction() as db:
            for progress in status.levels:
                if status.held_level < progress.level <= status.earned_level:
                    db["certifications"].insert({
                        "trainee_id": trainee_id, "level": progress.level, "granted_by": POLICY_ACTOR,
                        "reason": reason or f"policy met after exam {session_id}", "evidence": json.dumps(progress.evidence),
                        "granted_at": self.now(), "expires_at": self._expires_at(progress.level, self.now()),
                    })
                    granted.append(progress.level)
        top = status.levels[status.earned_level - 1]
        return {**renewed, "certification_change": {
            "trainee_id": trainee_id, "from_level": status.held_level, "to_level": status.earned_level,
            "granted_levels": granted, "evidence": top.evidence, "name_zh": top.name_zh, "name_en": top.name_en,
            "needs_confirmation": True,
        }}

    def _require_lead(self, by: str, action: str) -> None:
        actor = self.get_user(by) if by else None
        if actor is None or actor["role"] != "lead":
            raise AccessDenied(action, ("lead",))

    def certify(self, trainee_id: str, level: int, by: str, reason: str) -> dict:
        """A lead confirms a policy grant at `level`, or grants it outright; the reason is kept."""
        self._require_lead(by, "certify")
        if self.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        if not (reason or "").strip():
            raise InvalidInput("a reason is required / 必须填写理由")
        levels = [rule.level for rule in self.policy.levels]
        if level not in levels:
            raise InvalidInput(f"level {level} is not in the policy (levels: {levels}) / 认证等级不存在")
        now = self.now()
        with self.transaction() as db:
            pending = db.execute(
                "select id from certifications where trainee_id = ? and level = ? and revoked_at is null "
                "and confirmed_at is null order by id desc limit 1", [trainee_id, level]).fetchone()
            if pending:
                db["certifications"].update(pending[0], {"confirmed_by": by, "confirmed_at": now, "reason": reason})
                cert_id = pending[0]
            else:
                cert_id = db["certifications"].insert({
                    "trainee_id": trainee_id, "level": level, "granted_by": by, "reason": reason, "evidence": "[]",
                    "granted_at": now, "confirmed_by": by, "confirmed_at": now,
                    "expires_at": self._expires_at(level, now),
                }).last_pk
            db["audit_log"].insert({"at": now, "actor": by, "action": "certify", "subject": trainee_id,
                                    "detail": json.dumps({"level": level, "reason": reason}, ensure_ascii=False)})
        return self.query("select * from certifications where id = ?", [cert_id])[0]

    def revoke(self, trainee_id: str, by: str, reason: str, level: Optional[int] = None) -> list:
        """Revoke the held level (or `level` and everything above it); returns the revoked rows."""
        self._require_lead(by, "revoke certification")
        if self.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        if not (reason or "").strip():
            raise InvalidInput("a reason is required / 必须填写理由")
        floor = level if level is not None else self.current_level(trainee_id)
        now = self.now()
        with self.transaction() as db:
            ids = [r[0] for r in db.execute(
                "select id from certifications where trainee_id = ? and level >= ? and revoked_at is null",
                [trainee_id, floor])]
            if not ids or floor == 0:
                raise InvalidInput(f"{trainee_id!r} holds no certification to revoke / 该学员没有可撤销的认证")
            db.execute(f"update certifications set revoked_by = ?, revoked_at = ?, revoke_reason = ? "
                       f"where id in ({', '.join('?' for _ in ids)})", [by, now, reason, *ids])
            db["audit_log"].insert({"at": now, "actor": by, "action": "revoke", "subject": trainee_id,
                                    "detail": json.dumps({"from_level": floor, "reason": reason}, ensure_ascii=False)})
        return self.query(f"select * from certifications where id in ({', '.join('?' for _ in ids)})", ids)
