"""Load through the Telegram path: N trainees at once, each talking to the real bot over its real HTTP stack.

The bot Application (`bot.app.build_application`) polls the fake Bot API server from the bot tests on
127.0.0.1 and talks to a real Rasa server + action server (one simulator for the whole run). Each
trainee sends /start, picks a scenario with the same /practice → scenario → language → mode taps the
bot tests use (round-robin over every scenario and both languages, coach mode), then sends the 15
scripted lines of bench/load_scripts.json, waiting for the debtor's reply each time.

Turn latency runs from the fake server queueing the update to the bot's sendMessage carrying the
debtor's line (🗣). Lost turns: every line sent must be a turn row with findings in the store, and
every trainee must get exactly one debtor line per message. The bot's outgoing rate limiter is built
for Telegram's cloud limit of 30 requests/s; against the local fake server it is raised (--bot-rate)
so the figures show the bot and the simulator, not the flood limit — the output says which was used.

Also estimates where a turn's time goes: the action server's own work (score_reply + engine.advance +
store.record_turn, replayed in-process over the logged turns) against the REST and Telegram latencies.

Run: `.venv/bin/python bench/load_telegram.py --trainees 10 50 100 [--think 5 15] [--replicas 0 1 2] [--json out.json]`;
`--replicas K…` puts K Rasa replicas behind HAProxy in place of the one Rasa server (docs/deploy.md), each K
in turn within one run so the deployments sit side by side (0: the single-machine simulator).
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bot"))
for _name, _value in (("RASA_TELEMETRY_ENABLED", "false"), ("TF_CPP_MIN_LOG_LEVEL", "2"),
                      ("SQLALCHEMY_SILENCE_UBER_WARNING", "1")):
    os.environ.setdefault(_name, _value)

from telegram import Update  # noqa: E402

from bench.figures import ThinkTime, add_think_argument, cpu_seconds, percentile, rss_mb, tree_cpu_seconds  # noqa: E402
from bot.app import build_application  # noqa: E402
from bot.main import SIMULATOR_TIMEOUT_S  # noqa: E402
from bot.network import RetryingRateLimiter  # noqa: E402
from bot.roles import store_user_id  # noqa: E402
from rasa_client import RasaClient  # noqa: E402
from bench.deployments import add_replicas_argument, process_ids, start_servers  # noqa: E402
from foundation.settings import Settings  # noqa: E402
from fake_telegram import Call, FakeBotApi, TgUser  # noqa: E402
from progress.store import Store  # noqa: E402
from simulator.catalog import load_catalog, load_scenarios  # noqa: E402

TURNS_PER_SESSION = 15
SCRIPTS = json.loads((Path(__file__).parent / "load_scripts.json").read_text(encoding="utf-8"))
DEBTOR_MARK = "🗣"
FIRST_LINE = {"zh": "请开始您的第一句话", "en": "Type your first line"}
TELEGRAM_CLOUD_RATE = 30  # requests/s, Telegram's global limit the bot's limiter defaults to
MODE = "coach"
RASA_TOKEN = "load-bench"
SEND_METHODS = ("sendMessage", "editMessageText", "sendPhoto", "sendDocument")


class ObservedBotApi(FakeBotApi):
    """The tests' fake server plus a per-chat index of calls, so hundreds of waiting trainees do not each
    rescan every call the bot ever made (that scan would run on the bot's own event loop)."""

    def __init__(self) -> None:
        super().__init__()
        self.chat_calls: Dict[int, List[Call]] = collections.defaultdict(list)
        self.chat_events: Dict[int, asyncio.Event] = collections.defaultdict(asyncio.Event)

    async def _result(self, method: str, params: Dict[str, Any]) -> Any:
        if method != "getUpdates":
            call = Call(method, params, time.monotonic())
            if call.chat_id is not None:
                self.chat_calls[call.chat_id].append(call)
                self.chat_events[call.chat_id].set()
        return await super()._result(method, params)

    async def wait_chat(self, chat_id: int, predicate: Callable[[Call], bool], since: int,
                        timeout: float) -> Tuple[int, Call]:
        """The first call to `chat_id` at index >= `since` matching `predicate`, with its index."""
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            calls = self.chat_calls[chat_id]
            for index in range(checked, len(calls)):
                if predicate(calls[index]):
                    return index, calls[index]
            checked = len(calls)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"chat {chat_id}: nothing matching after {timeout:.0f} s")
            event = self.chat_events[chat_id]
            event.clear()
            # A timeout only ends this wait; the loop re-checks the calls and the overall deadline.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


def _callback_data(call: Call) -> List[str]:
    markup = call.params.get("reply_markup") or {}
    return [b.get("callback_data") for row in markup.get("inline_keyboard", []) for b in row]


def _is_debtor_line(call: Call) -> bool:
    return call.method == "sendMessage" and call.text.startswith(DEBTOR_MARK)


class Trainee:
    """One simulated trainee: a Telegram user, the scenario and language they practise, what they saw."""

    def __init__(self, user: TgUser, scenario_id: str, lang: str, think: ThinkTime) -> None:
        self.user, self.scenario_id, self.lang, self.think = user, scenario_id, lang, think
        self.ui = "zh" if lang == "zh" else "en"
        self.talk_from = 0  # index into the chat's calls where the first scripted line was sent
        self.latencies: List[float] = []
        self.problems: List[str] = []
        self.lines_sent = 0

    async def begin(self, api: ObservedBotApi, timeout: float) -> None:
        """/start, then /practice → scenario → language → mode, as tests/bot/bot_world.start_practice does."""
        uid = self.user.id

        async def answer_after(action, predicate) -> Call:
            mark = len(api.chat_calls[uid])
            await action
            return (await api.wait_chat(uid, predicate, mark, timeout))[1]

        await answer_after(api.say(self.user, "/start"), lambda c: c.method == "sendMessage")
        sid, lang = self.scenario_id, self.lang
        steps = (("/practice", f"p:s:{sid}"), (f"p:s:{sid}", f"p:l:{sid}:{lang}"),
                 (f"p:l:{sid}:{lang}", f"p:m:{sid}:{lang}:{MODE}"))
        for action, expected in steps:
            send = api.say(self.user, action) if action.startswith("/") else api.tap(self.user, action)
            menu = await answer_after(send, lambda c: bool(_callback_data(c)))
            if expected not in _callback_data(menu):
                raise AssertionError(f"{uid}: {expected} not offered after {action}: {_callback_data(menu)}")
        await answer_after(api.tap(self.user, f"p:m:{sid}:{lang}:{MODE}"),
                           lambda c: c.method in SEND_METHODS and FIRST_LINE[self.ui] in c.text)
        self.talk_from = len(api.chat_calls[uid])

    async def talk(self, api: ObservedBotApi, store: Store, timeout: float) -> None:
        """Line after line until the script runs out or the debtor ends the call (an agreement at line 12
        of the script, usually): after the report card a real trainee stops talking too."""
        uid, since = self.user.id, self.talk_from
        for number, line in enumerate(SCRIPTS[self.lang][:TURNS_PER_SESSION], start=1):
            if number > 1 and store.active_session_for(store_user_id(uid)) is None:
                return
            await asyncio.sleep(self.think.next())
            queued = time.monotonic()
            await api.say(self.user, line)
            self.lines_sent += 1
            try:
                since, call = await api.wait_chat(uid, _is_debtor_line, since, timeout)
            except TimeoutError:
                self.problems.append(f"tg{uid}: no debtor reply to line {number} within {timeout:.0f} s")
                return
            self.latencies.append((call.at - queued) * 1000)
            since += 1

    def debtor_replies(self, api: ObservedBotApi) -> int:
        return sum(1 for c in api.chat_calls[self.user.id][self.talk_from:] if _is_debtor_line(c))


class MemorySampler:
    """Peak resident memory of the Rasa server, the action server and this process, sampled twice a second."""

    def __init__(self, pids: Dict[str, int]) -> None:
        self.pids = pids
        self.peak = {name: 0.0 for name in [*pids, "bench"]}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, value in self.now().items():
                self.peak[name] = max(self.peak[name], value)
            self._stop.wait(0.5)

    def now(self) -> Dict[str, float]:
        values = {name: rss_mb(pid) for name, pid in self.pids.items()}
        values["bench"] = own_rss_mb()
        return values

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


def own_rss_mb() -> float:
    """This process alone (figures.rss_mb would add the simulator, which is our child)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def combinations(scenarios) -> List[Tuple[str, str]]:
    """Every (scenario, language) pair the catalogue offers, so round-robin covers both languages of each."""
    return [(s.id, lang) for s in sorted(scenarios.values(), key=lambda s: s.id)
            for lang in ("zh", "en") if lang in s.languages]


async def run_round(settings: Settings, rasa_url: str, scenarios, count: int, first_id: int, bot_rate: float,
                    rasa_timeout: float, reply_timeout: float, think=(0.0, 0.0)) -> Dict[str, Any]:
    """One load round on a fresh fake server and bot Application; the simulator and store file are shared."""
    pairs = combinations(scenarios)
    trainees = []
    for index in range(count):
        scenario_id, lang = pairs[index % len(pairs)]
        language_code = "zh-hans" if lang == "zh" else "en"
        user = TgUser(first_id + index, f"T{index}", f"load{first_id + index}", language_code)
        trainees.append(Trainee(user, scenario_id, lang, ThinkTime(*think, seed=index)))
    store = Store.open(settings.db_path)
    limiter = RetryingRateLimiter(overall_max_rate=bot_rate, overall_time_period=1, backoff=0.05)
    async with ObservedBotApi() as api, RasaClient(rasa_url, timeout=rasa_timeout) as rasa:
        bot_settings = settings.with_(telegram_token=api.token, telegram_base_url=api.base_url, rasa_url=rasa_url)
        app = build_application(bot_settings, store, rasa, scenarios=scenarios, rate_limiter=limiter,
                                replay_interval=dt.timedelta(seconds=0.5))
        await app.initialize()
        await app.post_init(app)
        await app.updater.start_polling(poll_interval=0.0, timeout=1, allowed_updates=Update.ALL_TYPES)
        await app.start()
        try:
            started = time.perf_counter()
            await asyncio.gather(*(t.begin(api, reply_timeout) for t in trainees))
            setup_s = time.perf_counter() - started
            started = time.perf_counter()
            await asyncio.gather(*(t.talk(api, store, reply_timeout) for t in trainees))
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1.0)  # any late duplicate reply would arrive now
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
        replies = {t.user.id: t.debtor_replies(api) for t in trainees}
        api_calls = sum(len(calls) for calls in api.chat_calls.values())
    problems = [p for t in trainees for p in t.problems]
    problems += [f"tg{t.user.id}: {replies[t.user.id]} debtor replies to {t.lines_sent} lines" for t in trainees
                 if replies[t.user.id] != t.lines_sent]
    lost, duplicated, session_ids = 0, 0, []
    for trainee in trainees:
        sessions = store.sessions_for(store_user_id(trainee.user.id), limit=5)
        if len(sessions) != 1:
            problems.append(f"tg{trainee.user.id}: {len(sessions)} sessions in the store")
        if not sessions:
            lost += trainee.lines_sent
            continue
        session_ids.append(sessions[0]["id"])
        turns = [t for t in store.session_turns(sessions[0]["id"]) if t["turn_no"] > 0]
        lost += max(0, trainee.lines_sent - len([t for t in turns
                                                 if t["findings"] is not None or not t["trainee_text"]]))
        duplicated += max(0, len(turns) - trainee.lines_sent)
        if len(turns) > trainee.lines_sent:
            problems.append(f"tg{trainee.user.id}: {len(turns)} turns logged for {trainee.lines_sent} lines")
    store.close()
    latencies = [ms for t in trainees for ms in t.latencies]
    return {"latencies": latencies, "elapsed": elapsed, "lines_sent": sum(t.lines_sent for t in trainees),
            "calls_ended": sum(1 for t in trainees if t.lines_sent < TURNS_PER_SESSION), "setup_s": setup_s, "problems": problems, "lost": lost, "duplicated": duplicated,
            "session_ids": session_ids, "api_calls": api_calls}


async def serial_breakdown(rasa_url: str, token: str, scenarios) -> Dict[str, float]:
    """One trainee alone, over REST: whole-turn latency, and NLU alone (Rasa's /model/parse) per line.

    Turn minus parse is the dialogue policy, the tracker store, the action server call and HTTP.
    """
    import httpx

    whole, parse = [], []
    pairs = combinations(scenarios)
    async with RasaClient(rasa_url, timeout=60.0) as client, httpx.AsyncClient(base_url=rasa_url,
                                                                                timeout=60.0) as http:
        for index, (scenario_id, lang) in enumerate(pairs[:4]):
            session_id = f"serial-{index}-{time.monotonic_ns()}"
            await client.start_session(session_id, scenario_id, lang, MODE, "bench")
            for line in SCRIPTS[lang][:TURNS_PER_SESSION]:
                started = time.perf_counter()
                response = await http.post("/model/parse", params={"token": token}, json={"text": line})
                response.raise_for_status()
                parse.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                reply = await client.send(session_id, line)
                whole.append((time.perf_counter() - started) * 1000)
                if reply.ended:
                    break
    return {"serial_turns": len(whole), "rest_turn_p50_ms": round(percentile(whole, 0.5), 1),
            "nlu_parse_p50_ms": round(percentile(parse, 0.5), 1)}


def action_work_ms(db_path: Path, session_ids: List[str]) -> List[Tuple[float, bool]]:
    """Per-turn time of the action server's own work, replayed in this process over the logged turns.

    Mirrors actions/debtor_turn.py: score_reply, engine.advance, store.record_turn (and the report when a
    call ends), into a scratch store. Rasa's NLU + policy, the HTTP hops and the tracker are not in it.
    Entities are not logged, so amount/date are replayed as None. Returns (ms, the turn ended the call);
    the first session is replayed once unmeasured, since the scorer loads its word lists on first use.
    """
    from actions.turn_logic import score_safely, session_report, signal_from_score
    from simulator.engine import TraineeAct, advance, initial_state

    catalog = load_catalog()
    source = Store.open(db_path)
    timings: List[Tuple[float, bool]] = []
    with tempfile.TemporaryDirectory() as tmp, Store.open(Path(tmp) / "replay.db") as scratch:
        for number, session_id in enumerate(session_ids[:1] + session_ids):
            session = source.require_session(session_id)
            rows = source.session_turns(session_id)
            scenario_id, lang = session["scenario_id"], session["lang"]
            scenario = catalog.scenarios[scenario_id]
            persona = catalog.personas[scenario.persona]
            state = initial_state(persona, scenario, seed=session_id)
            replay_id = f"replay{number}-{session_id}"
            scratch.start_session(replay_id, "bench", scenario.id, lang, MODE, channel="bench")
            scratch.record_turn(replay_id, 0, "", None, None, rows[0]["debtor_reply"], state.public(), None, None)
            last_line = rows[0]["debtor_reply"]
            for row in rows[1:]:
                started = time.perf_counter()
                score = score_safely(row["trainee_text"] or "", lang, scenario.regime, last_line)
                act = TraineeAct(intent=row["intent"], confidence=float(row["confidence"] or 0.0),
                                 text=row["trainee_text"] or "", lang=lang, amount=None, date=None,
                                 signal=signal_from_score(score))
                before = state
                turn = advance(state, persona, scenario, act, lang)
                scratch.record_turn(replay_id, turn.state.turn, act.text, act.intent, act.confidence, turn.reply,
                                    turn.state.public(), score.to_dict() if score else None, turn.outcome)
                ends = turn.outcome is not None and before.outcome is None
                if ends:
                    report = session_report(scratch.session_turns(replay_id), scenario, lang, turn.outcome,
                                            turn.state.commitment)
                    scratch.finish_session(replay_id, turn.outcome, report)
                if number > 0:
                    timings.append(((time.perf_counter() - started) * 1000, ends))
                state, last_line = turn.state, turn.reply
    source.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trainees", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--bot-rate", type=float, default=1000.0,
                        help=f"the bot's outgoing Bot API requests/s (Telegram cloud: {TELEGRAM_CLOUD_RATE})")
    parser.add_argument("--rasa-timeout", type=float, default=SIMULATOR_TIMEOUT_S,
                        help=f"the bot's Rasa HTTP timeout in seconds (the bot's own: {SIMULATOR_TIMEOUT_S:g})")
    parser.add_argument("--reply-timeout", type=float, default=180.0, help="seconds a trainee waits for a reply")
    add_think_argument(parser)
    add_replicas_argument(parser, several=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    warnings = collections.Counter()

    class CountWarnings(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING and record.name.startswith("bot"):
                warnings[record.getMessage().split(" ")[0] + " " + record.name] += 1

    logging.getLogger("bot").addHandler(CountWarnings())
    logging.getLogger("bot").setLevel(logging.WARNING)

    scenarios = load_scenarios()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, python {platform.python_version()}")
    print(f"bot rate limiter: {args.bot_rate:g} requests/s against the local fake Bot API "
          f"(Telegram's cloud limit, the bot's default, is {TELEGRAM_CLOUD_RATE}/s); "
          f"Rasa timeout {args.rasa_timeout:g} s; mode {MODE}; {len(combinations(scenarios))} scenario×language pairs; "
          f"think time {args.think[0]:g}-{args.think[1]:g} s before each line")
    results, breakdowns = [], []
    for replicas in args.replicas or [None]:
        rows, summary = run_deployment(args, scenarios, replicas, warnings)
        results += rows
        breakdowns.append({"replicas": replicas or 0, **summary})
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"path": "telegram", "machine": machine(), "rounds": results,
                                         "breakdowns": breakdowns}, indent=2, ensure_ascii=False))


def run_deployment(args: argparse.Namespace, scenarios: Dict[str, Any], replicas: Optional[int],
                   warnings: "collections.Counter[str]") -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """One deployment's rounds and its breakdown, the servers started and stopped around them."""
    results: List[Dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        # A token enables Rasa's HTTP API (for /model/parse in the breakdown); the REST channel ignores it.
        settings = Settings.from_env(environ={}).with_(db_path=Path(tmp) / "dojo.db",
                                                       tracker_db=Path(tmp) / "tracker.db", rasa_token=RASA_TOKEN)
        simulator = start_servers(settings, replicas, Path(tmp))
        print(f"model: {simulator.model_path.name}; Rasa replicas behind HAProxy: {replicas or 'none (one Rasa server)'}")
        all_sessions: List[str] = []
        try:
            pids = process_ids(simulator)
            warm = asyncio.run(run_round(settings, simulator.rasa_url, scenarios, 2, 500_000, args.bot_rate,
                                         args.rasa_timeout, args.reply_timeout))
            if warm["problems"]:
                print("  warm-up problems:", warm["problems"][:3])
            serial = asyncio.run(serial_breakdown(simulator.rasa_url, RASA_TOKEN, scenarios))
            print("one trainee alone over REST:", json.dumps(serial))
            for round_no, count in enumerate(args.trainees, start=1):
                warnings.clear()
                measured = {**pids, "bench": os.getpid()}
                # Servers with their children (PostgreSQL's backends); this process without its servers.
                used_by = {name: (cpu_seconds if name == "bench" else tree_cpu_seconds) for name in measured}
                cpu_before = {name: used_by[name](pid) for name, pid in measured.items()}
                with MemorySampler(pids) as sampler:
                    outcome = asyncio.run(run_round(settings, simulator.rasa_url, scenarios, count,
                                                    round_no * 1_000_000, args.bot_rate, args.rasa_timeout,
                                                    args.reply_timeout, args.think))
                    memory_end = sampler.now()
                cpu_used = {name: used_by[name](pid) - cpu_before[name] for name, pid in measured.items()}
                all_sessions += outcome["session_ids"]
                latencies = outcome["latencies"]
                row = {
                    "trainees": count, "think_s": list(args.think), "turns": len(latencies), "lines_sent": outcome["lines_sent"],
                    "calls_ended_early": outcome["calls_ended"],
                    "p50_ms": round(percentile(latencies, 0.50), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
                    "p99_ms": round(percentile(latencies, 0.99), 1), "max_ms": round(max(latencies, default=0), 1),
                    "turns_per_s": round(len(latencies) / outcome["elapsed"], 1),
                    "lost_turns": outcome["lost"], "duplicated_turns": outcome["duplicated"], "reply_problems": len(outcome["problems"]),
                    "replicas": replicas or 0,
                    # With replicas, Rasa's memory is the sum over them.
                    "rasa_mb": round(sum(mb for name, mb in memory_end.items() if name.startswith("rasa")), 1),
                    "actions_mb": memory_end["actions"], "bench_mb": memory_end["bench"],
                    "rasa_peak_mb": round(sum(mb for name, mb in sampler.peak.items() if name.startswith("rasa")), 1),
                    "actions_peak_mb": sampler.peak["actions"],
                    "bench_peak_mb": sampler.peak["bench"], "setup_s": round(outcome["setup_s"], 1),
                    "cpu_ms_per_turn": {name: round(1000 * used / max(1, len(latencies)), 1)
                                        for name, used in cpu_used.items()},
                    "bot_api_calls": outcome["api_calls"], "bot_rate_per_s": args.bot_rate,
                    "bot_warnings": dict(warnings),
                }
                results.append(row)
                print(json.dumps(row, ensure_ascii=False))
                for problem in outcome["problems"][:5]:
                    print("  problem:", problem)
        finally:
            simulator.stop()
        work = action_work_ms(settings.db_path, all_sessions[:120])
    middle = [ms for ms, ends in work if not ends]
    ending = [ms for ms, ends in work if ends]
    summary = {**serial, "turns": len(work), "mid_call_p50_ms": round(percentile(middle, 0.5), 2),
               "mid_call_p95_ms": round(percentile(middle, 0.95), 2),
               "mid_call_mean_ms": round(sum(middle) / len(middle), 2) if middle else None,
               "call_ending_turns": len(ending),
               "call_ending_mean_ms": round(sum(ending) / len(ending), 2) if ending else None,
               "all_turns_mean_ms": round(sum(ms for ms, _ in work) / len(work), 2) if work else None}
    print("breakdown (serial REST, NLU parse, action work replayed in-process):", json.dumps(summary))
    return results, summary


def machine() -> Dict[str, Any]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal:"))
    return {"cpus": os.cpu_count(), "cpu_model": model, "ram_gb": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version()}


if __name__ == "__main__":
    main()
