"""Where a turn's time goes inside the Rasa server under load, from a sampling profile.

Starts a simulator (Rasa + action server), drives N trainees back to back through the REST channel
(bench/load_rest.py's trainees), and samples the Rasa server with py-spy meanwhile. Every sample is
put in the first bucket whose frame it contains, innermost match wins, so the shares add up to 100%:

  NLU                  parse_message (tokenizer, featurizers, DIET)
  policy               the policies choosing the next action
  tracker read         SQL/cached tracker store retrieve
  tracker write        tracker store save (SQLite insert + commit)
  action validation    Rasa checking the action server's JSON answer (jsonschema)
  action call          waiting on / talking to the action server over HTTP
  HTTP and the rest    Sanic, the REST channel, the event loop

The action server's own CPU (scoring, engine, progress store) is measured separately by
bench/load_telegram.py; it is ~1% of a turn.

Run: `.venv/bin/python bench/profile_rasa.py [--trainees 40] [--seconds 40] [--raw out.txt]`
(py-spy is a dependency; it needs permission to ptrace the Rasa process, which root and the
process's own user have on a default Linux).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load_rest import run_load  # noqa: E402
from dojo.servers import simulator_for  # noqa: E402
from foundation.settings import Settings  # noqa: E402

# (bucket, function name, file suffix); checked innermost frame first.
BUCKETS: Tuple[Tuple[str, str, str], ...] = (
    ("action validation", "_validate_action_result", "rasa/core/actions/action.py"),
    ("tracker read", "retrieve", "tracker_store.py"),
    ("tracker write", "save", "tracker_store.py"),
    ("NLU", "parse_message", "rasa/core/processor.py"),
    ("policy", "_predict_next_with_tracker", "rasa/core/processor.py"),
    ("action call", "run", "rasa/core/actions/action.py"),
)
OTHER = "HTTP and the rest"
FRAME = re.compile(r"(?P<function>[^ ;]+) \((?P<file>[^:)]+)(?::\d+)?\)")


def bucket_of(stack: str) -> str:
    frames = [(m.group("function"), m.group("file")) for m in FRAME.finditer(stack)]
    for function, path in reversed(frames):
        for name, wanted_function, wanted_file in BUCKETS:
            if function == wanted_function and path.endswith(wanted_file):
                return name
    return OTHER


def shares(raw_lines: Iterable[str]) -> Dict[str, float]:
    """py-spy's raw (collapsed) format: `frame;frame;... count` per line."""
    counts: Dict[str, int] = collections.Counter()
    for line in raw_lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            counts[bucket_of(stack)] += int(count)
    total = sum(counts.values()) or 1
    order = [name for name, _, _ in BUCKETS] + [OTHER]
    return {name: round(100 * counts.get(name, 0) / total, 1) for name in order}


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(found).exists():
        raise SystemExit("py-spy not found: run `make setup` (it is a dependency) or put it on PATH")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trainees", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=40, help="how long to sample (the load runs at least as long)")
    parser.add_argument("--raw", type=Path, help="keep py-spy's raw samples here")
    args = parser.parse_args()
    profiler = py_spy()
    with tempfile.TemporaryDirectory() as tmp:
        raw = args.raw or Path(tmp) / "rasa.txt"
        settings = Settings.from_env(environ={}).with_(db_path=Path(tmp) / "dojo.db", tracker_db=Path(tmp) / "tracker.db")
        simulator = simulator_for(settings, log_dir=Path(tmp) / "logs").start()
        try:
            asyncio.run(run_load(simulator.rasa_url, 2))  # warm-up: first-call compilation is not the steady state
            sampler = subprocess.Popen([profiler, "record", "-p", str(simulator.rasa.process.pid), "-d", str(args.seconds),
                                        "-r", "200", "-f", "raw", "-o", str(raw)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            turns = 0
            while sampler.poll() is None:
                _, latencies, _, _ = asyncio.run(run_load(simulator.rasa_url, args.trainees))
                turns += len(latencies)
            if sampler.returncode != 0:
                raise SystemExit(f"py-spy failed: {sampler.stderr.read().strip()}")
        finally:
            simulator.stop()
        result = shares(raw.read_text().splitlines())
    print(f"Rasa server CPU samples by part, {args.trainees} trainees back to back, {turns} turns:")
    for name, share in result.items():
        print(f"  {name:<20} {share:5.1f}%")


if __name__ == "__main__":
    main()
