"""Learning records in the bank's standard: xAPI statements (IEEE 9274.1.1) built from the store.

One statement per finished session, finished drill set and certification change:

| record | verb | object | result |
|---|---|---|---|
| exam session, completed | `passed` / `failed` | the scenario | overall /100 as `scaled`, success, duration, criteria |
| practice session, completed | `completed` | the scenario | same, success = the session's pass flag |
| session abandoned | `attempted` | the scenario | what was scored, completion false |
| drill set | `completed` (`attempted` if left unfinished) | the drill set | items passed / items as `scaled` |
| certification granted | `passed` | the certification level | success true |
| certification revoked | `failed` | the certification level | success false |

Each statement's id is a UUID derived from what it records, so building it twice gives the same
statement and a learning record store keeps it once. The actor is an account on the bank's home
page named by the trainee's id; the person's name is added only when configured.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Dict, Iterable, List, Optional

from foundation.labels import label_or_id
from foundation.vocab import CATEGORIES

XAPI_VERSION = "1.0.3"
NAMESPACE = uuid.UUID("6f1c2d0e-8f3b-5b7a-9c1d-2e4f6a8b0c15")
VERB_IRI = "http://adlnet.gov/expapi/verbs/{}"
VERB_DISPLAY = {
    "attempted": {"en-US": "attempted", "zh-CN": "尝试"},
    "passed": {"en-US": "passed", "zh-CN": "通过"},
    "failed": {"en-US": "failed", "zh-CN": "未通过"},
    "completed": {"en-US": "completed", "zh-CN": "完成"},
}
ACTIVITY_TYPES = {
    "scenario": "http://adlnet.gov/expapi/activities/simulation",
    "drill_set": "http://adlnet.gov/expapi/activities/assessment",
    "certification": "http://id.tincanapi.com/activitytype/certification",
}
LANGUAGE_TAGS = {"zh": "zh-CN", "en": "en-US"}


def statement_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def iso_time(stored: Optional[str]) -> Optional[str]:
    """The store's `YYYY-MM-DD HH:MM:SS` (UTC) as ISO 8601 with a Z."""
    return None if not stored else stored[:19].replace(" ", "T") + "Z"


def iso_duration(start: Optional[str], end: Optional[str]) -> Optional[str]:
    if not start or not end:
        return None
    seconds = max(0, int((_parse(end) - _parse(start)).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{seconds}S"


def _topic_label(topic: str, lang: str) -> str:
    return label_or_id("categories" if topic in CATEGORIES else "weak_points", topic, lang)


def _parse(stored: str) -> dt.datetime:
    return dt.datetime.strptime(stored[:19], "%Y-%m-%d %H:%M:%S")


class StatementBuilder:
    """Builds statements under one home page; `names` adds users' names to the actor."""

    def __init__(self, home_page: str, names: bool = False):
        self.home = home_page.rstrip("/")
        self.names = names

    def actor(self, trainee_id: str, name: Optional[str]) -> dict:
        actor = {"objectType": "Agent", "account": {"homePage": self.home, "name": trainee_id}}
        if self.names and name:
            actor["name"] = name
        return actor

    def extension(self, name: str) -> str:
        return f"{self.home}/xapi/extensions/{name}"

    def activity(self, kind: str, activity_id: str, names: Dict[str, str]) -> dict:
        return {"objectType": "Activity", "id": f"{self.home}/xapi/{kind.replace('_', '-')}s/{activity_id}",
                "definition": {"name": {tag: text for tag, text in names.items() if text},
                               "type": ACTIVITY_TYPES[kind]}}

    def _statement(self, key: str, verb: str, actor: dict, obj: dict, timestamp: Optional[str],
                   result: Optional[dict] = None, context: Optional[dict] = None) -> dict:
        statement = {"id": statement_id(key, verb), "version": XAPI_VERSION, "actor": actor,
                     "verb": {"id": VERB_IRI.format(verb), "display": VERB_DISPLAY[verb]}, "object": obj,
                     "timestamp": timestamp}
        if result:
            statement["result"] = result
        statement["context"] = {"platform": "CollectorDojo", **(context or {})}
        return statement

    def session(self, row: dict, violations: Dict[str, int]) -> dict:
        """`row`: a sessions row joined with the scenario's titles and the trainee's name."""
        completed = row["status"] == "completed"
        if not completed:
            verb = "attempted"
        elif row["mode"] == "exam":
            verb = "passed" if row["passed"] else "failed"
        else:
            verb = "completed"
        end = row["ended_at"] or row["last_turn_at"] or row["started_at"]
        result: dict = {"completion": completed}
        if row["overall"] is not None:
            overall = max(0.0, min(100.0, float(row["overall"])))
            result["score"] = {"scaled": round(overall / 100, 4), "raw": overall, "min": 0, "max": 100}
        if row["passed"] is not None:
            result["success"] = bool(row["passed"])
        duration = iso_duration(row["started_at"], end)
        if duration:
            result["duration"] = duration
        result["extensions"] = {self.extension("criteria"): {
            "compliance": row["compliance"], "nvc": row["nvc"], "deescalation": row["deescalation"],
            "violations": dict(sorted(violations.items())),
        }}
        names = {"en-US": row.get("title_en") or row["scenario_id"], "zh-CN": row.get("title_zh")}
        context = {"registration": statement_id("session", row["id"]),
                   "language": LANGUAGE_TAGS.get(row["lang"], row["lang"]),
                   "extensions": {self.extension("session"): {"id": row["id"], "mode": row["mode"],
                                                              "channel": row["channel"], "outcome": row["outcome"]}}}
        return self._statement(f"session:{row['id']}", verb, self.actor(row["trainee_id"], row.get("name")),
                               self.activity("scenario", row["scenario_id"], names), iso_time(end), result, context)

    def drill_set(self, row: dict, focus: List[str]) -> dict:
        completed = row["status"] == "completed"
        verb = "completed" if completed else "attempted"
        items = max(1, int(row["items"] or 0))
        result = {"completion": completed, "success": completed and row["passed"] == row["items"],
                  "score": {"scaled": round((row["passed"] or 0) / items, 4), "raw": row["passed"] or 0,
                            "min": 0, "max": items},
                  "extensions": {self.extension("criteria"): {"topics": focus, "avg_overall": row["avg_overall"]}}}
        duration = iso_duration(row["started_at"], row["ended_at"])
        if duration:
            result["duration"] = duration
        topics = ", ".join(_topic_label(topic, "en") for topic in focus)
        topics_zh = "、".join(_topic_label(topic, "zh") for topic in focus)
        names = {"en-US": f"Drill set: {topics}", "zh-CN": f"专项练习：{topics_zh}"}
        context = {"language": LANGUAGE_TAGS.get(row["lang"], row["lang"])}
        return self._statement(f"drill:{row['id']}", verb, self.actor(row["trainee_id"], row.get("name")),
                               self.activity("drill_set", row["id"], names), iso_time(row["ended_at"]), result, context)

    def certification(self, row: dict, revoked: bool) -> dict:
        level = row["level"]
        names = {"en-US": label_or_id("levels", level, "en"), "zh-CN": label_or_id("levels", level, "zh")}
        verb = "failed" if revoked else "passed"
        when = row["revoked_at"] if revoked else row["granted_at"]
        result = {"success": not revoked, "completion": True,
                  "extensions": {self.extension("certification"): {"level": level, "granted_by": row["granted_by"],
                                                                   "revoked": revoked}}}
        return self._statement(f"certification:{row['id']}:{'revoked' if revoked else 'granted'}", verb,
                               self.actor(row["trainee_id"], row.get("name")),
                               self.activity("certification", f"level-{level}", names), iso_time(when), result)


def build_statements(builder: StatementBuilder, sessions: Iterable[dict], violations: Dict[str, Dict[str, int]],
                     drill_sets: Iterable[dict], certifications: Iterable[dict], since: str) -> List[dict]:
    """All statements for records finished at or after `since`, oldest first."""
    statements = [builder.session(row, violations.get(row["id"], {})) for row in sessions]
    for row in drill_sets:
        statements.append(builder.drill_set(row, row["focus"]))
    for row in certifications:
        if row["granted_at"] and row["granted_at"] >= since:
            statements.append(builder.certification(row, revoked=False))
        if row["revoked_at"] and row["revoked_at"] >= since:
            statements.append(builder.certification(row, revoked=True))
    statements.sort(key=lambda s: (s["timestamp"] or "", s["id"]))
    return statements
