"""Certification records: granted by the policy after an exam or by a lead, confirmed or revoked by
a lead with a reason. Rows are never deleted, so the history of every level stays readable."""
from __future__ import annotations

import json
import logging
from typing import Optional

from foundation import paths
from progress.certification import evaluate, load_policy
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
        rows = self.query("select coalesce(max(level), 0) as level from certifications "
                          "where trainee_id = ? and revoked_at is null", [trainee_id])
        return rows[0]["level"]

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
        if status.earned_level <= status.held_level:
            return {"certification_change": None}
        granted = []
        with self.transaction() as db:
            for progress in status.levels:
                if status.held_level < progress.level <= status.earned_level:
                    db["certifications"].insert({
                        "trainee_id": trainee_id, "level": progress.level, "granted_by": POLICY_ACTOR,
                        "reason": reason or f"policy met after exam {session_id}", "evidence": json.dumps(progress.evidence),
                        "granted_at": self.now(),
                    })
                    granted.append(progress.level)
        top = status.levels[status.earned_level - 1]
        return {"certification_change": {
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
