"""Cost grows linearly with reply length: no pattern may backtrack catastrophically."""
import time

import pytest

from scoring import score_reply

SEEDS = {
    "en": "I understand this is hard; let's look at a plan. If you don't pay, the police will come! Balance $3,200. ",
    "zh": "我理解您的难处，我们一起看看分期方案。你要是不还，后果自负！账单金额3200元，逾期45天。",
    "adversarial": "a" * 50 + " " + "you " * 30 + "!" * 20 + "。" * 10 + "$1" * 10,
}


def _cost(text, lang):
    score_reply(text, lang)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        score_reply(text, lang)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_cost_is_linear(name):
    lang = "zh" if name == "zh" else "en"
    seed = SEEDS[name]
    short = (seed * 100)[:1000]
    long = (seed * 1000)[:8000]
    # 8x the text may cost at most ~3x more than linear (generous for a noisy CI machine).
    assert _cost(long, lang) < 24 * _cost(short, lang) + 0.05
