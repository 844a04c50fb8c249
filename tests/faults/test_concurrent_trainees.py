"""Many trainees at once against the real simulator: nothing lost, nothing doubled, nobody's call mixed up.

The load driver of bench/load_rest.py (every scenario and both languages round-robin, 15 scripted
lines each, back to back, so Rasa's queue is as long as it gets) on the suite's live simulator. Latency
is printed, not asserted: speed targets live in bench/ (docs/benchmarks.md). tests/scale/test_replicas_live.py
runs the same against two Rasa replicas behind HAProxy.
"""
from __future__ import annotations

import asyncio

import pytest

from bench.figures import percentile
from bench.load_rest import TURNS_PER_SESSION, lost_turns, run_load, turn_problems

pytestmark = pytest.mark.rasa

TRAINEES = 20


def test_twenty_trainees_back_to_back_lose_and_double_nothing(simulator, record_figure):
    session_ids, latencies, problems, elapsed = asyncio.run(run_load(simulator.rasa_url, TRAINEES))
    assert problems == []  # one debtor reply per line, turn numbers 1, 2, 3… in every call
    assert len(latencies) == TRAINEES * TURNS_PER_SESSION
    assert lost_turns(simulator.db_path, session_ids) == 0  # every line is a turn row with its findings
    # Turns 1…15 in order in every call, each under its own message key, counters matching the rows.
    assert turn_problems(simulator.db_path, session_ids) == []
    record_figure(f"live simulator, {TRAINEES} trainees back to back: turns/s",
                  round(len(latencies) / elapsed, 1))
    record_figure(f"live simulator, {TRAINEES} trainees back to back: p50 / p95 ms",
                  f"{percentile(latencies, 0.5):.0f} / {percentile(latencies, 0.95):.0f}")
