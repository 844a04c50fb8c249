"""The xAPI outbox: statements built from the store, queued once, marked sent once acknowledged.

The sender (`lrs_client.send_pending`) takes the oldest unsent statements in batches; a store that
is down leaves them queued with the attempt and error recorded, and the next run sends them.
"""
from __future__ import annotations

import json
from typing import Dict, Iterable, List, Optional

from progress.xapi import StatementBuilder, build_statements

SESSIONS_SINCE = """
select s.*, sc.title_en, sc.title_zh, u.name
from sessions s left join scenarios sc on sc.id = s.scenario_id left join users u on u.id = s.trainee_id
where s.status in ('completed', 'abandoned') and coalesce(s.ended_at, s.last_turn_at, s.started_at) >= :since
order by coalesce(s.ended_at, s.last_turn_at, s.started_at), s.id
"""
VIOLATIONS_SINCE = """
select v.session_id, v.category, count(*) as n
from violations v join sessions s on s.id = v.session_id
where s.status in ('completed', 'abandoned') and coalesce(s.ended_at, s.last_turn_at, s.started_at) >= :since
group by v.session_id, v.category
"""
DRILL_SETS_SINCE = """
select d.*, u.name from drill_sets d left join users u on u.id = d.trainee_id
where d.status in ('completed', 'abandoned') and d.ended_at >= :since
order by d.ended_at, d.id
"""
CERTIFICATIONS_SINCE = """
select c.*, u.name from certifications c left join users u on u.id = c.trainee_id
where c.granted_at >= :since or c.revoked_at >= :since
order by c.id
"""


class XapiMixin:
    def xapi_statements(self, since: str, home_page: str, names: bool = False) -> List[dict]:
        """Every statement for what finished at or after `since` (YYYY-MM-DD or a stored time)."""
        params = {"since": since}
        violations: Dict[str, Dict[str, int]] = {}
        for row in self.query(VIOLATIONS_SINCE, params):
            violations.setdefault(row["session_id"], {})[row["category"]] = row["n"]
        drill_sets = self.query(DRILL_SETS_SINCE, params)
        for row in drill_sets:
            row["focus"] = json.loads(row["focus"]) if row["focus"] else []
        return build_statements(StatementBuilder(home_page, names), self.query(SESSIONS_SINCE, params), violations,
                                drill_sets, self.query(CERTIFICATIONS_SINCE, params), since)

    def queue_xapi(self, statements: Iterable[dict]) -> int:
        """Put statements in the outbox; one already there (sent or not) is left as it is. Returns how many are new."""
        now = self.now()
        rows = [{"id": s["id"], "kind": s["object"]["definition"]["type"].rsplit("/", 1)[-1],
                 "subject": s["object"]["id"], "trainee_id": s["actor"]["account"]["name"], "queued_at": now,
                 "statement": json.dumps(s, ensure_ascii=False, sort_keys=True), "attempts": 0} for s in statements]
        with self.transaction() as db:
            before = db.execute("select count(*) from xapi_outbox").fetchone()[0]
            if rows:
                db["xapi_outbox"].insert_all(rows, ignore=True)
            return db.execute("select count(*) from xapi_outbox").fetchone()[0] - before

    def xapi_pending(self, limit: int = 50) -> List[dict]:
        """The oldest unsent statements, parsed."""
        rows = self.query("select id, statement from xapi_outbox where sent_at is null order by queued_at, id limit ?",
                          [limit])
        return [json.loads(row["statement"]) for row in rows]

    def xapi_mark_sent(self, statement_ids: Iterable[str]) -> None:
        ids = list(statement_ids)
        if not ids:
            return
        with self.transaction() as db:
            now = self.now()
            db.execute(f"update xapi_outbox set sent_at = ?, attempts = attempts + 1, last_attempt_at = ?, last_error = null "
                       f"where sent_at is null and id in ({', '.join('?' for _ in ids)})", [now, now, *ids])

    def xapi_mark_failed(self, statement_ids: Iterable[str], error: str) -> None:
        ids = list(statement_ids)
        if not ids:
            return
        with self.transaction() as db:
            db.execute(f"update xapi_outbox set attempts = attempts + 1, last_attempt_at = ?, last_error = ? "
                       f"where sent_at is null and id in ({', '.join('?' for _ in ids)})", [self.now(), error[:500], *ids])

    def xapi_outbox_counts(self) -> dict:
        row = self.query("select count(*) as queued, coalesce(sum(sent_at is not null), 0) as sent, "
                         "coalesce(sum(sent_at is null), 0) as pending, max(last_error) as last_error "
                         "from xapi_outbox")[0]
        return row

    def xapi_outbox_row(self, statement_id: str) -> Optional[dict]:
        rows = self.query("select * from xapi_outbox where id = ?", [statement_id])
        return rows[0] if rows else None
