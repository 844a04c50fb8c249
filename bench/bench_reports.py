"""Benchmark: reports, charts and dashboard queries on a training centre's worth of data.

Generates 200 trainees × 100 sessions × 20 turns (400 000 turns) through the store's public API,
then times every report (`dojo report trainee|team|scenario`), the certification check, a
transcript, the three charts and every dashboard canned query and chart query served by Datasette.
Target: every report under 300 ms. Also measures what the action server pays per turn: one
`record_turn` committed on its own (durable, synchronous=FULL).

    .venv/bin/python bench/bench_reports.py [--trainees 200] [--sessions 100] [--turns 20] [--db PATH]

Exit status 1 when a report misses the target.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

for _name, _value in {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
                      "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}.items():
    os.environ.setdefault(_name, _value)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from foundation.paths import certification_policy  # noqa: E402
from progress import charts, dashboard, queries, reports  # noqa: E402
from progress.certification import load_policy  # noqa: E402
from progress.store import Store  # noqa: E402
from progress.vocab import PERSONAS  # noqa: E402
from foundation.vocab import NVC_PARTS  # noqa: E402

TARGET_MS = 300.0
REPEATS = 5
CATEGORIES = ("harassment", "abusive_language", "false_legal_threat", "third_party_disclosure", "unfair_practice",
              "privacy_violation", "threat_of_violence")
OUTCOMES = ("promise_to_pay", "payment_plan", "refused", "hung_up", "complaint", None)


class SteppingClock:
    """Starts 90 days ago and moves forward as the generator asks, so sessions spread over time."""

    def __init__(self, start: dt.datetime):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def scenario_rows() -> list:
    return [{"id": f"{persona}-{regime}-{bucket}", "persona": persona, "regime": regime,
             "languages": ["zh", "en"], "title_zh": f"{persona} {bucket}", "title_en": f"{persona} {bucket}",
             "difficulty": str(level), "bucket": bucket}
            for level, persona in enumerate(PERSONAS, start=1) for regime in ("cn", "us") for bucket in ("M1", "M3")]


def generate(store: Store, clock: SteppingClock, trainees: int, sessions: int, turns: int, seed: int = 7) -> dict:
    rng = random.Random(seed)
    scenarios = [row["id"] for row in scenario_rows()]
    store.sync_scenarios(scenario_rows())
    for number in range(10):
        store.ensure_user(f"trainer{number:02d}", f"Trainer {number}", role="trainer")
    store.ensure_user("lead", "Team lead", role="lead")
    total_span = 88 * 24 * 3600
    step = total_span / (trainees * sessions)
    started = time.perf_counter()
    turn_count = 0
    skills = {f"trainee{n:03d}": rng.uniform(45, 92) for n in range(trainees)}
    for trainee in skills:
        store.ensure_user(trainee, f"学员 {trainee[-3:]}")
    # Sessions interleave across trainees over the 88 days, as in a real centre.
    order = [(trainee, index) for index in range(sessions) for trainee in skills]
    with store.transaction():
        for session_no, (trainee, index) in enumerate(order):
            skill = skills[trainee] + index * 0.08
            scenario = rng.choice(scenarios)
            mode = "exam" if rng.random() < 0.3 else "coach"
            lang = "zh" if rng.random() < 0.6 else "en"
            session_id = f"{trainee}-{index:03d}"
            if index % 25 == 0:
                store.assign(f"trainer{rng.randrange(10):02d}", trainee, scenario, mode,
                             store.today() + dt.timedelta(days=rng.randint(0, 10)))
            store.start_session(session_id, trainee, scenario, lang, mode, "telegram")
            for turn_no in range(1, turns + 1):
                found = []
                if rng.random() < 0.06 * (100 - skill) / 50:
                    found.append({"category": rng.choice(CATEGORIES), "rule": "bench.rule",
                                  "severity": "critical" if rng.random() < 0.15 else "major",
                                  "evidence": "示例证据 sample evidence", "source": "rule"})
                store.record_turn(session_id, turn_no, "您好，我是某银行信用卡中心的工作人员，本次通话会录音。",
                                  "identify_self", 0.93, "嗯，你说吧。", {"anger": 0.4, "trust": 0.5,
                                                                    "willingness": 0.5, "stage": "negotiation"},
                                  {"violations": found, "overall": round(skill),
                                   "nvc": {part: rng.random() < skill / 100 * 0.6 for part in NVC_PARTS},
                                   "deescalation": {"polarity": -1 if found or rng.random() < 0.03 else 1}}, None)
                turn_count += 1
            clock.step(step * 0.9)
            scores = {dimension: max(0, min(100, round(rng.gauss(skill, 8), 1)))
                      for dimension in ("overall", "compliance", "nvc", "deescalation")}
            if index == sessions - 1 and rng.random() < 0.05:
                clock.step(step * 0.1)
                continue  # left active: becomes abandoned below
            store.finish_session(session_id, rng.choice(OUTCOMES),
                                 {"scores": scores, "passed": scores["overall"] >= 75, "violations": [],
                                  "commitment_secured": rng.random() < skill / 100})
            clock.step(step * 0.1)
    elapsed = time.perf_counter() - started
    clock.step(3600)
    store.mark_abandoned(30)
    return {"turns": turn_count, "seconds": elapsed}


def timed(function, repeats: int = REPEATS) -> tuple:
    durations = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations), max(durations)


def dashboard_timings(db_path: Path) -> list:
    import httpx

    app = dashboard.build_app(db_path)
    paths = [(f"canned {name}", f"/dojo/{name}.json", {"trainee": "trainee007", "scenario": ""})
             for name in dashboard.CANNED_QUERIES]
    for name, chart in dashboard.dashboards_config()["team"]["charts"].items():
        paths.append((f"board chart {name}", "/dojo.json", {"sql": chart["query"]}))
    paths.append(("board page /-/dashboards/team", "/-/dashboards/team", {}))

    async def run() -> list:
        results = []
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for label, path, params in paths:
                durations = []
                for _ in range(REPEATS):
                    started = time.perf_counter()
                    response = await client.get(path, params=params)
                    durations.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (label, response.status_code, response.text[:300])
                results.append((label, statistics.median(durations), max(durations)))
        return results

    return asyncio.run(run())


def per_turn_latency(store: Store, turns: int = 200) -> tuple:
    """What one durable turn costs the action server: its own IMMEDIATE transaction and commit."""
    store.start_session("latency-probe", "trainee000", scenario_rows()[0]["id"], "zh", "coach", "cli")
    durations = []
    for turn_no in range(1, turns + 1):
        started = time.perf_counter()
        store.record_turn("latency-probe", turn_no, "请问您最近方便还款吗？", "ask_commitment", 0.9, "再说吧。",
                          {"anger": 0.3}, {"violations": [], "overall": 75}, None)
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    return statistics.median(durations), durations[int(len(durations) * 0.95) - 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument("--sessions", type=int, default=100)
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--db", type=Path, default=None, help="keep the generated database here")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="dojo-bench-"))
    db_path = args.db or workdir / "dojo.db"
    if db_path.exists():
        db_path.unlink()
    clock = SteppingClock(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=90))
    store = Store.open(db_path, clock=clock, policy=load_policy(certification_policy()))
    print(f"generating {args.trainees} trainees × {args.sessions} sessions × {args.turns} turns into {db_path}")
    generated = generate(store, clock, args.trainees, args.sessions, args.turns)
    clock.now = dt.datetime.now(dt.timezone.utc)
    size_mb = db_path.stat().st_size / 1e6
    print(f"  {generated['turns']:,} turns in {generated['seconds']:.1f} s "
          f"({generated['turns'] / generated['seconds']:,.0f} turns/s, batched); file {size_mb:.0f} MB")
    counts = {table: store.db[table].count for table in ("users", "sessions", "turns", "violations",
                                                         "assignments", "certifications")}
    print("  rows: " + ", ".join(f"{table} {count:,}" for table, count in counts.items()))

    reports_timed = [
        ("report trainee (trainee007)", lambda: reports.trainee_report(store, "trainee007")),
        (f"report trainee (trainee{args.trainees - 1:03d})",
         lambda: reports.trainee_report(store, f"trainee{args.trainees - 1:03d}")),
        ("report team", lambda: reports.team_report(store)),
        ("report scenario", lambda: reports.scenario_report(store, scenario_rows()[0]["id"])),
        ("certification status", lambda: store.certification_status("trainee007")),
        ("trainer assignments (all)", lambda: store.assignments()),
        ("transcript", lambda: reports.transcript(store, f"trainee007-{args.sessions // 2:03d}")),
        ("weak points (one trainee, drill choice)", lambda: store.weak_points("trainee007")),
        ("weak points (team, heatmap data)", lambda: store.weak_points()),
        ("lift per scenario (team)", lambda: store.scenario_lift()),
        ("proficiency (team)", lambda: store.proficiency()),
        ("time to certify per cohort", lambda: store.query(queries.TIME_TO_CERTIFY)),
    ]
    charts_timed = [
        ("chart trainee scores", lambda: charts.trainee_scores_png(store, "trainee007")),
        ("chart team funnel", lambda: charts.team_funnel_png(store)),
        ("chart violations over time", lambda: charts.violations_over_time_png(store)),
        ("chart team heatmap (40 weakest)", lambda: charts.team_heatmap_png(store)),
        ("chart time to certify", lambda: charts.time_to_certify_png(store)),
    ]
    failures = []
    print(f"\n{'report (median / max of %d runs, ms)' % REPEATS:<46}{'median':>9}{'max':>9}  target {TARGET_MS:.0f} ms")
    for label, function in reports_timed:
        median, worst = timed(function)
        verdict = "ok" if worst < TARGET_MS else "SLOW"
        if verdict != "ok":
            failures.append(label)
        print(f"  {label:<44}{median:>9.1f}{worst:>9.1f}  {verdict}")
    print("charts (PNG, includes drawing)")
    for label, function in charts_timed:
        median, worst = timed(function, 3)
        print(f"  {label:<44}{median:>9.1f}{worst:>9.1f}")
    print("dashboard (Datasette, in-process HTTP)")
    for label, median, worst in dashboard_timings(db_path):
        verdict = "ok" if worst < TARGET_MS else "SLOW"
        if verdict != "ok":
            failures.append(label)
        print(f"  {label:<44}{median:>9.1f}{worst:>9.1f}  {verdict}")
    median, p95 = per_turn_latency(store)
    print(f"action server: one durable record_turn (own transaction, synchronous=FULL): "
          f"median {median:.2f} ms, p95 {p95:.2f} ms")
    store.close()
    if failures:
        print(f"\nmissed the {TARGET_MS:.0f} ms target: {', '.join(failures)}")
        return 1
    print(f"\nevery report and dashboard query under {TARGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
