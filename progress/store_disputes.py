"""Disputes: a trainee questions one finding on the exact words, a trainer upholds or overturns it.

An upheld finding changes nothing. An overturned one stops counting: the turn's and the session's
scores, pass or fail and the trainee's certification are recomputed from the stored findings with
every overturn of the session applied, in the same transaction as the ruling, so a ruling and its
consequences are on file together or not at all. The recomputing itself is the graders' (a
`Rescorer` the caller passes in), because the store knows SQL, not how a reply is graded.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple

from foundation.findings import NVC_PARTS, SESSION_TURN, session_checks, turn_findings
from progress import queries
from progress.errors import AccessDenied, DisputeConflict, InvalidInput, UnknownDispute, UnknownSession, UnknownUser

REASON_MAX_CHARS = 500
NOTE_MAX_CHARS = 500
VERDICTS = {"uphold": "upheld", "overturn": "overturned"}
DISPUTE_STATUSES = ("open", "upheld", "overturned")
RULING_ROLES = ("trainer", "lead")
# (session row, its turn rows with the grader's own findings, {turn: finding ids overturned}) ->
# ({turn: findings now counting}, the recomputed report card or None while the session is under way)
Rescorer = Callable[[dict, List[dict], Dict[int, Set[str]]], Tuple[Dict[int, dict], Optional[dict]]]


def _json(value) -> Optional[str]:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _text(value: Optional[str], what_en: str, what_zh: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"a {what_en} is required / 必须填写{what_zh}")
    if len(text) > limit:
        raise InvalidInput(f"the {what_en} is {len(text)} characters; at most {limit} / {what_zh}最多 {limit} 个字符")
    return text


class DisputesMixin:
    # -- what may be disputed ---------------------------------------------------------------

    def disputable_findings(self, session_id: str) -> List[dict]:
        """Every finding of the session a trainee may dispute now, in turn order (session checks,
        turn 0, last), each with the open dispute on it if there is one."""
        session = self.require_session(session_id)
        turns = self.session_turns(session_id)
        found, rule_ids = [], set()
        for turn in turns:
            for source in (turn.get("findings"), _unjson(turn.get("findings_graded"))):
                rule_ids.update(item["finding"] for item in turn_findings(source) if item["kind"] == "violation")
            if turn["turn_no"] > 0:
                found.extend({"turn_no": turn["turn_no"], **item} for item in turn_findings(turn.get("findings")))
        found.extend({"turn_no": SESSION_TURN, **item} for item in session_checks(session.get("report"), rule_ids))
        open_disputes = {(d["turn_no"], d["finding"]): d["id"] for d in self.disputes(status="open", session_id=session_id)}
        for item in found:
            item["open_dispute"] = open_disputes.get((item["turn_no"], item["finding"]))
        return found

    # -- filing -----------------------------------------------------------------------------

    def file_dispute(self, session_id: str, turn_no: int, finding: str, reason: str, by: str) -> dict:
        """A trainee disputes one finding of their own session; one open dispute per finding."""
        reason = _text(reason, "reason", "申诉理由", REASON_MAX_CHARS)
        session = self.require_session(session_id)
        if self.get_user(by) is None:
            raise UnknownUser(by)
        if by != session["trainee_id"]:
            raise AccessDenied("dispute a finding on someone else's session / 对他人的会话提出申诉", ("the session's trainee",))
        candidates = [f for f in self.disputable_findings(session_id) if f["turn_no"] == turn_no]
        chosen = next((f for f in candidates if f["finding"] == finding), None)
        if chosen is None:
            known = ", ".join(f["finding"] for f in candidates) or "none / 无"
            raise InvalidInput(f"turn {turn_no} of session {session_id!r} has no finding {finding!r} to dispute "
                               f"(there: {known}) / 该轮次没有此项评分结果可申诉")
        turns = {t["turn_no"]: t for t in self.session_turns(session_id)}
        turn = turns.get(turn_no) or {}
        debtor_said = (turns.get(turn_no - 1) or {}).get("debtor_reply") if turn_no > 0 else None
        scenario = self.scenario(session["scenario_id"]) or {}
        now = self.now()
        with self.transaction() as db:
            held = db.execute("select id from disputes where session_id = ? and turn_no = ? and finding = ? "
                              "and status = 'open'", [session_id, turn_no, finding]).fetchone()
            if held is not None:
                raise DisputeConflict(f"finding {finding!r} of turn {turn_no} already has open dispute {held[0]} "
                                      f"/ 该项已有待裁定的申诉 {held[0]}")
            dispute_id = db["disputes"].insert({
                "session_id": session_id, "turn_no": turn_no, "finding": finding, "trainee_id": by,
                "reason": reason, "status": "open", "created_at": now, "kind": chosen["kind"],
                "rule": chosen.get("rule"), "category": chosen.get("category"), "severity": chosen.get("severity"),
                "citation": chosen.get("citation"), "source": chosen.get("source"),
                "evidence": chosen.get("evidence"), "span": _json(chosen.get("span")),
                "trainee_text": turn.get("trainee_text"), "debtor_said": debtor_said, "lang": session["lang"],
                "regime": scenario.get("regime"),
            }).last_pk
            db["audit_log"].insert({"at": now, "actor": by, "action": "dispute", "subject": session_id,
                                    "detail": _json({"dispute": dispute_id, "turn": turn_no, "finding": finding})})
        return self.dispute(dispute_id)

    # -- reading ----------------------------------------------------------------------------

    def dispute(self, dispute_id: int) -> dict:
        rows = self.query("select * from disputes where id = ?", [dispute_id])
        if not rows:
            raise UnknownDispute(dispute_id)
        return _decoded(rows[0])

    def disputes(self, status: Optional[str] = None, trainee_id: Optional[str] = None,
                 session_id: Optional[str] = None) -> List[dict]:
        """The queue (open first, then oldest first), each with `trainee_marked`: the trainee's line
        with the evidence between 【 】; filtered by status, trainee or session."""
        if status is not None and status not in DISPUTE_STATUSES:
            raise InvalidInput(f"status {status!r} is not one of {', '.join(DISPUTE_STATUSES)} / 无效的状态")
        rows = self.query(queries.DISPUTE_QUEUE, {"status": status or "", "trainee": trainee_id or ""})
        return [_decoded(row) for row in rows if session_id is None or row["session_id"] == session_id]

    def rulings_since(self, since: str) -> List[dict]:
        """Ruled disputes from `since` (YYYY-MM-DD) on, oldest first: the grader's labelled cases."""
        return [_decoded(row) for row in self.query(
            "select * from disputes where status != 'open' and ruled_at >= ? order by ruled_at, id", [since])]

    def rulings_to_notify(self, dispute_id: Optional[int] = None) -> List[dict]:
        """Rulings a Telegram trainee has not been told of yet (or just `dispute_id`'s), with the
        trainee's Telegram id and language. Terminal trainees read theirs in `dojo report trainee`."""
        only = "and d.id = ?" if dispute_id is not None else ""
        rows = self.query("select d.*, u.telegram_id, u.lang as user_lang from disputes d "
                          "join users u on u.id = d.trainee_id where d.status != 'open' and d.notified_at is null "
                          f"and u.telegram_id is not null {only} order by d.id",
                          [dispute_id] if dispute_id is not None else [])
        return [_decoded(row) for row in rows]

    def turn_findings_now(self, session_id: str, turn_no: int) -> Optional[dict]:
        """The findings that count for a turn now (after any overturn); None for turn 0 or no such turn."""
        if turn_no == SESSION_TURN:
            return None
        rows = self.query("select findings from turns where session_id = ? and turn_no = ?", [session_id, turn_no])
        return _unjson(rows[0]["findings"]) if rows else None

    def mark_dispute_notified(self, dispute_id: int) -> None:
        with self.transaction() as db:
            db.execute("update disputes set notified_at = ? where id = ?", [self.now(), dispute_id])

    def finding_figures(self) -> List[dict]:
        """Per finding (rule id, nvc.<part>, …): how often found, disputed, ruled, overturned, and
        `review` = 1 when its overturn rate passes its rule pack's threshold."""
        return self.query(queries.FINDING_FIGURES)

    def sync_review_thresholds(self, thresholds: List[Mapping[str, Any]]) -> int:
        """Store the rule packs' review thresholds (scoring.rulings.review_thresholds())."""
        now = self.now()
        with self.transaction() as db:
            db["finding_review"].upsert_all([{**row, "synced_at": now} for row in thresholds], pk="finding")
        return len(thresholds)

    # -- ruling -----------------------------------------------------------------------------

    def rule_dispute(self, dispute_id: int, verdict: str, by: str, note: str, rescorer: Rescorer) -> dict:
        """Uphold or overturn an open dispute. Returns the ruled dispute with "certification_change".

        Ruling a dispute that is already ruled is a DisputeConflict and changes nothing; two
        trainers ruling at once get one ruling and one such error (the write lock orders them)."""
        if verdict not in VERDICTS:
            raise InvalidInput(f"verdict {verdict!r} is not one of {', '.join(VERDICTS)} / 裁定只能是 uphold 或 overturn")
        note = _text(note, "note", "裁定说明", NOTE_MAX_CHARS)
        ruler = self.get_user(by)
        if ruler is None:
            raise UnknownUser(by)
        if ruler["role"] not in RULING_ROLES:
            raise AccessDenied("rule on a dispute / 裁定申诉", RULING_ROLES)
        change = None
        with self.transaction() as db:
            dispute = self.dispute(dispute_id)
            if dispute["status"] != "open":
                raise DisputeConflict(f"dispute {dispute_id} was already ruled: {dispute['status']} by "
                                      f"{dispute['ruled_by']} at {dispute['ruled_at']}; nothing changed "
                                      f"/ 该申诉已裁定，未做任何更改")
            if by == dispute["trainee_id"]:
                raise AccessDenied("rule on a dispute about your own session / 裁定自己会话的申诉", RULING_ROLES)
            if verdict == "overturn" and self.session(dispute["session_id"]).get("transcript_deleted_at"):
                raise InvalidInput(f"session {dispute['session_id']}'s transcript was deleted at the trainee's request, "
                                   f"so its scores cannot be recomputed; it may only be upheld "
                                   f"/ 该会话记录已按学员要求删除，无法重新计分，只能维持原判")
            now = self.now()
            status = VERDICTS[verdict]
            ruled = db.execute("update disputes set status = ?, ruled_by = ?, ruled_at = ?, note = ? "
                               "where id = ? and status = 'open'", [status, by, now, note, dispute_id]).rowcount
            if not ruled:  # only reachable without the write lock (another connection ruled first)
                raise DisputeConflict(f"dispute {dispute_id} was already ruled; nothing changed / 该申诉已裁定")
            db["audit_log"].insert({"at": now, "actor": by, "action": f"dispute_{status}",
                                    "subject": dispute["session_id"],
                                    "detail": _json({"dispute": dispute_id, "turn": dispute["turn_no"],
                                                     "finding": dispute["finding"], "note": note})})
            if status == "overturned":
                change = self._apply_overturns(db, dispute, rescorer)
        result = self.dispute(dispute_id)
        result["certification_change"] = change
        return result

    def _apply_overturns(self, db, dispute: dict, rescorer: Rescorer) -> Optional[dict]:
        """Recompute the session from its stored findings with every overturn so far applied."""
        session_id = dispute["session_id"]
        session = self.session(session_id)
        overturned: Dict[int, Set[str]] = {}
        for row in db.execute("select turn_no, finding from disputes where session_id = ? and status = 'overturned'",
                              [session_id]):
            overturned.setdefault(row[0], set()).add(row[1])
        graded = []
        for turn in self.session_turns(session_id):
            original = _unjson(turn.get("findings_graded"))
            graded.append({**turn, "findings": original if original is not None else turn["findings"]})
        finished = session["status"] == "completed" and bool(session.get("report"))
        effective, report = rescorer(session, graded, overturned if finished else
                                     {k: v for k, v in overturned.items() if k != SESSION_TURN})
        for turn in graded:
            findings = effective.get(turn["turn_no"])
            if findings is None:
                continue
            db.execute("update turns set findings_graded = coalesce(findings_graded, findings), findings = ?, "
                       "overall = ? where session_id = ? and turn_no = ?",
                       [_json(findings), findings.get("overall"), session_id, turn["turn_no"]])
        turn_clause = "" if dispute["turn_no"] == SESSION_TURN else " and turn_no = ?"
        db.execute(f"update violations set overturned_by = ? where session_id = ? and coalesce(rule, category) = ? "
                   f"and overturned_by is null{turn_clause}",
                   [dispute["id"], session_id, dispute["finding"]]
                   + ([] if dispute["turn_no"] == SESSION_TURN else [dispute["turn_no"]]))
        counts = db.execute("select count(*), coalesce(sum(severity = 'critical'), 0) from violations "
                            "where session_id = ? and overturned_by is null", [session_id]).fetchone()
        db.execute("update sessions set violation_count = ?, critical_count = ? where id = ?",
                   [counts[0], counts[1], session_id])
        if report is None:
            return None
        kept = {key: value for key, value in (session.get("report") or {}).items() if key not in report}
        report = {**kept, **report}
        scores = report.get("scores") or {}
        db.execute("update sessions set overall = ?, compliance = ?, nvc = ?, deescalation = ?, passed = ?, "
                   "report = ? where id = ?",
                   [scores.get("overall"), scores.get("compliance"), scores.get("nvc"), scores.get("deescalation"),
                    int(bool(report.get("passed"))), _json(report), session_id])
        reason = (f"policy met after dispute {dispute['id']} on session {session_id} was overturned "
                  f"({dispute['finding']}, turn {dispute['turn_no']}) / 申诉 {dispute['id']} 改判后达到认证要求")
        return self._certification_after_exam(session["trainee_id"], session_id, reason=reason)["certification_change"]


def _unjson(text):
    if text is None or isinstance(text, (dict, list)):
        return text
    return json.loads(text)


def _decoded(row: dict) -> dict:
    row["span"] = _unjson(row.get("span"))
    return row


def labelled_item(dispute: Mapping[str, Any], findings: Optional[Mapping[str, Any]]) -> dict:
    """A ruling as one labelled line in the scorer's JSON Lines format (data/eval/scoring): the text,
    and the labels that now stand for it (the grader's findings with every overturn applied). An
    overturned finding is a known error of the grader (`grader_error`). A session check (turn 0)
    has no single text and is marked `scope: session`."""
    findings = findings or {}
    nvc = findings.get("nvc") or {}
    ruling = {key: dispute.get(key) for key in ("finding", "kind", "rule", "category", "source", "citation",
                                                 "evidence", "span", "reason", "ruled_by", "ruled_at", "note")}
    return {
        "id": f"dispute-{dispute['id']}", "lang": dispute.get("lang"), "regime": dispute.get("regime"),
        "text": dispute.get("trainee_text") if dispute.get("turn_no") else None,
        "debtor_said": dispute.get("debtor_said"),
        "scope": "turn" if dispute.get("turn_no") else "session",
        "violations": sorted({v.get("category") for v in findings.get("violations") or () if v.get("category")}),
        "nvc": [part for part in NVC_PARTS if nvc.get(part)],
        "polarity": (findings.get("deescalation") or {}).get("polarity"),
        "verdict": dispute.get("status"), "grader_error": dispute.get("status") == "overturned", "dispute": ruling,
    }
