"""The dashboard in a real headless Chromium: `dojo dashboard` runs as a real server process; the
team board renders its charts and overview table, a canned query shows its rows, writes are refused.

Needs Debian's chromium (scripts/ensure-test-tools.sh, which `make test` runs)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from progress_fixtures import play, report, violation

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def browser():
    if CHROMIUM is None:
        pytest.fail("chromium is not installed: run scripts/ensure-test-tools.sh (make test does)")
    return CHROMIUM


@pytest.fixture
def server(store, clock, db_path, tmp_path):
    """A populated store served by `dojo dashboard` in its own process."""
    store.ensure_user("coach", role="trainer")
    store.ensure_user("li", "Li Lei")
    store.ensure_user("wu", "Wu Fang")
    play(store, clock, "s1", "li", "hostile_cn", mode="exam", turn_violations=[violation("harassment")],
         final=report(overall=70))
    play(store, clock, "s2", "wu", "evasive_us", lang="en", mode="coach",
         turn_violations=[violation("false_legal_threat", "critical")], final=report(overall=52))
    store.assign("coach", "wu", "hostile_cn", "exam", store.today())
    port = _free_port()
    env = dict(os.environ, DOJO_DB=str(db_path), DOJO_DASHBOARD_PASSWORD="",
               PYTHONPATH=os.pathsep.join(sys.path))
    log = (tmp_path / "dashboard.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "dojo.cli", "dashboard", "--port", str(port)],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(base + "/-/versions.json", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("dashboard did not start:\n" + (tmp_path / "dashboard.log").read_text())
        time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _dom(browser: str, url: str, profile: Path) -> str:
    """The DOM after the page's scripts ran (virtual time lets the charts' fetches finish)."""
    result = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", url],
        capture_output=True, text=True, timeout=90,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_team_board_renders_charts_and_the_overview(browser, server, tmp_path):
    dom = _dom(browser, f"{server}/-/dashboards/team", tmp_path / "profile")
    assert "CollectorDojo team / 团队看板" in dom
    assert "Team overview / 团队概览" in dom and "Certification funnel / 认证漏斗" in dom
    overview = dom[dom.index('id="chart-overview"'):]
    assert "<table>" in overview and "Li Lei" in overview and "Wu Fang" in overview
    funnel = dom[dom.index('id="chart-funnel"'):]
    assert "vega-embed" in funnel[:3000], "the funnel chart was drawn by vega"


def test_a_canned_query_page_shows_its_rows(browser, server, tmp_path):
    dom = _dom(browser, f"{server}/dojo/overdue_assignments", tmp_path / "profile")
    assert "Overdue assignments / 逾期任务" in dom
    assert "Open assignments past their due date" in dom
    assert ">wu<" in dom and "hostile_cn" in dom


def test_writes_are_refused_in_the_browser(browser, server, tmp_path, store):
    before = store.db["users"].count
    for sql in ("delete from users", "update users set role = 'lead'"):
        dom = _dom(browser, f"{server}/dojo?sql={sql.replace(' ', '+')}", tmp_path / "profile")
        assert "Statement must be a SELECT" in dom
    assert store.db["users"].count == before
    assert store.query("select count(*) as n from users where role = 'lead'")[0]["n"] == 0
