"""Weak points, progress at a glance, and drill sets: what issue 15 reads and writes.

The numbers come from the SQL in `progress.queries` (the dashboard runs the same text), with the
parameters fixed here: a half-life of 30 days for recency, and three completed sessions before a
proficiency is shown. Drill sets are written like sessions: one IMMEDIATE transaction per change,
and a rewrite recorded twice at the same position is kept once.
"""
from __future__ import annotations

import json
from typing import Dict, List, Optional, Sequence

from foundation import vocab as shared_vocab
from progress import queries
from progress.errors import InvalidInput, UnknownTrainee

HALF_LIFE_DAYS = 30.0
MIN_SESSIONS_FOR_PROFICIENCY = 3
DRILL_SET_SIZE = 5


class UnknownDrillSet(InvalidInput):
    """Raised when a drill set id is not in the store."""


class DrillsMixin:
    def _count_turn_parts(self, db, session_id: str, findings: dict) -> None:
        """Add one turn's NVC parts and tone to its session's counters (see m008_drills)."""
        nvc = findings.get("nvc") if isinstance(findings.get("nvc"), dict) else {}
        tone = findings.get("deescalation") if isinstance(findings.get("deescalation"), dict) else {}
        polarity = tone.get("polarity")
        increments = [int(nvc.get(part) is True) for part in shared_vocab.NVC_PARTS]
        increments.append(int(isinstance(polarity, (int, float)) and polarity < 0))
        if any(increments):
            db.execute(
                "update sessions set turns_with_observation = turns_with_observation + ?, "
                "turns_with_feeling = turns_with_feeling + ?, turns_with_need = turns_with_need + ?, "
                "turns_with_request = turns_with_request + ?, escalating_turns = escalating_turns + ? where id = ?",
                [*increments, session_id])

    # -- reading -----------------------------------------------------------------------------

    def _glance_params(self, trainee_id: Optional[str]) -> dict:
        return {"trainee": trainee_id or "", "now": self.now(), "half_life": HALF_LIFE_DAYS,
                "min_sessions": MIN_SESSIONS_FOR_PROFICIENCY, "limit": -1}

    def weak_points(self, trainee_id: Optional[str] = None) -> List[dict]:
        """Rows {trainee, weak_point, score, sessions_with_it, sessions}, worst first per trainee."""
        return self.query(queries.WEAK_POINTS, self._glance_params(trainee_id))

    def scenario_lift(self, trainee_id: Optional[str] = None) -> List[dict]:
        return self.query(queries.SCENARIO_LIFT, self._glance_params(trainee_id))

    def proficiency(self, trainee_id: Optional[str] = None) -> List[dict]:
        return self.query(queries.PROFICIENCY, self._glance_params(trainee_id))

    def drill_sets(self, trainee_id: Optional[str] = None, limit: int = -1) -> List[dict]:
        params = {**self._glance_params(trainee_id), "limit": limit}
        rows = self.query(queries.DRILL_SETS, params)
        for row in rows:
            row["focus"] = json.loads(row["focus"]) if row["focus"] else []
        return rows

    def drilled_items(self, trainee_id: str) -> Dict[str, str]:
        """item id → when the trainee last drilled it, so a new set prefers items not seen lately."""
        rows = self.query("select a.item_id, max(a.at) as last from drill_attempts a "
                          "join drill_sets d on d.id = a.drill_set_id where d.trainee_id = ? group by a.item_id",
                          [trainee_id])
        return {row["item_id"]: row["last"] for row in rows}

    def active_drill_set(self, trainee_id: str) -> Optional[str]:
        """The id of the trainee's unfinished drill set, newest first, or None."""
        rows = self.query("select id from drill_sets where trainee_id = ? and status = 'active' "
                          "order by started_at desc, rowid desc limit 1", [trainee_id])
        return rows[0]["id"] if rows else None

    def drill_set(self, drill_set_id: str) -> dict:
        rows = self.query("select * from drill_sets where id = ?", [drill_set_id])
        if not rows:
            raise UnknownDrillSet(f"unknown drill set {drill_set_id!r} / 没有这个练习组")
        drill_set = rows[0]
        drill_set["focus"] = json.loads(drill_set["focus"]) if drill_set["focus"] else []
        drill_set["attempts"] = self.query(
            "select * from drill_attempts where drill_set_id = ? order by position", [drill_set_id])
        for attempt in drill_set["attempts"]:
            attempt["findings"] = json.loads(attempt["findings"]) if attempt["findings"] else None
        return drill_set

    # -- writing -----------------------------------------------------------------------------

    def start_drill_set(self, drill_set_id: str, trainee_id: str, lang: str, channel: str, source: str,
                        items: Sequence[dict], assignment_id: Optional[int] = None) -> dict:
        """Record a chosen set: `items` are {"item_id", "topic"} in the order they will be asked.

        Idempotent on the id. The trainee must exist (the caller creates terminal trainees)."""
        if lang not in shared_vocab.LANGUAGES:
            raise InvalidInput(f"language {lang!r} is not one of zh, en / 无效的语言")
        if not items:
            raise InvalidInput("a drill set needs at least one item / 练习组至少需要一道题")
        if self.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        focus = list(dict.fromkeys(item["topic"] for item in items))
        now = self.now()
        with self.transaction() as db:
            if db.execute("select 1 from drill_sets where id = ?", [drill_set_id]).fetchone():
                return self.drill_set(drill_set_id)
            db["drill_sets"].insert({
                "id": drill_set_id, "trainee_id": trainee_id, "lang": lang, "channel": channel, "source": source,
                "focus": json.dumps(focus), "assignment_id": assignment_id, "started_at": now,
                "status": "active", "items": len(items), "passed": 0,
            })
            db["drill_attempts"].insert_all(
                {"drill_set_id": drill_set_id, "position": position, "item_id": item["item_id"],
                 "topic": item["topic"], "at": now}
                for position, item in enumerate(items, start=1))
        return self.drill_set(drill_set_id)

    def record_drill_attempt(self, drill_set_id: str, position: int, rewrite: str, passed: bool,
                             flaw_fixed: bool, overall: Optional[float], findings: Optional[dict]) -> bool:
        """Store the graded rewrite at its position; False (and nothing changed) if already answered."""
        with self.transaction() as db:
            row = db.execute("select rewrite from drill_attempts where drill_set_id = ? and position = ?",
                             [drill_set_id, position]).fetchone()
            if row is None:
                raise UnknownDrillSet(f"drill set {drill_set_id!r} has no item {position} / 练习组中没有第{position}题")
            if row[0] is not None:
                return False
            db.execute(
                "update drill_attempts set rewrite = ?, passed = ?, flaw_fixed = ?, overall = ?, findings = ?, at = ? "
                "where drill_set_id = ? and position = ?",
                [rewrite, int(bool(passed)), int(bool(flaw_fixed)), overall,
                 json.dumps(findings, ensure_ascii=False) if findings is not None else None, self.now(),
                 drill_set_id, position])
            db.execute(
                "update drill_sets set passed = (select coalesce(sum(passed), 0) from drill_attempts where drill_set_id = ?), "
                "avg_overall = (select round(avg(overall), 1) from drill_attempts where drill_set_id = ? and rewrite is not null) "
                "where id = ?", [drill_set_id, drill_set_id, drill_set_id])
        return True

    def finish_drill_set(self, drill_set_id: str) -> dict:
        """Close the set (completed when every item was answered, else abandoned) and complete the
        drill assignment it answers, if any. Finishing twice changes nothing."""
        drill_set = self.drill_set(drill_set_id)
        if drill_set["status"] != "active":
            return {**drill_set, "assignments_completed": []}
        answered = sum(1 for a in drill_set["attempts"] if a["rewrite"] is not None)
        status = "completed" if answered == len(drill_set["attempts"]) else "abandoned"
        now = self.now()
        completed: List[int] = []
        with self.transaction() as db:
            db.execute("update drill_sets set status = ?, ended_at = ? where id = ?", [status, now, drill_set_id])
            if status == "completed":
                completed = self._complete_drill_assignment(db, drill_set, now)
        return {**self.drill_set(drill_set_id), "assignments_completed": completed}

    def _complete_drill_assignment(self, db, drill_set: dict, now: str) -> List[int]:
        """The set's own assignment, else the earliest open drill assignment it fulfils (same topic, or auto)."""
        if drill_set["assignment_id"] is not None:
            target = [drill_set["assignment_id"]]
        else:
            row = db.execute(
                "select id from assignments where trainee_id = ? and status = 'assigned' and drill is not null "
                f"and (drill = 'auto' or drill in ({', '.join('?' for _ in drill_set['focus'])})) "
                "order by due, id limit 1",
                [drill_set["trainee_id"], *drill_set["focus"]]).fetchone()
            target = [row[0]] if row else []
        for assignment_id in target:
            db.execute("update assignments set status = 'completed', completed_at = ? where id = ? and status = 'assigned'",
                       [now, assignment_id])
        return target
