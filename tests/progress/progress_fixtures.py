"""Helpers the progress tests share: scenario rows for the four personas, a hand-moved clock, and
whole sessions played through the public API the way the action server drives them."""
from __future__ import annotations

from shared_helpers import Clock  # the progress tests import it from here

PERSONAS = ("willing_but_broke", "able_but_unwilling", "hostile", "evasive")
SCENARIOS = [
    {"id": f"{persona}_{regime}", "persona": persona, "regime": regime, "languages": ["zh", "en"],
     "title_zh": f"{persona} 场景", "title_en": f"{persona} scenario", "difficulty": str(level), "bucket": "M1"}
    for level, persona in enumerate(PERSONAS, start=1) for regime in ("cn", "us")
]


def report(overall=82, compliance=95, nvc=70, deescalation=72, violations=(), passed=True) -> dict:
    return {"scores": {"overall": overall, "compliance": compliance, "nvc": nvc, "deescalation": deescalation},
            "violations": list(violations), "passed": passed, "summary": "a line that quotes the trainee"}


def violation(category="harassment", severity="major", rule=None, evidence="you must pay now") -> dict:
    return {"category": category, "rule": rule or f"cn.{category}", "severity": severity, "evidence": evidence,
            "span": [0, len(evidence)], "source": "rule", "citation": "test", "advice": "ask, don't push"}


def play(store, clock, session_id, trainee, scenario, *, lang="zh", mode="exam", turns=2, final=None,
         turn_violations=(), outcome="payment_plan"):
    """A whole session through the public API, the way the action server drives it."""
    store.start_session(session_id, trainee, scenario, lang, mode, "cli")
    for turn_no in range(1, turns + 1):
        clock.advance(seconds=30)
        found = list(turn_violations) if turn_no == 1 else []
        store.record_turn(session_id, turn_no, f"trainee line {turn_no}", "acknowledge_feelings", 0.9,
                          f"debtor line {turn_no}", {"anger": 0.4, "trust": 0.5, "willingness": 0.5,
                                                     "stage": "negotiation"},
                          {"violations": found, "overall": 80}, None)
    clock.advance(seconds=30)
    return store.finish_session(session_id, outcome, final or report())
