"""Reports as plain data: what `dojo report`, the Telegram bot and the tests all read.

Each report is a `Report`: a bilingual title, a flat `summary` and named `tables` of rows. CSV and
JSON (for spreadsheets and programs, the bot's export included) are here; rich tables for people are
the CLI's (`dojo.report_render`), so the numbers are computed in one place only.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Dict, Iterator, List, Optional, Tuple

from progress import queries
from progress.errors import UnknownScenario, UnknownTrainee
from progress.store_drills import HALF_LIFE_DAYS, MIN_SESSIONS_FOR_PROFICIENCY


@dataclass(frozen=True)
class Table:
    name: str
    title_en: str
    title_zh: str
    columns: Tuple[str, ...]
    rows: Tuple[dict, ...]

    def to_dict(self) -> dict:
        return {"name": self.name, "title_en": self.title_en, "title_zh": self.title_zh,
                "columns": list(self.columns), "rows": [dict(row) for row in self.rows]}


@dataclass(frozen=True)
class Report(Mapping):
    """Also a read-only mapping: `report["trainees"]` is that table's rows, `report["summary"]` the
    summary, so callers that only want rows need not know the class."""

    kind: str
    subject: Optional[str]
    title_en: str
    title_zh: str
    summary: Dict[str, object]
    tables: Tuple[Table, ...] = field(default_factory=tuple)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"{self.kind} report has no table {name!r} (tables: {', '.join(self.table_names)})")

    @property
    def table_names(self) -> List[str]:
        return [table.name for table in self.tables]

    def __getitem__(self, key: str):
        if key in ("kind", "subject", "title_en", "title_zh", "summary"):
            return getattr(self, key)
        try:
            return list(self.table(key).rows)
        except KeyError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(["kind", "subject", "title_en", "title_zh", "summary", *self.table_names])

    def __len__(self) -> int:
        return 5 + len(self.tables)

    def to_dict(self) -> dict:
        return {"kind": self.kind, "subject": self.subject, "title_en": self.title_en, "title_zh": self.title_zh,
                "summary": dict(self.summary), "tables": {t.name: t.to_dict() for t in self.tables}}


def _table(store, name: str, title_en: str, title_zh: str, sql: str, params: dict) -> Table:
    rows = store.query(sql, params)
    columns = tuple(rows[0].keys()) if rows else _columns_of(store, sql, params)
    return Table(name, title_en, title_zh, columns, tuple(rows))


def _columns_of(store, sql: str, params: dict) -> Tuple[str, ...]:
    """Column names of a query that returned no rows, so an empty CSV still has its header."""
    cursor = store.db.conn.execute(f"select * from ({sql}) limit 0", params)
    return tuple(d[0] for d in cursor.description)


def _params(store, **values) -> dict:
    base = {"trainee": "", "scenario": "", "today": store.today().isoformat(), "limit": -1, "now": store.now(),
            "half_life": HALF_LIFE_DAYS, "min_sessions": MIN_SESSIONS_FOR_PROFICIENCY}
    base.update(values)
    return base


def trainee_report(store, trainee_id: str, session_limit: int = 50) -> Report:
    """One trainee: totals, certification standing and what is left, recent sessions, violations."""
    user = store.get_user(trainee_id)
    if user is None:
        raise UnknownTrainee(trainee_id)
    params = _params(store, trainee=trainee_id, limit=session_limit)
    totals = store.query(queries.TRAINEE_TOTALS, params)[0]
    status = store.certification_status(trainee_id)
    expiring = next((row for row in store.certification_expiry(trainee_id) if row["level"] == status.held_level), None)
    summary = {"trainee": trainee_id, "name": user["name"], "role": user["role"], **totals,
               "level_held": status.held_level, "level_earned": status.earned_level,
               "level_expires_at": store.level_expires_at(trainee_id, status.held_level),
               "level_expiring": expiring is not None and not expiring["expired"],
               "next_level": status.next_level.level if status.next_level else None,
               "what_is_left_en": status.what_is_left("en"), "what_is_left_zh": status.what_is_left("zh")}
    return Report(
        "trainee", trainee_id, f"Trainee {trainee_id}", f"学员 {trainee_id}", summary,
        (
            _table(store, "sessions", "Sessions (newest first)", "练习记录（最新在前）", queries.TRAINEE_PROGRESS, params),
            _table(store, "violations", "Violations by category", "违规分类", queries.VIOLATIONS_BY_CATEGORY, params),
            _table(store, "assignments", "Assignments", "任务", queries.ASSIGNMENT_STATUS, params),
            _table(store, "disputes", "Disputes and rulings", "申诉与裁定", queries.TRAINEE_DISPUTES, params),
            _table(store, "lift", "First, best, latest and lift per scenario", "各场景首次、最佳、最近成绩与提升",
                   queries.SCENARIO_LIFT, params),
            _table(store, "proficiency", "Proficiency (30-day half-life, from 3 sessions)", "能力值（30天半衰期，满3次显示）",
                   queries.PROFICIENCY, params),
            _table(store, "weak_points", "Weak points (worst first)", "弱项（最弱在前）", queries.WEAK_POINTS, params),
            _table(store, "drills", "Drill sets", "专项练习", queries.DRILL_SETS, params),
        ),
    )


def team_report(store) -> Report:
    """The whole team: one row per trainee, the certification funnel, violations by category."""
    params = _params(store)
    summary = store.query(queries.TEAM_TOTALS, params)[0]
    return Report(
        "team", None, "Team overview", "团队概览", summary,
        (
            _table(store, "trainees", "Trainees", "学员", queries.TEAM_OVERVIEW, params),
            _table(store, "funnel", "Certification funnel", "认证漏斗", queries.CERTIFICATION_FUNNEL, params),
            _table(store, "violations", "Violations by category", "违规分类", queries.VIOLATIONS_BY_CATEGORY, params),
            _table(store, "overdue", "Overdue assignments", "逾期任务", queries.OVERDUE_ASSIGNMENTS, params),
            _table(store, "rules", "Rules: findings, disputes, overturn rate (review = 1: flagged)",
                   "规则：判定、申诉、改判率（review = 1：需复核）", queries.FINDING_FIGURES, params),
            _table(store, "proficiency", "Proficiency (30-day half-life, from 3 sessions)", "能力值（30天半衰期，满3次显示）",
                   queries.PROFICIENCY, params),
            Table("expiring", "Certifications lapsing within 14 days (or lapsed)", "14天内到期（或已过期）的认证",
                  EXPIRING_COLUMNS, tuple({c: row[c] for c in EXPIRING_COLUMNS} for row in store.certification_expiry())),
        ),
    )


EXPIRING_COLUMNS = ("trainee_id", "level", "granted_at", "expires_at", "days_left", "expired")


def scenario_report(store, scenario_id: str) -> Report:
    """One scenario: how hard it is, how its conversations end, who has tried it."""
    scenario = store.scenario(scenario_id)
    if scenario is None:
        raise UnknownScenario(scenario_id)
    params = _params(store, scenario=scenario_id)
    difficulty = store.query(queries.SCENARIO_DIFFICULTY, params)[0]
    summary = {**difficulty, "title_en": scenario["title_en"], "title_zh": scenario["title_zh"],
               "languages": scenario["languages"], "active": bool(scenario["active"])}
    return Report(
        "scenario", scenario_id, f"Scenario {scenario_id}", f"场景 {scenario_id}", summary,
        (
            _table(store, "trainees", "Trainees on this scenario", "练习该场景的学员", queries.SCENARIO_TRAINEES, params),
            _table(store, "outcomes", "How conversations ended", "通话结果", queries.SCENARIO_OUTCOMES, params),
            _table(store, "violations", "Violations by category", "违规分类", queries.VIOLATIONS_BY_CATEGORY, params),
        ),
    )


def transcript(store, session_id: str) -> dict:
    """A session with every turn and the findings attached to it, for `dojo trainer transcript`."""
    session = store.require_session(session_id)
    violations = store.session_violations(session_id)
    by_turn: Dict[Optional[int], list] = {}
    for violation in violations:
        by_turn.setdefault(violation["turn_no"], []).append(violation)
    disputable: Dict[int, list] = {}
    for finding in store.disputable_findings(session_id):
        disputable.setdefault(finding["turn_no"], []).append(finding["finding"])
    disputes: Dict[int, list] = {}
    for dispute in store.disputes(session_id=session_id):
        disputes.setdefault(dispute["turn_no"], []).append(dispute)
    turns = []
    for turn in store.session_turns(session_id):
        turns.append({**turn, "violations": by_turn.get(turn["turn_no"], []),
                      "disputable": disputable.get(turn["turn_no"], []), "disputes": disputes.get(turn["turn_no"], [])})
    # Session checks are disputed as turn 0 (FINDING as listed in "session_checks").
    return {"session": session, "turns": turns, "session_violations": by_turn.get(None, []),
            "session_checks": disputable.get(0, []), "session_disputes": disputes.get(0, [])}


def since_days(store, days: int) -> str:
    return (store.clock() - dt.timedelta(days=days)).astimezone(dt.timezone.utc).strftime("%Y-%m-%d")


def as_csv(report: Report, table_name: Optional[str] = None) -> str:
    """One table (the report's first unless named) as CSV with a header row."""
    table = report.table(table_name) if table_name else report.tables[0]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(table.columns), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in table.rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return buffer.getvalue()


def as_json(data) -> str:
    """A report, status or any plain data as indented JSON (keeps Chinese readable)."""
    payload = data.to_dict() if hasattr(data, "to_dict") else data
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)
