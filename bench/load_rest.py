"""Load through the Rasa REST channel: N trainees at once, each playing a 15-turn scripted call.

Every scenario and both languages are covered round-robin. Prints turn latency p50/p95/p99, turns
per second, the resident memory of the Rasa and action servers, and checks that nothing was lost:
every message sent is a turn row in the store (with its findings) and got exactly one debtor reply.
Targets (2 cores): p95 < 300 ms at N = 50, < 800 ms at N = 100, zero lost turns.

Run: `.venv/bin/python bench/load_rest.py --trainees 10 50 100 [--think 5 15] [--replicas 1 2] [--json out.json]`;
`--think` paces each trainee like a person typing (bench/figures.py), without it lines go back to back;
`--replicas K…` runs against K Rasa replicas behind HAProxy (docs/deploy.md), each K in turn
(0: the single-machine simulator; `replicas: 0` in a row).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import (ThinkTime, add_think_argument, cpu_seconds, machine_cpu_jiffies, percentile,  # noqa: E402
                           rss_mb, tree_cpu_seconds)
from foundation.errors import SimulatorUnavailable  # noqa: E402
from rasa_client import RasaClient  # noqa: E402
from bench.deployments import add_replicas_argument, process_ids, start_servers  # noqa: E402
from foundation.settings import Settings  # noqa: E402
from progress.store import Store  # noqa: E402
from simulator.catalog import load_catalog  # noqa: E402

TURNS_PER_SESSION = 15
SCRIPTS = json.loads((Path(__file__).parent / "load_scripts.json").read_text(encoding="utf-8"))


async def held(send, hold_s: float, retries: list):
    """`send()`, and while the simulator is unavailable, again every half second for up to `hold_s`
    seconds, as the bot holds a line through an outage and replays it under the same message key."""
    deadline = time.perf_counter() + hold_s
    while True:
        try:
            return await send()
        except SimulatorUnavailable:
            if time.perf_counter() >= deadline:
                raise
            retries.append(1)
            await asyncio.sleep(0.5)


async def trainee(client: RasaClient, index: int, scenarios, latencies, problems, think: ThinkTime,
                  hold_s: float = 0.0, retries: Optional[list] = None):
    scenario = scenarios[index % len(scenarios)]
    lang = ("zh", "en")[index % 2]
    session_id = f"load-{index}-{uuid.uuid4().hex[:8]}"
    retries = [] if retries is None else retries
    try:
        await held(lambda: client.start_session(session_id, scenario.id, lang, "coach", f"load-trainee-{index}"),
                   hold_s, retries)
    except SimulatorUnavailable as exc:  # overload at log-in: the trainee gives up, the round goes on
        problems.append(f"{session_id}: the call did not start: {exc}")
        return session_id
    previous_turn = 0
    for number, line in enumerate(SCRIPTS[lang][:TURNS_PER_SESSION], start=1):
        await asyncio.sleep(think.next())
        started = time.perf_counter()
        try:
            reply = await held(lambda: client.send(session_id, line, message_key=f"{session_id}:{number}"),
                               hold_s, retries)
        except SimulatorUnavailable as exc:  # overload: the trainee gives up, the round goes on
            problems.append(f"{session_id}: line {number} failed after {time.perf_counter() - started:.1f} s: {exc}")
            return session_id
        latencies.append((time.perf_counter() - started) * 1000)
        texts = [m for m in reply.raw if m.get("text")]
        if len(texts) != 1 or reply.turn != previous_turn + 1:
            problems.append(f"{session_id}: turn {reply.turn} after {previous_turn}, {len(texts)} replies")
        previous_turn = reply.turn
    return session_id


async def run_load(url: str, trainees: int, think=(0.0, 0.0), hold_s: float = 0.0, retries: Optional[list] = None):
    """`hold_s` > 0: each trainee holds a line through an outage that long and sends it again (fault tests)."""
    scenarios = sorted(load_catalog().scenarios.values(), key=lambda s: s.id)
    latencies, problems = [], []
    async with RasaClient(url, timeout=60.0) as client:
        started = time.perf_counter()
        session_ids = await asyncio.gather(*(trainee(client, i, scenarios, latencies, problems, ThinkTime(*think, seed=i),
                                                     hold_s, retries)
                                             for i in range(trainees)))
        elapsed = time.perf_counter() - started
    return session_ids, latencies, problems, elapsed


def turn_problems(db_path: Path, session_ids) -> list:
    """Everything wrong in the store after a load: a session whose trainee turns are not exactly 1…15
    in order, each under its own message key, or whose turn counter disagrees with its rows."""
    store = Store.open(db_path)
    problems = []
    for session_id in session_ids:
        rows = store.session_turns(session_id)
        turns = [t for t in rows if t["turn_no"] > 0]
        if [t["turn_no"] for t in turns] != list(range(1, TURNS_PER_SESSION + 1)):
            problems.append(f"{session_id}: turns {[t['turn_no'] for t in turns]}")
        elif any(t["message_key"] != f"{session_id}:{t['turn_no']}" for t in turns):
            problems.append(f"{session_id}: a turn under another message's key")
        # The session's counter (which counts the debtor's opening line, turn 0) matches its rows.
        if (store.session(session_id) or {}).get("turn_count") != len(rows) or len(rows) != TURNS_PER_SESSION + 1:
            problems.append(f"{session_id}: {len(rows)} rows, counter {(store.session(session_id) or {}).get('turn_count')}")
    return problems


def lost_turns(db_path: Path, session_ids) -> int:
    store = Store.open(db_path)
    lost = 0
    for session_id in session_ids:
        turns = [t for t in store.session_turns(session_id) if t["turn_no"] > 0]
        lost += TURNS_PER_SESSION - len([t for t in turns if t["findings"] is not None or not t["trainee_text"]])
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trainees", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    add_think_argument(parser)
    add_replicas_argument(parser, several=True)
    args = parser.parse_args()
    results = []
    print(f"machine: {platform.machine()}, python {platform.python_version()}; "
          f"think time {args.think[0]:g}-{args.think[1]:g} s before each line")
    for replicas in args.replicas or [None]:
        for count in args.trainees:
            with tempfile.TemporaryDirectory() as tmp:
                settings = Settings.from_env(environ={}).with_(db_path=Path(tmp) / "dojo.db", tracker_db=Path(tmp) / "tracker.db")
                servers = start_servers(settings, replicas, Path(tmp))
                try:
                    asyncio.run(run_load(servers.rasa_url, 2))  # warm-up
                    pids = process_ids(servers)
                    cpu_before = {name: tree_cpu_seconds(pid) for name, pid in pids.items()}
                    cpu_before["load driver"] = cpu_seconds(os.getpid())
                    machine_before = machine_cpu_jiffies()
                    session_ids, latencies, problems, elapsed = asyncio.run(run_load(servers.rasa_url, count, args.think))
                    machine_busy, machine_total = (a - b for a, b in zip(machine_cpu_jiffies(), machine_before))
                    cpu_ms = {name: round(1000 * (tree_cpu_seconds(pid) - cpu_before[name]) / max(1, len(latencies)), 1)
                              for name, pid in pids.items()}
                    cpu_ms["load driver"] = round(1000 * (cpu_seconds(os.getpid()) - cpu_before["load driver"])
                                                  / max(1, len(latencies)), 1)
                    # Of all the machine's cores: busy in all, and busy with this benchmark's processes.
                    cores = os.cpu_count() or 1
                    ours = sum(cpu_ms.values()) * len(latencies) / 1000 / elapsed / cores
                    machine = {"machine_busy_pct": round(100 * machine_busy / max(1, machine_total), 1),
                               "benchmark_busy_pct": round(100 * ours, 1)}
                    memory = {f"{name}_mb": rss_mb(pid) for name, pid in pids.items()}
                    lost = lost_turns(settings.db_path, session_ids)
                finally:
                    servers.stop()
            row = {
                "replicas": replicas or 0, "trainees": count, "think_s": list(args.think), "turns": len(latencies),
                "p50_ms": round(percentile(latencies, 0.50), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
                "p99_ms": round(percentile(latencies, 0.99), 1), "turns_per_s": round(len(latencies) / elapsed, 1),
                "lost_turns": lost, "reply_problems": len(problems), "cpu_ms_per_turn": cpu_ms, **machine, **memory,
            }
            results.append(row)
            print(json.dumps(row))
            for problem in problems[:5]:
                print("  problem:", problem)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
