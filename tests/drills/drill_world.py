"""Generated histories for the drill and progress-at-a-glance tests: sessions played through the
store's public API with findings shaped exactly as the action server records them."""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional, Sequence

import pytest

from progress.store import Store
from shared_helpers import Clock

PERSONAS = ("willing_but_broke", "able_but_unwilling", "hostile", "evasive")
SCENARIOS = [
    {"id": f"{persona}-s{level}", "persona": persona, "regime": "cn", "languages": ["zh", "en"],
     "title_zh": f"{persona} 场景", "title_en": f"{persona} scenario", "difficulty": str(level), "bucket": "M1"}
    for persona in PERSONAS for level in (1, 2)
]
ALL_PARTS = {"observation": True, "feeling": True, "need": True, "request": True}


def open_store(path, clock):
    """A real store file with the scenarios above, on the test's clock."""
    store = Store.open(path, clock=clock, busy_timeout=1.0)
    store.sync_scenarios(SCENARIOS)
    return store


def violation(category: str, severity: str = "major") -> dict:
    return {"category": category, "rule": f"cn.{category}.{severity}", "severity": severity,
            "evidence": f"{category} evidence", "span": [0, 5], "source": "rule", "citation": "test", "advice": "—"}


def findings(violations: Sequence[dict] = (), nvc: Optional[dict] = None, polarity: int = 1) -> dict:
    return {"violations": list(violations), "nvc": dict(ALL_PARTS if nvc is None else nvc),
            "deescalation": {"polarity": polarity, "score": 70}, "overall": 80}


def play(store, clock, session_id: str, trainee: str, scenario: str = "hostile-s1", *, mode: str = "coach",
         turns: Iterable[dict] = (), overall: float = 80, commitment: bool = True, days_later: float = 0) -> None:
    """One whole session: every turn's findings as given (default: two clean turns), then the report."""
    clock.advance(days=days_later)
    store.start_session(session_id, trainee, scenario, "zh", mode, "cli")
    turns = list(turns) or [findings(), findings()]
    for turn_no, turn_findings in enumerate(turns, start=1):
        clock.advance(seconds=30)
        store.record_turn(session_id, turn_no, f"line {turn_no}", "offer_plan", 0.9, "debtor line",
                          {"anger": 0.3, "trust": 0.6, "willingness": 0.6, "stage": "negotiation"},
                          turn_findings, None)
    clock.advance(seconds=30)
    report = {"scores": {"overall": overall, "compliance": 90, "nvc": 70, "deescalation": 70},
              "violations": [], "passed": overall >= 75, "commitment_secured": commitment, "summary": "—"}
    store.finish_session(session_id, "payment_plan", report)

@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.timezone.utc))


@pytest.fixture
def store(tmp_path, clock):
    opened = open_store(tmp_path / "var" / "dojo.db", clock)
    yield opened
    opened.close()
