"""The read-only web dashboard: Datasette + datasette-dashboards over the store's SQLite file.

Everything Datasette needs (titles, descriptions, canned queries, the dashboards' charts) is
generated here from `progress.queries`, so the web page, `dojo report` and the bot run the same SQL.
Three guards keep it read-only and private:
  * Datasette opens the file `mode=ro`, accepts only SELECT, and has no writable canned query;
  * an SQLite authorizer on every connection to our file refuses any write, whatever asks for it;
  * bound to anything but loopback it demands HTTP Basic auth with DOJO_DASHBOARD_PASSWORD and
    refuses to start without one.
"""
from __future__ import annotations

import base64
import hmac
import ipaddress
import sqlite3
from pathlib import Path
from typing import Optional, Union

from datasette import hookimpl

from foundation.errors import DojoError
from foundation.labels import bilingual, labels
from progress import queries
from progress.store_drills import HALF_LIFE_DAYS, MIN_SESSIONS_FOR_PROFICIENCY

DB_NAME = "dojo"
REALM = "CollectorDojo dashboard"
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


class DashboardRefused(DojoError):
    """Raised when the dashboard would be exposed beyond this machine without a password."""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, password: str) -> None:
    if not is_loopback(host) and not password:
        raise DashboardRefused(
            f"refusing to serve the dashboard on {host} without a password: set DOJO_DASHBOARD_PASSWORD, "
            f"or bind to 127.0.0.1 / 仪表盘对外开放时必须设置 DOJO_DASHBOARD_PASSWORD"
        )


# -- what the dashboard shows ----------------------------------------------------------------------

def _dashboard_sql(sql: str) -> str:
    """Reports pass today's date in; the always-current dashboard asks SQLite for it."""
    return sql.replace(":today", "date('now')").strip()


def _glance_sql(sql: str) -> str:
    """The progress-at-a-glance queries with the store's constants: now, a 30-day half-life, 3 sessions."""
    return (sql.replace(":now", "datetime('now')").replace(":half_life", repr(HALF_LIFE_DAYS))
            .replace(":min_sessions", str(MIN_SESSIONS_FOR_PROFICIENCY)))
def _labelled(sql: str, **columns: str) -> str:
    """The query plus `<column>_label` for each named id column: its label in both languages
    (`English / 中文`, from data/i18n/labels.yml), which is what the charts show."""
    added = "".join(f", dojo_label('{kind}', q.\"{column}\") as \"{column}_label\"" for column, kind in columns.items())
    return f"select q.*{added} from ({_dashboard_sql(sql)}) q"


CANNED_QUERIES = {
    "team_overview": {
        "title": "Team overview / 团队概览",
        "description": "One row per trainee: sessions, exams passed, average scores, violations, level held.",
        "sql": queries.TEAM_OVERVIEW,
    },
    "trainee_progress": {
        "title": "Trainee progress / 学员进度",
        "description": "Every session of one trainee, newest first, with its four scores and violations.",
        "sql": queries.TRAINEE_PROGRESS.replace("limit :limit", "limit 1000"),
    },
    "violations_by_category": {
        "title": "Violations by category / 违规分类",
        "description": "How often each violation category occurs and how many trainees it touches. "
                       "Leave trainee and scenario empty for the whole team.",
        "sql": queries.VIOLATIONS_BY_CATEGORY,
    },
    "scenario_difficulty": {
        "title": "Scenario difficulty / 场景难度",
        "description": "Per scenario: average overall score, pass rate, how often the debtor hangs up or "
                       "complains. Hardest first. Leave scenario empty for all.",
        "sql": queries.SCENARIO_DIFFICULTY,
    },
    "overdue_assignments": {
        "title": "Overdue assignments / 逾期任务",
        "description": "Open assignments past their due date, oldest first.",
        "sql": queries.OVERDUE_ASSIGNMENTS,
    },
    "dispute_queue": {
        "title": "Disputes / 申诉",
        "description": "Disputed findings, open ones first: the debtor's line, the trainee's line with the "
                       "evidence in 【 】, the rule's citation, the grader's source (rule or model), the reason "
                       "and the ruling. Status: open, upheld, overturned or empty for all.",
        "sql": queries.DISPUTE_QUEUE.replace("d.*,", "d.id, d.status, d.trainee_id, d.session_id, d.turn_no, "
                                             "d.finding, d.source, d.citation, d.debtor_said,")
                                    .replace("end as trainee_marked", "end as trainee_marked, d.reason, "
                                             "d.ruled_by, d.ruled_at, d.note"),
    },
    "finding_figures": {
        "title": "Findings, disputes and overturns per rule / 各规则的申诉与改判",
        "description": "Per rule (and NVC part, tone, session check): how often found, disputed, ruled and "
                       "overturned; review = 1 when the overturn rate passes the rule pack's threshold.",
        "sql": queries.FINDING_FIGURES,
    },
    "certification_funnel": {
        "title": "Certification funnel / 认证漏斗",
        "description": "How many trainees reached each step, from registration to level 2.",
        "sql": queries.CERTIFICATION_FUNNEL,
    },
    "weak_points": {
        "title": "Weak points / 弱项",
        "description": "Per trainee, each weak point's score: recent sessions and severe findings weigh more "
                       "(docs/progress.md). The drills aim at the top ones. Leave trainee empty for the team.",
        "sql": _glance_sql(queries.WEAK_POINTS),
    },
    "scenario_lift": {
        "title": "First, best, latest and lift / 首次、最佳、最近与提升",
        "description": "Per trainee and scenario: first, best and latest overall score and the lift (best − first); "
                       "exams apart, as only they count toward certification. Leave trainee empty for the team.",
        "sql": _glance_sql(queries.SCENARIO_LIFT),
    },
    "proficiency": {
        "title": "Proficiency / 能力值",
        "description": "Per trainee and dimension: time-weighted average score (30-day half-life), shown from 3 sessions.",
        "sql": _glance_sql(queries.PROFICIENCY),
    },
    "time_to_certify": {
        "title": "Time to certify by cohort / 各期认证用时",
        "description": "Trainees grouped by the month of their first session: how many are certified and in how many days.",
        "sql": queries.TIME_TO_CERTIFY,
    },
}

TABLE_DESCRIPTIONS = {
    "users": "Trainees, trainers and team leads / 学员、培训师与组长",
    "scenarios": "Scenarios synced from data/scenarios/ / 练习场景",
    "sessions": "One row per practice or exam conversation, with its scores / 练习记录",
    "turns": "What the trainee said, the findings, the debtor's reply / 每轮对话",
    "violations": "One row per compliance finding / 违规记录",
    "assignments": "Scenarios trainers assigned, with due dates / 任务",
    "certifications": "Certification grants, confirmations and revocations / 认证记录",
    "disputes": "Findings trainees disputed and the trainers' rulings / 申诉与裁定",
    "finding_review": "Each finding's review threshold, from the rule packs / 规则复核阈值",
    "drill_sets": "Drill sets: five one-turn exercises on a trainee's weak points / 专项练习",
    "drill_attempts": "Each drill item with the trainee's rewrite and its grade / 专项练习题目",
    "xapi_outbox": "xAPI statements queued for or sent to the learning record store / 学习记录发送队列",
}
HIDDEN_TABLES = ("_sqlite_migrations", "audit_log")


def _vega(title: str, sql: str, display: dict) -> dict:
    return {"title": title, "db": DB_NAME, "query": _dashboard_sql(sql), "library": "vega-lite", "display": display}


def _metric(title: str, sql: str, field: str, suffix: str = "") -> dict:
    return {"title": title, "db": DB_NAME, "query": sql, "library": "metric",
            "display": {"field": field, "suffix": suffix}}


def _table_chart(title: str, sql: str, columns: tuple) -> dict:
    """The table renderer writes cells as HTML, so every cell is escaped in SQL first (names come from
    Telegram and must not become markup in a lead's browser)."""
    escaped = ", ".join(f'html_escape("{column}") as "{column}"' for column in columns)
    return {"title": title, "db": DB_NAME, "library": "table",
            "query": f"select {escaped} from ({_dashboard_sql(sql)})"}


def dashboards_config() -> dict:
    team = {
        "title": "CollectorDojo team / 团队看板",
        "description": "The team's practice, certification and compliance at a glance. Read-only.",
        "layout": [
            ["trainees", "sessions", "avg_overall", "overdue"],
            ["funnel", "funnel", "violations", "violations"],
            ["difficulty", "difficulty", "violations", "violations"],
            ["overview", "overview", "overview", "overview"],
            ["rules", "rules", "rules", "rules"],
            ["heatmap", "heatmap", "heatmap", "certify"],
        ],
        "charts": {
            "trainees": _metric("Trainees / 学员", "select count(*) as n from users where role = 'trainee'", "n"),
            "sessions": _metric("Completed sessions / 已完成练习",
                                "select count(*) as n from sessions where status = 'completed'", "n"),
            "avg_overall": _metric("Average overall / 平均总分",
                                   "select coalesce(round(avg(overall), 1), '—') as score from sessions "
                                   "where status = 'completed'", "score"),
            "overdue": _metric("Overdue assignments / 逾期任务",
                               "select count(*) as n from assignments where status = 'assigned' "
                               "and due < date('now')", "n"),
            "funnel": _vega("Certification funnel / 认证漏斗", queries.CERTIFICATION_FUNNEL, {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "stage", "type": "nominal", "sort": {"field": "step"}, "title": None},
                    "x": {"field": "trainees", "type": "quantitative", "axis": {"tickMinStep": 1, "format": "d"}},
                },
            }),
            "violations": _vega("Violations by category / 违规分类",
                                _labelled(queries.VIOLATIONS_BY_CATEGORY.replace(":trainee", "''")
                                          .replace(":scenario", "''"), category="categories"), {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "category_label", "type": "nominal", "sort": "-x", "title": None},
                    "x": {"field": "violations", "type": "quantitative"},
                    "color": {"field": "critical", "type": "quantitative", "title": "critical"},
                },
            }),
            "difficulty": _vega("Scenario difficulty / 场景难度",
                                _labelled(queries.SCENARIO_DIFFICULTY.replace(":scenario", "''"), persona="personas"), {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "y": {"field": "scenario", "type": "nominal", "sort": "x", "title": None},
                    "x": {"field": "avg_overall", "type": "quantitative", "scale": {"domain": [0, 100]}},
                    "color": {"field": "persona_label", "type": "nominal", "title": "persona"},
                },
            }),
            "heatmap": _vega("Weak points by trainee / 学员弱项热力图",
                             _glance_sql(queries.WEAK_POINTS).replace(":trainee", "''"), {
                "mark": {"type": "rect", "tooltip": True},
                "encoding": {
                    "x": {"field": "weak_point", "type": "nominal", "title": None},
                    "y": {"field": "trainee", "type": "nominal", "title": None},
                    "color": {"field": "score", "type": "quantitative", "scale": {"scheme": "reds"}},
                },
            }),
            "certify": _vega("Days to certify by cohort / 各期认证天数", queries.TIME_TO_CERTIFY, {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "cohort", "type": "ordinal", "title": None},
                    "y": {"field": "avg_days", "type": "quantitative", "title": "days"},
                },
            }),
            "overview": _table_chart("Team overview / 团队概览", queries.TEAM_OVERVIEW, (
                "trainee", "name", "sessions", "completed", "exams_passed", "avg_overall", "avg_nvc",
                "avg_deescalation", "violations", "critical", "level", "last_active")),
            "rules": _table_chart("Rules: findings, disputes, overturn rate (review = 1: flagged) / 规则申诉与改判",
                                  queries.FINDING_FIGURES, ("finding", "findings", "disputes", "rulings",
                                                            "overturned", "overturn_rate", "review")),
        },
    }
    return {"team": team}


def metadata() -> dict:
    return {
        "title": "CollectorDojo 催收陪练",
        "description": "Read-only progress dashboard: trainees, sessions, violations, certification. "
                       "只读进度看板。 Team board: /-/dashboards/team",
        "databases": {
            DB_NAME: {
                "title": "Progress store / 进度数据",
                "tables": {
                    **{name: {"description": text} for name, text in TABLE_DESCRIPTIONS.items()},
                    **{name: {"hidden": True} for name in HIDDEN_TABLES},
                },
                "queries": {name: {**query, "sql": _dashboard_sql(query["sql"])}
                            for name, query in CANNED_QUERIES.items()},
            }
        },
        "plugins": {"datasette-dashboards": dashboards_config()},
    }


DATASETTE_SETTINGS = {
    "allow_download": False,      # the whole file holds transcripts; no one-click copy of it
    "allow_csv_stream": True,
    "default_page_size": 50,
    "max_returned_rows": 2000,
    "sql_time_limit_ms": 3000,
}


# -- read-only and escaping, on every connection Datasette opens to our file ------------------------

WRITE_ACTIONS = {
    getattr(sqlite3, name) for name in (
        "SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_CREATE_INDEX", "SQLITE_CREATE_TABLE",
        "SQLITE_CREATE_TEMP_INDEX", "SQLITE_CREATE_TEMP_TABLE", "SQLITE_CREATE_TEMP_TRIGGER",
        "SQLITE_CREATE_TEMP_VIEW", "SQLITE_CREATE_TRIGGER", "SQLITE_CREATE_VIEW", "SQLITE_DROP_INDEX",
        "SQLITE_DROP_TABLE", "SQLITE_DROP_TEMP_INDEX", "SQLITE_DROP_TEMP_TABLE", "SQLITE_DROP_TEMP_TRIGGER",
        "SQLITE_DROP_TEMP_VIEW", "SQLITE_DROP_TRIGGER", "SQLITE_DROP_VIEW", "SQLITE_ALTER_TABLE",
        "SQLITE_ATTACH", "SQLITE_DETACH", "SQLITE_CREATE_VTABLE", "SQLITE_DROP_VTABLE",
    ) if hasattr(sqlite3, name)
}


def read_only_authorizer(action, *_args) -> int:
    return sqlite3.SQLITE_DENY if action in WRITE_ACTIONS else sqlite3.SQLITE_OK


def html_escape(value):
    if not isinstance(value, str):
        return value
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def dojo_label(kind, label_id):
    """SQL `dojo_label(kind, id)`: the id's label in both languages, or the id when it has none."""
    if label_id is None or kind not in labels().table:
        return label_id
    return bilingual(kind, label_id)


def prepare(conn: sqlite3.Connection) -> None:
    conn.set_authorizer(read_only_authorizer)
    conn.create_function("html_escape", 1, html_escape, deterministic=True)
    conn.create_function("dojo_label", 2, dojo_label, deterministic=True)


class _Plugin:
    """Registered with Datasette's plugin manager by `build_datasette`."""

    @staticmethod
    @hookimpl
    def prepare_connection(conn, database):
        if database == DB_NAME:
            prepare(conn)


def _register_plugin() -> None:
    # Deferred on purpose: Datasette's app, plugin manager and uvicorn are heavy and only the
    # dashboard process needs them (the bot and `dojo report` import this module for its queries).
    from datasette.plugins import pm

    if not pm.is_registered(_Plugin):
        pm.register(_Plugin, name="collectordojo-read-only")


# -- the app ---------------------------------------------------------------------------------------

class BasicAuth:
    """ASGI middleware: every HTTP request needs `Authorization: Basic …` with the dashboard password
    (any user name). Compared in constant time."""

    def __init__(self, app, password: str):
        self.app = app
        self.expected = password.encode("utf-8")

    def _allowed(self, scope) -> bool:
        header = dict(scope.get("headers") or []).get(b"authorization", b"")
        scheme, _, encoded = header.partition(b" ")
        if scheme.lower() != b"basic":
            return False
        try:
            _, _, given = base64.b64decode(encoded, validate=True).partition(b":")
        except ValueError:
            return False
        return hmac.compare_digest(given, self.expected)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"www-authenticate", f'Basic realm="{REALM}", charset="UTF-8"'.encode()),
            (b"content-type", b"text/plain; charset=utf-8"),
        ]})
        await send({"type": "http.response.body", "body": "password required / 需要密码\n".encode("utf-8")})


def _quiet_tracebacks() -> None:
    """Datasette prints every error (a refused write included) with rich and `show_locals`, which
    would copy query rows, transcripts among them, into the server log. Errors still reach the
    browser as Datasette's normal error page; only that console dump is switched off."""
    import datasette.handle_exception as handler  # deferred on purpose, see _register_plugin

    handler.rich = None


def build_datasette(db_path: Union[str, Path]):
    """Datasette with our file mounted as `dojo` whatever the file is called."""
    from datasette.app import Datasette  # deferred on purpose, see _register_plugin
    from datasette.database import Database

    _register_plugin()
    _quiet_tracebacks()
    path = Path(db_path)
    if not path.is_file():
        raise DojoError(f"no progress store at {path}; run a session or `dojo trainee add` first / 数据库不存在")
    datasette = Datasette(files=[], metadata=metadata(), settings=DATASETTE_SETTINGS)
    datasette.add_database(Database(datasette, path=str(path), is_mutable=True), name=DB_NAME)
    return datasette


def build_app(db_path: Union[str, Path], password: str = ""):
    """The ASGI app: Datasette, behind Basic auth whenever a password is set."""
    app = build_datasette(db_path).app()
    return BasicAuth(app, password) if password else app


def serve(db_path: Union[str, Path], host: str = "127.0.0.1", port: int = 8001, password: Optional[str] = "") -> None:
    import uvicorn  # deferred on purpose: only a serving dashboard needs the ASGI server

    check_bind(host, password or "")
    # ws="none": Rasa pins an older `websockets` that uvicorn's auto-detection trips over; no page needs it.
    uvicorn.run(build_app(db_path, password or ""), host=host, port=port, log_level="warning", ws="none")
