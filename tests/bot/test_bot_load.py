"""Many trainees at once: updates are processed concurrently, each trainee's lines stay in order."""
from __future__ import annotations

import statistics
import time

from bot_world import run
from fake_telegram import TgUser

TRAINEES = 10
LINES_EACH = 3
THINKING_SECONDS = 0.3  # a Rasa + action-server turn is of this order on one machine


def test_trainees_are_served_in_parallel(store, scenarios, record_figure):
    sid = sorted(sid for sid, s in scenarios.items() if "en" in s.languages)[0]
    users = [TgUser(3000 + n, f"T{n}", f"t{n}", "en") for n in range(TRAINEES)]

    async def body(world):
        api, simulator = world.api, world.simulator
        for user in users:
            await api.tap(user, f"p:m:{sid}:en:coach")
        await api.wait_for(lambda c: "Type your first line" in c.text, count=TRAINEES, timeout=30)
        simulator.delay = THINKING_SECONDS
        mark, sent_at = len(api.calls), {}
        started = time.monotonic()
        for n in range(LINES_EACH):
            for user in users:
                sent_at[(user.id, n)] = time.monotonic()
                await api.say(user, f"line {n} from {user.first_name}")
        replies = await api.wait_for(lambda c: "I'm listening" in c.text, since=mark,
                                     count=TRAINEES * LINES_EACH, timeout=60)
        elapsed = time.monotonic() - started
        per_user = {}
        for call in replies:
            per_user.setdefault(call.chat_id, []).append(call.at)
        latencies = [(at - sent_at[(chat, n)]) * 1000 for chat, stamps in per_user.items()
                     for n, at in enumerate(sorted(stamps))]
        for user in users:
            assert [text for session, text in simulator.received if session.startswith(f"tg{user.id}-")] == \
                [f"line {n} from {user.first_name}" for n in range(LINES_EACH)]
        record_figure(f"bot: {TRAINEES} trainees x {LINES_EACH} lines, {THINKING_SECONDS} s simulator, wall time (s)",
                      round(elapsed, 2))
        record_figure("bot: reply latency p50 / p95 (ms)",
                      f"{statistics.median(latencies):.0f} / {statistics.quantiles(latencies, n=20)[18]:.0f}")
        # Serially this would take TRAINEES * LINES_EACH * THINKING_SECONDS = 9 s. The floor is Telegram's
        # global limit of 30 requests/s, which AIORateLimiter enforces: 2 requests a turn -> 2 s here.
        assert elapsed < 0.5 * TRAINEES * LINES_EACH * THINKING_SECONDS

    run(body, store, scenarios)
