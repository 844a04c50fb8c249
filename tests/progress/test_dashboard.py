"""The dashboard's configuration, its guards (read-only, password off loopback) and the canned
queries agreeing with `dojo report`, driven in-process through Datasette's ASGI app."""
from __future__ import annotations

import asyncio
import datetime as dt
import base64
import sqlite3

import httpx
import pytest

from progress import dashboard, reports
from progress_fixtures import play, report, violation

REQUIRED_QUERIES = ("team_overview", "trainee_progress", "violations_by_category", "scenario_difficulty",
                    "overdue_assignments")


@pytest.fixture
def team_db(store, clock):
    store.ensure_user("coach", role="trainer")
    store.ensure_user("li", "<b>Li</b> & co")
    play(store, clock, "s1", "li", "hostile_cn", mode="exam", turn_violations=[violation("harassment")],
         final=report(overall=70))
    play(store, clock, "s2", "wu", "evasive_us", lang="en", mode="coach", final=report(overall=88))
    store.assign("coach", "wu", "hostile_cn", "exam", store.today())
    return store


def _get(app, path, auth=None, params=None):
    async def fetch():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://dashboard.test") as client:
            return await client.get(path, auth=auth, params=params)
    return asyncio.run(fetch())


@pytest.mark.parametrize("host,password,refused", [
    ("127.0.0.1", "", False), ("localhost", "", False), ("::1", "", False), ("127.0.0.2", "", False),
    ("0.0.0.0", "", True), ("192.168.1.20", "", True), ("dojo.example.com", "", True),
    ("0.0.0.0", "s3cret", False),
])
def test_a_non_loopback_bind_needs_a_password(host, password, refused):
    if refused:
        with pytest.raises(dashboard.DashboardRefused, match="DOJO_DASHBOARD_PASSWORD"):
            dashboard.check_bind(host, password)
    else:
        dashboard.check_bind(host, password)


def test_metadata_has_titles_descriptions_and_the_canned_queries():
    meta = dashboard.metadata()
    queries = meta["databases"]["dojo"]["queries"]
    assert set(REQUIRED_QUERIES) <= set(queries)
    for name, query in queries.items():
        assert query["title"] and query["description"], name
        assert not query.get("write"), "no canned query may write"
        assert ":today" not in query["sql"], "the dashboard asks SQLite for today's date"
    team = meta["plugins"]["datasette-dashboards"]["team"]
    layout_cells = {cell for row in team["layout"] for cell in row}
    assert layout_cells == set(team["charts"]), "every chart is placed and every placed chart exists"


@pytest.mark.parametrize("statement", [
    "insert into users (id, role, created_at) values ('x', 'lead', 'now')",
    "update users set role = 'lead'",
    "delete from sessions",
    "drop table turns",
    "create table evil (x)",
    "attach database ':memory:' as other",
])
def test_the_authorizer_refuses_every_write(db_path, team_db, statement):
    conn = sqlite3.connect(str(db_path))
    dashboard.prepare(conn)
    with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
        conn.execute(statement)
    assert conn.execute("select count(*) from users").fetchone()[0] == 3
    assert conn.execute("select html_escape('<b>')").fetchone()[0] == "&lt;b&gt;"
    conn.close()


def test_canned_queries_agree_with_the_reports(db_path, team_db):
    app = dashboard.build_app(db_path)
    response = _get(app, "/dojo/team_overview.json?_shape=objects")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows == list(reports.team_report(team_db).table("trainees").rows)
    progress = _get(app, "/dojo/trainee_progress.json?_shape=objects&trainee=li").json()["rows"]
    assert [row["session"] for row in progress] == ["s1"]
    # The dashboard asks SQLite for today (real time); the fixture's clock is in the past, so the
    # assignment due on the fixture's "today" is overdue by exactly the days since then.
    overdue = _get(app, "/dojo/overdue_assignments.json?_shape=objects").json()["rows"]
    assert [(row["trainee"], row["days_overdue"]) for row in overdue] == \
        [("wu", (dt.datetime.now(dt.timezone.utc).date() - team_db.today()).days)]
    categories = _get(app, "/dojo/violations_by_category.json?_shape=objects&trainee=&scenario=").json()["rows"]
    assert [(row["category"], row["violations"]) for row in categories] == [("harassment", 1)]


@pytest.mark.parametrize("path", [
    "/dojo.json?sql=delete+from+users",
    "/dojo.json?sql=update+users+set+role%3D%27lead%27",
    "/dojo.json?sql=select+1%3B+delete+from+users",
    "/dojo.db",
])
def test_the_web_app_refuses_writes_and_downloads(db_path, team_db, path):
    response = _get(dashboard.build_app(db_path), path)
    assert response.status_code >= 400
    assert team_db.db["users"].count == 3


def test_table_cells_are_html_escaped(db_path, team_db):
    chart = dashboard.dashboards_config()["team"]["charts"]["overview"]
    response = _get(dashboard.build_app(db_path), "/dojo.json", params={"_shape": "objects", "sql": chart["query"]})
    names = [row["name"] for row in response.json()["rows"]]
    assert "&lt;b&gt;Li&lt;/b&gt; &amp; co" in names


@pytest.mark.parametrize("auth,status", [
    (None, 401), (("lead", "wrong"), 401), (("lead", "s3cret"), 200), (("anyone", "s3cret"), 200),
])
def test_password_protection(db_path, team_db, auth, status):
    response = _get(dashboard.build_app(db_path, password="s3cret"), "/dojo/team_overview.json", auth=auth)
    assert response.status_code == status
    if status == 401:
        assert response.headers["www-authenticate"].startswith("Basic")


def test_malformed_authorization_headers_are_refused():
    app = dashboard.BasicAuth(lambda *a: None, "pw")
    for header in (b"Basic !!!", b"Bearer abc", base64.b64encode(b"nocolon"), b""):
        assert not app._allowed({"headers": [(b"authorization", header)]})


def test_a_missing_database_is_a_clear_error(tmp_path):
    from foundation.errors import DojoError

    with pytest.raises(DojoError, match="no progress store"):
        dashboard.build_app(tmp_path / "absent.db")
