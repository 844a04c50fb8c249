"""A trainee's right to their transcripts (issue 5): export everything, then delete the words.

Deletion removes what the trainee and the simulated debtor said (turns, violation evidence, the
report's text, lines still held for the simulator, the lines and reasons quoted in disputes) and keeps the numbers (session scores, counts, violation categories), so team
reports and certification history stay true without keeping anyone's words.
"""
from __future__ import annotations

import json

from progress.errors import UnknownTrainee

# Report keys that hold numbers or ids, kept after deletion; every other key may quote the trainee.
REPORT_KEYS_KEPT = ("scores", "passed", "outcome", "turns", "violation_counts")


class PrivacyMixin:
    def export_trainee(self, trainee_id: str) -> dict:
        """Everything the store holds about one trainee, as plain JSON-ready data."""
        user = self.get_user(trainee_id)
        if user is None:
            raise UnknownTrainee(trainee_id)
        sessions = self.query("select * from sessions where trainee_id = ? order by started_at, id", [trainee_id])
        for session in sessions:
            session["report"] = json.loads(session["report"]) if session["report"] else None
            session["turns"] = self.session_turns(session["id"])
            session["violations"] = self.session_violations(session["id"])
            session["pending_messages"] = self.pending_messages(session["id"])
        return {
            "format": "collectordojo-trainee-export/1",
            "exported_at": self.now(),
            "user": user,
            "sessions": sessions,
            "assignments": self.assignments(trainee_id=trainee_id),
            "certifications": self.certifications(trainee_id),
            "disputes": self.query("select * from disputes where trainee_id = ? order by id", [trainee_id]),
        }

    def delete_transcripts(self, trainee_id: str, by: str) -> dict:
        """Delete the trainee's words in one transaction; returns how much was removed."""
        if self.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        now = self.now()
        with self.transaction() as db:
            session_ids = [r[0] for r in db.execute("select id from sessions where trainee_id = ?", [trainee_id])]
            marks = ", ".join("?" for _ in session_ids) or "null"
            turns = db.execute(f"delete from turns where session_id in ({marks})", session_ids).rowcount
            held = db.execute(f"delete from pending_messages where session_id in ({marks})", session_ids).rowcount
            evidence = db.execute(
                "update violations set evidence = null where trainee_id = ? and coalesce(evidence, '') != ''",
                [trainee_id]).rowcount
            for session_id, report in list(db.execute(
                    f"select id, report from sessions where id in ({marks})", session_ids)):
                kept = {k: v for k, v in (json.loads(report) if report else {}).items() if k in REPORT_KEYS_KEPT}
                db.execute("update sessions set report = ?, transcript_deleted_at = ? where id = ?",
                           [json.dumps(kept, ensure_ascii=False), now, session_id])
            # A dispute quotes both lines and the trainee's reason: the words go, the ruling stays.
            disputes = db.execute(
                "update disputes set trainee_text = null, debtor_said = null, evidence = null, span = null, "
                "reason = '', note = null where trainee_id = ?", [trainee_id]).rowcount
            summary = {"sessions": len(session_ids), "turns_deleted": turns, "evidence_cleared": evidence,
                       "held_deleted": held, "disputes_cleared": disputes}
            db["audit_log"].insert({"at": now, "actor": by, "action": "delete_transcripts", "subject": trainee_id,
                                    "detail": json.dumps(summary)})
        return summary
