"""Load through the Rasa REST channel: N trainees at once, each playing a 15-turn scripted call.

Every scenario and both languages are covered round-robin. Prints turn latency p50/p95/p99, turns
per second, the resident memory of the Rasa and action servers, and checks that nothing was lost:
every message sent is a turn row in the store (with its findings) and got exactly one debtor reply.
Targets (2 cores): p95 < 300 ms at N = 50, < 800 ms at N = 100, zero lost turns.

Run: `.venv/bin/python bench/load_rest.py --trainees 10 50 100 [--think 5 15] [--json out.json]`; `--think`
paces each trainee like a person typing (bench/figures.py), without it lines go back to back.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import ThinkTime, add_think_argument, percentile, rss_mb  # noqa: E402
from foundation.errors import SimulatorUnavailable  # noqa: E402
from rasa_client import RasaClient  # noqa: E402
from dojo.servers import simulator_for  # noqa: E402
from foundation.settings import Settings  # noqa: E402
from progress.store import Store  # noqa: E402
from simulator.catalog import load_catalog  # noqa: E402

TURNS_PER_SESSION = 15
SCRIPTS = json.loads((Path(__file__).parent / "load_scripts.json").read_text(encoding="utf-8"))


async def trainee(client: RasaClient, index: int, scenarios, latencies, problems, think: ThinkTime):
    scenario = scenarios[index % len(scenarios)]
    lang = ("zh", "en")[index % 2]
    session_id = f"load-{index}-{uuid.uuid4().hex[:8]}"
    await client.start_session(session_id, scenario.id, lang, "coach", f"load-trainee-{index}")
    previous_turn = 0
    for number, line in enumerate(SCRIPTS[lang][:TURNS_PER_SESSION], start=1):
        await asyncio.sleep(think.next())
        started = time.perf_counter()
        try:
            reply = await client.send(session_id, line, message_key=f"{session_id}:{number}")
        except SimulatorUnavailable as exc:  # overload: the trainee gives up, the round goes on
            problems.append(f"{session_id}: line {number} failed after {time.perf_counter() - started:.1f} s: {exc}")
            return session_id
        latencies.append((time.perf_counter() - started) * 1000)
        texts = [m for m in reply.raw if m.get("text")]
        if len(texts) != 1 or reply.turn != previous_turn + 1:
            problems.append(f"{session_id}: turn {reply.turn} after {previous_turn}, {len(texts)} replies")
        previous_turn = reply.turn
    return session_id


async def run_load(url: str, trainees: int, think=(0.0, 0.0)):
    scenarios = sorted(load_catalog().scenarios.values(), key=lambda s: s.id)
    latencies, problems = [], []
    async with RasaClient(url, timeout=60.0) as client:
        started = time.perf_counter()
        session_ids = await asyncio.gather(*(trainee(client, i, scenarios, latencies, problems, ThinkTime(*think, seed=i))
                                             for i in range(trainees)))
        elapsed = time.perf_counter() - started
    return session_ids, latencies, problems, elapsed


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
    args = parser.parse_args()
    results = []
    print(f"machine: {platform.machine()}, python {platform.python_version()}; "
          f"think time {args.think[0]:g}-{args.think[1]:g} s before each line")
    for count in args.trainees:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings.from_env(environ={}).with_(db_path=Path(tmp) / "dojo.db", tracker_db=Path(tmp) / "tracker.db")
            simulator = simulator_for(settings, log_dir=Path(tmp) / "logs").start()
            try:
                asyncio.run(run_load(simulator.rasa_url, 2))  # warm-up
                session_ids, latencies, problems, elapsed = asyncio.run(run_load(simulator.rasa_url, count, args.think))
                memory = {"rasa_mb": rss_mb(simulator.rasa.process.pid), "actions_mb": rss_mb(simulator.actions.process.pid)}
                lost = lost_turns(settings.db_path, session_ids)
            finally:
                simulator.stop()
        row = {
            "trainees": count, "think_s": list(args.think), "turns": len(latencies), "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1), "p99_ms": round(percentile(latencies, 0.99), 1),
            "turns_per_s": round(len(latencies) / elapsed, 1), "lost_turns": lost, "reply_problems": len(problems), **memory,
        }
        results.append(row)
        print(json.dumps(row))
        for problem in problems[:5]:
            print("  problem:", problem)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
