"""A process writing turns is killed with SIGKILL mid-conversation: every turn it reported as
committed is still there, and the session shows as abandoned rather than lost."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from progress.store import Store

WRITER = textwrap.dedent("""
    import sys, time
    from progress.store import Store
    store = Store.open(sys.argv[1])
    store.start_session("crash-1", "li", "hostile_cn", "zh", "exam", "cli")
    for turn_no in range(1, 10_000):
        store.record_turn("crash-1", turn_no, f"line {turn_no}", "acknowledge_feelings", 0.9,
                          f"reply {turn_no}", {"anger": 0.5}, {"violations": [], "overall": 70}, None)
        print(turn_no, flush=True)   # the reply would leave now: the turn is already committed
        time.sleep(0.005)
""")


def test_sigkill_between_turns_keeps_every_committed_turn(db_path, clock, policy):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)], stdout=subprocess.PIPE, text=True,
                              env=env)
    acknowledged = 0
    try:
        while acknowledged < 25:
            line = writer.stdout.readline()
            assert line, "writer died before writing turns"
            acknowledged = int(line)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=10)
    assert writer.returncode == -signal.SIGKILL

    with Store.open(db_path, policy=policy) as store:
        turns = store.session_turns("crash-1")
        numbers = [turn["turn_no"] for turn in turns]
        assert numbers == list(range(1, len(numbers) + 1))
        assert len(numbers) >= acknowledged
        session = store.session("crash-1")
        assert session["status"] == "active" and session["turn_count"] == len(numbers)
        assert store.mark_abandoned(older_than_minutes=0) == 1
        assert store.session("crash-1")["status"] == "abandoned"
        assert len(store.session_turns("crash-1")) == len(numbers)
        assert store.db.execute("pragma integrity_check").fetchone()[0] == "ok"
