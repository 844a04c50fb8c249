"""Turn latency through Rasa's REST channel, and how long the simulator takes to start.

Plays scripted sessions over every scenario in both languages, one turn at a time (a trainee waits
for the debtor), and prints p50 / p95 / max over at least 200 turns. Target: p95 < 150 ms on the
2-core reference machine. Run: `.venv/bin/python bench/bench_turn_latency.py [--turns 240]`.
"""
from __future__ import annotations

import argparse
import asyncio
import platform
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import percentile  # noqa: E402
from rasa_client import RasaClient  # noqa: E402
from dojo.servers import simulator_for  # noqa: E402
from foundation.settings import Settings  # noqa: E402
from simulator.catalog import load_catalog  # noqa: E402

SCRIPT = {
    "zh": ["您好，我是信用卡中心的小王，本次通话会录音，今天打电话是关于您信用卡账单的事。",
           "请问您是本人吗？方便核对一下身份证后四位吗？",
           "您的账单目前逾期了四十五天，欠款是八千六百元。",
           "能跟我说说最近是遇到什么困难了吗？",
           "听得出来您压力挺大的，这种情况确实不容易。",
           "我们可以帮您申请分十二期还款，每月大概七百多，您看可以吗？",
           "那这个月二十号前先还第一期七百元，可以吗？",
           "好的，我跟您确认一下：二十号前还七百元，后面每月按期还。",
           "感谢您的配合，祝您生活顺利，再见。"],
    "en": ["Hi, this is Sam from Harbor Bank card services. This call is recorded; I'm calling about your card account.",
           "Could you confirm your date of birth for me, please?",
           "Your account is 45 days past due with a balance of $2,400.",
           "Can you tell me what's been going on?",
           "That sounds really stressful, and I appreciate you telling me.",
           "We could set up a 12-month instalment plan at about $200 a month. Would that work?",
           "Could you make the first payment of $200 by the 20th?",
           "Great, so to confirm: $200 by the 20th, then the same each month.",
           "Thanks for your time today. Take care, goodbye."],
}


async def play(url: str, turns_wanted: int):
    scenarios = sorted(load_catalog().scenarios.values(), key=lambda s: s.id)
    latencies = []
    async with RasaClient(url, timeout=30.0) as client:
        index = 0
        while len(latencies) < turns_wanted:
            scenario = scenarios[index % len(scenarios)]
            lang = ("zh", "en")[index % 2]
            index += 1
            session_id = f"bench-{uuid.uuid4().hex[:10]}"
            await client.start_session(session_id, scenario.id, lang, "coach", "bench")
            for line in SCRIPT[lang]:
                started = time.perf_counter()
                reply = await client.send(session_id, line)
                latencies.append((time.perf_counter() - started) * 1000)
                if reply.ended:
                    break
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=240)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(environ={}).with_(db_path=Path(tmp) / "dojo.db", tracker_db=Path(tmp) / "tracker.db")
        simulator = simulator_for(settings, log_dir=Path(tmp) / "logs")
        started = time.perf_counter()
        simulator.start()
        startup = time.perf_counter() - started
        try:
            asyncio.run(play(simulator.rasa_url, 5))  # warm-up: first-call costs are not turn latency
            latencies = asyncio.run(play(simulator.rasa_url, args.turns))
        finally:
            simulator.stop()
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}")
    print(f"simulator start (model load + action server): {startup:.1f} s")
    print(f"turns: {len(latencies)}")
    print(f"turn latency p50: {percentile(latencies, 0.50):.1f} ms")
    print(f"turn latency p95: {percentile(latencies, 0.95):.1f} ms  (target < 150 ms)")
    print(f"turn latency max: {max(latencies):.1f} ms, mean {statistics.mean(latencies):.1f} ms")


if __name__ == "__main__":
    main()
