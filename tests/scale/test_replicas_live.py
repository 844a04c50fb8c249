"""Two real Rasa replicas behind HAProxy, a real PostgreSQL tracker store and a real Redis lock store,
started by `dojo.scale` as `dojo run --replicas 2` starts them: the 20-trainee concurrency test, then
the faults (Redis restarted mid-load, PostgreSQL away for 10 s, a replica SIGKILLed mid-session).

Each replica loads the model (~20 s, 1.4 GB), so the module shares one pair; the test that kills a
replica runs last. The trainees are those of bench/load_rest.py; during a fault they hold a line and
send it again under its message key, as the bot does. Nothing may be lost or doubled, and every line
must get exactly one debtor reply, turn numbers 1, 2, 3… in every call.
"""
from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

import psycopg2
import pytest

from bench.figures import percentile
from bench.load_rest import TURNS_PER_SESSION, lost_turns, run_load, turn_problems
from dojo.scale import scale_deployment_for
from dojo.servers import free_port
from foundation.settings import Settings

pytestmark = pytest.mark.rasa

TRAINEES = 20
HOLD_S = 90.0  # how long a trainee holds a line through a fault


@pytest.fixture(scope="module")
def deployment():
    folder = Path(tempfile.mkdtemp(prefix="dojo-replicas-"))
    folder.chmod(0o755)  # PostgreSQL runs as `postgres` when the tests run as root
    settings = Settings.from_env().with_(db_path=folder / "dojo.db", tracker_db=folder / "tracker.db", rasa_token="",
                                         redis_url="", tracker_db_url="")
    try:
        servers = scale_deployment_for(settings, 2, balancer_port=free_port(), actions_port=free_port(),
                                       folder=folder, log_dir=folder / "logs")
    except Exception as exc:  # no model, no Redis/PostgreSQL/HAProxy: say so loudly, not skip
        pytest.fail(f"cannot set up two replicas: {exc}")
    servers.start()
    try:
        yield servers
    finally:
        servers.stop()
        shutil.rmtree(folder, ignore_errors=True)


def load_with_fault(deployment, trainees: int, fault, after_turns: int):
    """Run the load; once `after_turns` lines are turns in the store, run `fault()` (in a thread, so the
    trainees keep talking meanwhile). Returns the session ids, the problems and the held lines."""
    retries = []
    before = _turn_rows(deployment.settings.db_path)  # earlier tests' turns

    async def main():
        load = asyncio.ensure_future(run_load(deployment.rasa_url, trainees, hold_s=HOLD_S, retries=retries))
        while _turn_rows(deployment.settings.db_path) - before < after_turns and not load.done():
            await asyncio.sleep(0.2)
        await asyncio.to_thread(fault)
        return await load

    session_ids, _, problems, _ = asyncio.run(main())
    return session_ids, problems, retries


def _turn_rows(db_path: Path) -> int:
    """A read-only peek at the progress store while the action server writes it."""
    with contextlib.closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)) as connection:
        return connection.execute("select count(*) from turns where turn_no > 0").fetchone()[0]


def assert_nothing_lost_or_doubled(deployment, session_ids, problems, trainees):
    assert problems == []  # one debtor reply per line, turn numbers 1, 2, 3… in every call
    assert len(session_ids) == trainees
    assert lost_turns(deployment.settings.db_path, session_ids) == 0
    assert turn_problems(deployment.settings.db_path, session_ids) == []


def test_twenty_trainees_back_to_back_on_two_replicas(deployment, record_figure):
    session_ids, latencies, problems, elapsed = asyncio.run(run_load(deployment.rasa_url, TRAINEES))
    assert len(latencies) == TRAINEES * TURNS_PER_SESSION
    assert_nothing_lost_or_doubled(deployment, session_ids, problems, TRAINEES)
    record_figure(f"two replicas, {TRAINEES} trainees back to back: turns/s", round(len(latencies) / elapsed, 1))
    record_figure(f"two replicas, {TRAINEES} trainees back to back: p50 / p95 ms",
                  f"{percentile(latencies, 0.5):.0f} / {percentile(latencies, 0.95):.0f}")


def test_redis_restarted_mid_load(deployment, record_figure):
    def restart_redis():
        deployment.redis.stop()
        time.sleep(1.0)
        deployment.redis.start()
        deployment.redis.wait_ready()

    session_ids, problems, retries = load_with_fault(deployment, 6, restart_redis, after_turns=20)
    assert_nothing_lost_or_doubled(deployment, session_ids, problems, 6)
    record_figure("two replicas, Redis restarted mid-load: lines held and sent again", len(retries))


def test_postgres_unavailable_for_ten_seconds(deployment, record_figure):
    def postgres_away():
        deployment.postgres.stop()
        time.sleep(10.0)
        deployment.postgres.start()
        deployment.postgres.wait_ready()

    session_ids, problems, retries = load_with_fault(deployment, 6, postgres_away, after_turns=20)
    assert retries, "the outage was not felt: the test proves nothing"
    assert_nothing_lost_or_doubled(deployment, session_ids, problems, 6)
    record_figure("two replicas, PostgreSQL away 10 s: lines held and sent again", len(retries))


def test_a_replica_killed_mid_session_hands_its_conversations_over_intact(deployment, record_figure):
    """Runs last: the killed replica is not restarted (another ~20 s model load)."""
    victim = deployment.replicas[0]

    def kill_replica():
        victim.kill()

    session_ids, problems, retries = load_with_fault(deployment, 8, kill_replica, after_turns=30)
    assert not victim.running()
    record_figure("two replicas, one SIGKILLed mid-load: lines held and sent again", len(retries))
    assert_nothing_lost_or_doubled(deployment, session_ids, problems, 8)
    # History intact: every line of every call is in the shared tracker store, in order (a line sent
    # again after the replica died appears twice in a row there: Rasa logs each message it receives).
    with psycopg2.connect(deployment.tracker_db_url) as connection, connection.cursor() as cursor:
        for session_id in session_ids:
            cursor.execute("select data::json->>'text' from events where sender_id = %s and type_name = 'user' "
                           "order by id", (session_id,))
            texts = [text for (text,) in cursor.fetchall() if text and not text.startswith("/")]
            assert len([line for line, _ in itertools.groupby(texts)]) == TURNS_PER_SESSION, (session_id, texts)
