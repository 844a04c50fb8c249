"""Assignments: a trainer gives a trainee a scenario to practise (or sit as an exam) by a due date."""
from __future__ import annotations

import datetime as dt
from typing import Optional

from progress import vocab
from progress.errors import AccessDenied, InvalidInput, UnknownAssignment, UnknownScenario, UnknownTrainee, UnknownUser

# What an open assignment shows as once its due date has gone by; stored status stays "assigned".
OVERDUE = "overdue"


class AssignmentsMixin:
    def assign(self, trainer_id: str, trainee_id: str, scenario_id: str, mode: str, due: dt.date) -> dict:
        """Refuses unknown people or scenarios, a non-trainer assigner and a due date in the past."""
        due = self._check_assignment(trainer_id, trainee_id, due, "assign scenarios")
        scenario = self.scenario(scenario_id)
        if scenario is None or not scenario["active"]:
            raise UnknownScenario(scenario_id)
        if mode not in vocab.MODES:
            raise InvalidInput(f"mode {mode!r} is not one of {', '.join(vocab.MODES)} / 无效的模式")
        return self._insert_assignment(trainer_id, trainee_id, due, scenario_id=scenario_id, mode=mode)

    def assign_drill(self, trainer_id: str, trainee_id: str, topic: str, due: dt.date) -> dict:
        """A drill set as an assignment: `topic` is a weak point with drills, or `auto` (the trainee's own
        weak spots). Which topics exist is the drill bank's to say; the caller checks it."""
        due = self._check_assignment(trainer_id, trainee_id, due, "assign drills")
        if not topic or not isinstance(topic, str):
            raise InvalidInput("a drill assignment needs a topic or auto / 专项练习需要指定主题或 auto")
        return self._insert_assignment(trainer_id, trainee_id, due, drill=topic, mode="coach")

    def _check_assignment(self, trainer_id: str, trainee_id: str, due, action: str) -> dt.date:
        """Both people exist, the assigner is a trainer or lead, and the due date is today or later."""
        trainer = self.get_user(trainer_id)
        if trainer is None:
            raise UnknownUser(trainer_id)
        if trainer["role"] not in ("trainer", "lead"):
            raise AccessDenied(action, ("trainer", "lead"))
        if self.get_user(trainee_id) is None:
            raise UnknownTrainee(trainee_id)
        if isinstance(due, str):
            due = _parse_date(due)
        if due < self.today():
            raise InvalidInput(f"due date {due.isoformat()} is in the past / 截止日期 {due.isoformat()} 已过")
        return due

    def _insert_assignment(self, trainer_id: str, trainee_id: str, due: dt.date, **what) -> dict:
        with self.transaction() as db:
            assignment_id = db["assignments"].insert({
                "trainer_id": trainer_id, "trainee_id": trainee_id, "due": due.isoformat(), "status": "assigned",
                "created_at": self.now(), **what,
            }).last_pk
        return self.assignment(assignment_id)

    def assignment(self, assignment_id: int) -> dict:
        rows = self.query("select * from assignments where id = ?", [assignment_id])
        if not rows:
            raise UnknownAssignment(assignment_id)
        return self._with_state(rows[0])

    def assignments(self, trainee_id: Optional[str] = None, trainer_id: Optional[str] = None,
                    status: Optional[str] = None) -> list:
        """Filter by trainee, trainer and status; status may be "overdue" (open and past due)."""
        clauses, params = [], []
        for column, value in (("trainee_id", trainee_id), ("trainer_id", trainer_id)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if status == OVERDUE:
            clauses.append("status = 'assigned' and due < ?")
            params.append(self.today().isoformat())
        elif status is not None:
            if status not in vocab.ASSIGNMENT_STATUSES:
                raise InvalidInput(f"status {status!r} is not one of "
                                   f"{', '.join(vocab.ASSIGNMENT_STATUSES + (OVERDUE,))} / 无效的状态")
            clauses.append("status = ?")
            params.append(status)
        where = f"where {' and '.join(clauses)}" if clauses else ""
        rows = self.query(f"select * from assignments {where} order by due, id", params)
        return [self._with_state(row) for row in rows]

    def cancel_assignment(self, assignment_id: int, by: str) -> dict:
        assignment = self.assignment(assignment_id)
        with self.transaction() as db:
            db["assignments"].update(assignment_id, {"status": "cancelled"})
            db["audit_log"].insert({"at": self.now(), "actor": by, "action": "cancel_assignment",
                                    "subject": assignment["trainee_id"], "detail": str(assignment_id)})
        return self.assignment(assignment_id)

    def mark_reminded(self, assignment_id: int) -> bool:
        """Record that the trainee was reminded; True the first time, False if already reminded.

        Kept in the store rather than in the bot's memory so a restarted bot does not remind again."""
        self.assignment(assignment_id)
        with self.transaction() as db:
            return db.execute("update assignments set reminded_at = ? where id = ? and reminded_at is null",
                              [self.now(), assignment_id]).rowcount > 0

    def _with_state(self, row: dict) -> dict:
        overdue = row["status"] == "assigned" and row["due"] < self.today().isoformat()
        row["state"] = OVERDUE if overdue else row["status"]
        return row

    def _complete_assignments(self, db, trainee_id, scenario_id, mode, session_id, now) -> list:
        """The earliest open assignment this session fulfils is marked done with the session's id."""
        row = db.execute(
            "select id from assignments where trainee_id = ? and scenario_id = ? and mode = ? "
            "and status = 'assigned' order by due, id limit 1",
            [trainee_id, scenario_id, mode],
        ).fetchone()
        if row is None:
            return []
        db.execute("update assignments set status = 'completed', completed_at = ?, session_id = ? where id = ?",
                   [now, session_id, row[0]])
        return [row[0]]


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"due date {text!r} is not YYYY-MM-DD / 截止日期格式应为 YYYY-MM-DD") from exc
